"""A small, safe subset of Markdown for text typed by users (meeting minutes).

The text is HTML-escaped *before* any markup is recognised, so raw HTML typed in the text (a `<script>`,
an `onerror=` attribute) always comes out as inert text; only the tags written here are produced.
Supported: paragraphs (blank line), line breaks, bullet lists (`-`, `*`, `+`, nested by indentation),
numbered lists (`1.` or `1)`), headings (`#` to `###`, shifted down so they sit under the page's own
headings), `**bold**`, `*italic*` / `_italic_`, and `[links](https://…)` (http, https and mailto only).
No library of the project's dependencies renders Markdown; this covers what minutes use.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:(?P<bullet>[-*+])|(?P<number>\d{1,3})[.)])\s+(?P<text>.*)$")
HEADING = re.compile(r"^(?P<level>#{1,3})\s+(?P<text>.+?)\s*#*\s*$")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
ITALIC = re.compile(r"(?<![*\w])[*_](?=\S)([^*_]+?)(?<=\S)[*_](?![*\w])")
LINK = re.compile(r"\[([^\]]+)\]\(((?:https?://|mailto:)[^\s)\"']+)\)")


def inline(escaped):
    """Bold, italic and links inside an already escaped line."""
    text = LINK.sub(r'<a href="\2" rel="nofollow noopener">\1</a>', escaped)
    text = BOLD.sub(r"<strong>\1</strong>", text)
    return ITALIC.sub(r"<em>\1</em>", text)


def _indent_width(indent):
    return len(indent.replace("\t", "    "))


class _Renderer:
    def __init__(self, heading_offset):
        self.out = []
        self.paragraph = []
        self.lists = []  # stack of (tag, indent width)
        self.heading_offset = heading_offset

    def flush_paragraph(self):
        if self.paragraph:
            self.out.append("<p>" + "<br>".join(inline(line) for line in self.paragraph) + "</p>\n")
            self.paragraph = []

    def close_lists(self, down_to_width=-1):
        while self.lists and self.lists[-1][1] > down_to_width:
            tag, _width = self.lists.pop()
            self.out.append(f"</li></{tag}>" if self.lists else f"</li></{tag}>\n")

    def list_item(self, match):
        self.flush_paragraph()
        tag = "ul" if match["bullet"] else "ol"
        width = _indent_width(match["indent"])
        self.close_lists(width)
        if self.lists and self.lists[-1][1] == width and self.lists[-1][0] != tag:
            self.close_lists(width - 1)  # a numbered list right after bullets at the same depth: a new list
        if self.lists and self.lists[-1][1] == width:
            self.out.append("</li><li>")
        else:
            self.out.append(f"<{tag}><li>")
            self.lists.append((tag, width))
        self.out.append(inline(match["text"]))

    def line(self, raw):
        escaped = escape(raw.rstrip())
        if not escaped.strip():
            self.flush_paragraph()
            self.close_lists()
            return
        item = LIST_ITEM.match(escaped)
        if item:
            self.list_item(item)
            return
        heading = HEADING.match(escaped)
        if heading:
            self.flush_paragraph()
            self.close_lists()
            level = min(len(heading["level"]) + self.heading_offset, 6)
            self.out.append(f"<h{level}>{inline(heading['text'])}</h{level}>\n")
            return
        if self.lists:  # a continuation line of the current item
            self.out.append("<br>" + inline(escaped.strip()))
            return
        self.paragraph.append(escaped.strip())

    def html(self):
        self.flush_paragraph()
        self.close_lists()
        return "".join(self.out).strip()


def render(text, heading_offset=2):
    """Safe HTML for `text`; `#` becomes <h3> by default (the page has its <h1> and a <h2> above)."""
    renderer = _Renderer(heading_offset)
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        renderer.line(raw)
    return mark_safe(renderer.html())  # noqa: S308 — built only from escaped text and our own tags
