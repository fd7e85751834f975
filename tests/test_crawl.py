"""Crawl of the whole demo, as each demo account and an anonymous visitor would browse it.

One test: load `quartiers demo` (reference data + every module's demo), then for each role follow the
site's own links from `/` (and send each GET filter form once) and check what a user would notice: no
server error, no broken link, one <h1>, <html lang="fr">, a <title> of its own, no English UI words, no
Python value (« None ») shown, no page over 1 MB, no missing static file,
no localised number in markup (an SVG coordinate, a data-* number, a style width or a JSON island written
« 92,7 » or « 2 938 » is unreadable by the browser: the NPNRU Gantt was blank); each POST form with a required
field, sent empty, must answer without a server error; the 404 page must be the site's French one.
Unknown template variables fail through the suite's --fail-on-template-vars (the client re-raises them).
QUARTIERS_CRAWL_LOG=/tmp/crawl.txt keeps every URL visited (status, time, size).
"""

import functools
import io
import json
import os
import re
import time
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import Resolver404, resolve

from quartiers.accounts.demo import ACCOUNTS, DOMAIN

MAX_PATHS = 300  # distinct pages per role
MAX_VARIANTS = 2  # distinct filter queries per path
MAX_HTML_BYTES = 1_000_000  # a page heavier than this is slow on a phone (e.g. a select of every commune)
MAX_POSTS = 80  # forms sent empty per role
MAX_PER_ROUTE = 3  # distinct pages per URL pattern (4 QPV fiches tell as much as 1,600)
# The home page, and a search form the links alone would not submit.
START = ["/", "/ressources/?q=contrat+de+ville"]
# Addresses that do not exist: a typo in the path, an unknown QPV code.
MISSING = ["/page-inexistante/", "/territoires/qpv/QN99999X/"]
SKIPPED_PREFIXES = ("/static/", "/comptes/deconnexion")
# Query parameters that only page or sort a list: the same page for the checks below.
PAGING = {"page", "tri", "sort", "ordre", "order", "o", "next", "dir"}
ENGLISH = re.compile(
    r"\b(Submit|Save|Cancel|Delete|Edit|Search|Next|Previous|Loading|Error|(?i:Not found|This field))\b"
)
# Python values shown as they are: an empty field printed « None », an object without __str__.
LEAKS = re.compile(r"\b(None|True|False|nan)\b|<QuerySet|object at 0x|\w+ object \(\d+\)")
# Text inside these elements is code, machinery or data (the river « Save » in « Montaigut-sur-Save »), not UI wording.
# Markup numbers are read by the browser or by JS: a decimal comma or a thousands separator breaks them.
SVG_NUMBER_ATTRS = {"x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy", "r", "rx", "ry", "dx", "dy"}
# Number lists: « x,y » pairs are SVG syntax, so a comma is fine between dot decimals (« 300.0,28.0 »); a pair
# of localised floats (« 300,0,28,0 ») or commas with no decimal point at all (« 92,7 10,3 ») is not.
SVG_LIST_ATTRS = {"d", "points", "viewbox", "transform"}
SVG_TAGS = {"svg", "rect", "line", "circle", "ellipse", "path", "polyline", "polygon", "text", "g", "use", "image"}
# 2 938 as Django's French format groups it: a no-break or narrow no-break space (a plain space separates lists).
GROUPED = re.compile(r"\d[\u00a0\u202f]\d{3}(?!\d)")
DECIMAL_COMMA = re.compile(r"\d,\d")
STYLE_SIZE = re.compile(r"(?:^|;)\s*(?:(?:min-|max-)?(?:width|height)|left|right|top|bottom)\s*:\s*([^;]*)", re.I)
LOCALISED = re.compile(r"^-?\d{1,3}(?:[\u00a0\u202f]\d{3})+(?:,\d+)?$|^-?\d+,\d+$")


def localised_attribute(tag, name, value):
    """Why an attribute's number would not be read by the browser, or None when it is fine."""
    if tag in SVG_TAGS and name in SVG_NUMBER_ATTRS:
        bad = not re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(%|px|em|rem)?\s*", value)
    elif tag in SVG_TAGS and name in SVG_LIST_ATTRS:
        too_many = any(token.count(",") > 1 for token in value.split())
        bad = GROUPED.search(value) or too_many or (DECIMAL_COMMA.search(value) and "." not in value)
    elif name.startswith("data-"):
        # « 1.86,50.95 » is a list of two numbers; « 1,86,50,95 » (no point at all) is two localised ones.
        bad = GROUPED.search(value) or (DECIMAL_COMMA.search(value) and "." not in value and "/" not in value)
    elif name == "style":
        bad = any(DECIMAL_COMMA.search(v) or GROUPED.search(v) for v in STYLE_SIZE.findall(value))
    elif tag in ("progress", "meter") and name in ("value", "max", "min", "low", "high", "optimum"):
        bad = not re.fullmatch(r"-?\d+(\.\d+)?", value.strip())
    else:
        bad = False
    return f"<{tag} {name}={value!r}>" if bad else None


def localised_json(value, where="$"):
    """Strings of a JSON island that hold a localised number (a Python-side format leaking into data)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in localised_json(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in localised_json(v, f"{where}[{i}]")]
    if isinstance(value, str) and LOCALISED.match(value.strip()):
        return [f"{where}={value!r}"]
    return []


HIDDEN_TAGS = {"script", "style", "code", "pre", "template", "kbd", "samp", "svg", "option"}


class PageParser(HTMLParser):
    """Links, headings, language, title and visible text of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.text, self.assets = [], [], []
        self.h1 = 0
        self.lang = None
        self.title = ""
        self._stack = []
        self.forms = []  # GET forms (filters, searches) as (action, fields)
        self._form = self._select = self._post_action = None
        self.required_posts = set()  # POST forms with a required field: sent empty, they must refuse cleanly
        self.localised = []  # numbers in markup written the French way (« x1="92,7" »)
        self._json = None  # the text of the <script type="application/json"> being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            problem = value and localised_attribute(tag, name, value)
            if problem:
                self.localised.append(problem)
        if tag == "script" and attrs.get("type") == "application/json":
            self._json = []
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        asset = attrs.get("src") if tag in ("script", "img") else attrs.get("href") if tag == "link" else None
        if asset:
            self.assets.append(asset)
        self._form_field(tag, attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])
        for name in ("placeholder", "aria-label", "title", "alt"):
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "col", "area", "wbr"):
            self._stack.append(tag)

    def _form_field(self, tag, attrs):
        """Fill GET forms the way a user would: a word, a date, the first real choice of each list."""
        if tag == "form":
            if attrs.get("method", "get").lower() == "get":
                self._form = (attrs.get("action") or "", {})
                self.forms.append(self._form)
            else:
                self._post_action = attrs.get("action") or ""
            return
        if tag in ("input", "select", "textarea") and "required" in attrs and attrs.get("type") != "hidden":
            if self._post_action is not None:
                self.required_posts.add(self._post_action)
        if self._form is None or not attrs.get("name"):
            if tag == "option" and self._select is not None:
                self._select.append(attrs.get("value", ""))
            return
        fields = self._form[1]
        kind = attrs.get("type", "text")
        if tag == "select":
            self._select = []
            fields[attrs["name"]] = self._select
        elif tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                fields[attrs["name"]] = attrs.get("value", "on")
        elif tag == "input" and kind not in ("submit", "button", "reset", "file", "image"):
            sample = {"date": "2019-01-25", "number": "2019", "hidden": attrs.get("value", "")}
            fields[attrs["name"]] = attrs.get("value") or sample.get(kind, "Calais")

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            self._check_json("".join(self._json))
            self._json = None
        if tag == "form":
            self._form = self._post_action = None
        elif tag == "select":
            self._select = None
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def _check_json(self, text):
        try:
            data = json.loads(text)
        except ValueError as exc:
            self.localised.append(f"JSON illisible dans <script type=application/json> : {exc}")
            return
        self.localised += [f"JSON {p}" for p in localised_json(data)]

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)
        if not self._stack:
            return
        if self._stack[-1] == "title" and "head" in self._stack:
            self.title += data
        elif not HIDDEN_TAGS.intersection(self._stack):
            self.text.append(data)


@functools.cache
def static_exists(url):
    """A /static/ file the page loads is really there (a typo in {% static %} shows as a broken page)."""
    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        return True
    return finders.find(path.removeprefix(settings.STATIC_URL)) is not None


def page_key(url):
    """Same page for the crawl: path plus its filters, without paging/sorting parameters."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in PAGING]
    return parts.path, urlencode(sorted(query))


def route_of(path):
    try:
        return resolve(path).route
    except Resolver404:
        return path


def internal(href, base):
    """The site-relative URL of a link, or None for other sites, anchors and non-HTTP schemes."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_html(url, body, problems, posts):
    if len(body) > MAX_HTML_BYTES:
        problems.append(f"{url}: page de {len(body) // 1000} ko")
    parser = PageParser()
    parser.feed(body)
    if parser.h1 != 1:
        problems.append(f"{url}: {parser.h1} <h1> (un seul attendu)")
    if parser.lang != "fr":
        problems.append(f"{url}: <html lang={parser.lang!r}>")
    if parser.title.strip() in ("", "Quartiers — Quartiers"):
        problems.append(f"{url}: pas de <title> propre à la page ({parser.title.strip()!r})")
    if parser.localised:
        problems.append(f"{url}: nombres localisés dans le balisage {sorted(set(parser.localised))[:5]}")
    missing = [a for a in parser.assets if not static_exists(a)]
    if missing:
        problems.append(f"{url}: fichiers statiques introuvables {missing}")
    text = " ".join(parser.text)
    leaks = sorted({m.group(0) for m in LEAKS.finditer(text)})
    if leaks:
        problems.append(f"{url}: valeurs Python affichées {leaks}")
    words = sorted({m.group(0) for m in ENGLISH.finditer(text)})
    if words:
        problems.append(f"{url}: mots anglais visibles {words}")
    posts.update(urljoin(url, action) for action in parser.required_posts)
    return parser.links, [form_url(action, fields) for action, fields in parser.forms]


def form_url(action, fields):
    """The address a GET form leads to; a list takes its second choice (the first is usually « Tous »)."""
    values = {}
    for name, value in fields.items():
        if isinstance(value, list):
            value = value[1] if len(value) > 1 else (value[0] if value else "")
        values[name] = value
    return f"{action}?{urlencode(values)}" if values else action


def crawl(client, trail):
    """Breadth-first walk from `/`: returns (pages visited, problems found); `trail` gets each status and URL."""
    queue = deque([(url, "(départ)", False) for url in START])
    seen, per_path, per_route, formats, forms = set(), Counter(), Counter(), set(), set()
    problems, visited, posts = [], 0, set()
    while queue and visited < MAX_PATHS:
        url, referer, is_form = queue.popleft()
        path, query = page_key(url)
        if is_form:  # each filter or search form is sent once, whatever the links already covered
            if path in forms:
                continue
            forms.add(path)
        elif "format=" in url:
            if path in formats:
                continue
            formats.add(path)
        elif (path, query) in seen or per_path[path] >= MAX_VARIANTS:
            continue
        else:
            route = route_of(path)
            if path not in per_path and per_route[route] >= MAX_PER_ROUTE:
                continue
            seen.add((path, query))
            if path not in per_path:
                per_route[route] += 1
            per_path[path] += 1
        visited += 1
        try:
            clock = time.monotonic()
            response = client.get(url)
        except Exception as exc:  # a template error or a crash: that is the finding
            problems.append(f"{url} (lien depuis {referer}): exception {type(exc).__name__}: {exc}")
            continue
        status = response.status_code
        size = "" if response.streaming else len(response.content)
        trail.append(f"{status} {time.monotonic() - clock:.2f}s {size} {url}")
        if status in (301, 302, 303, 307, 308):
            target = internal(response["Location"], url)
            if target:
                queue.append((target, url, False))
            continue
        if status != 200:
            problems.append(f"{url} (lien depuis {referer}): HTTP {status}")
            continue
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            continue  # a download or an export: answering 200 is what we check
        links, form_urls = check_html(url, response.content.decode(), problems, posts)
        for href, is_form in [(link, False) for link in links] + [(form, True) for form in form_urls]:
            target = internal(href, url)
            if target:
                queue.append((target, url, is_form))
    problems += empty_posts(client, posts, trail)
    return visited, problems


def empty_posts(client, actions, trail):
    """Each form with a required field, sent empty: a French error on the form, never a server error."""
    problems = []
    for url in sorted({page_key(a)[0] for a in actions})[:MAX_POSTS]:
        try:
            response = client.post(url, {})
        except Exception as exc:
            problems.append(f"POST vide {url}: exception {type(exc).__name__}: {exc}")
            continue
        trail.append(f"POST {response.status_code} {url}")
        if response.status_code >= 500:
            problems.append(f"POST vide {url}: HTTP {response.status_code}")
        elif response.get("Content-Type", "").startswith("text/html") and response.content:
            check_html(f"POST vide {url}", response.content.decode(), problems, set())  # the errors shown
    return problems


def error_pages(client):
    """What a mistyped address shows: a French page of the site, not Django's bare English one."""
    problems = []
    for url in MISSING:
        response = client.get(url)
        if response.status_code != 404:
            problems.append(f"{url}: HTTP {response.status_code} (404 attendu)")
            continue
        check_html(url, response.content.decode(), problems, set())
    return problems


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_demo_crawl_for_every_role(client, capsys):
    from quartiers.accounts.models import User

    started = time.monotonic()
    call_command("demo", stdout=io.StringIO())
    loaded = time.monotonic() - started
    roles = [("anonyme", None)] + [(local, f"{local}@{DOMAIN}") for local, *_ in ACCOUNTS]
    report, failures = [], []
    log_path = os.environ.get("QUARTIERS_CRAWL_LOG")
    for name, email in roles:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        trail = []
        visited, problems = crawl(client, trail)
        problems += error_pages(client)
        if log_path:  # QUARTIERS_CRAWL_LOG=/tmp/crawl.txt keeps every URL visited, to see what was covered
            with open(log_path, "a") as log:
                log.write(f"== {name}\n" + "\n".join(trail) + "\n")
        report.append(f"{name}: {visited} pages, {len(problems)} problème(s)")
        failures += [f"[{name}] {p}" for p in problems]
    with capsys.disabled():
        print(f"\nCrawl de la démo (chargée en {loaded:.0f} s, total {time.monotonic() - started:.0f} s) :")
        print("\n".join(f"  {line}" for line in report))
    assert not failures, f"{len(failures)} problème(s) :\n" + "\n".join(failures)


def test_localised_markup_numbers_are_caught():
    """The crawl's markup check on pages written as today's bugs wrote them, and on their right forms."""
    bad = {
        "svg": '<svg width="640" height="22"><line x1="92,7" x2="92,7" y1="0" y2="22"/></svg>',
        "path": '<svg viewBox="0 0 10 10"><path d="M 1,5 2,5"/></svg>',
        "pair": '<svg><polyline points="300,0,28,5 310,5,20,0"/></svg>',
        "data": '<div data-point="1,86,50,95"></div>',
        "grouped": '<div data-total="2\u202f938"></div>',
        "style": '<div style="width: 12,5%"></div>',
        "json": '<script type="application/json">{"taux": "12,5"}</script>',
        "progress": '<progress max="100" value="12,5"></progress>',
    }
    good = (
        '<svg width="640" height="22" viewBox="0 0 640 22"><rect x="92.7" y="2" width="3" height="8"/>'
        '<path d="M 1.5 5 L 2 5"/><polyline points="300.0,28.0 310.5,20.0"/></svg>'
        '<div data-point="1.86,50.95" data-tiles="/t/{z}/{x}/{y}.png"'
        ' style="width: 12.5%; color: red"></div><script type="application/json">{"n": 2938, "s": "Calais, 62"}'
        '</script><progress max="100" value="12"></progress>'
    )
    for name, markup in bad.items():
        parser = PageParser()
        parser.feed(markup)
        assert parser.localised, name
    parser = PageParser()
    parser.feed(good)
    assert parser.localised == []
