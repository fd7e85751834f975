"""Abuse resistance: free text posted through every form never comes back as live markup or a formula.

The demo is loaded once for the module. As the administrator (who is offered every form), then as the chef de
projet of the demo's territory, the site is walked from `/` (one page per URL pattern) and every POST form with a
free-text field (text, textarea, URL; an upload gets a file whose name, or whose rows for an import, carry the
payloads) is filled with `<script>`, `onerror=`, `"><svg onload=`, `javascript:` and `=cmd|…`, `+1+1`, `-2+3`,
`@SUM(A1)` payloads and sent; a field the form refuses gets a plain value chosen from its French error and the
form is sent again; an import's preview is confirmed. Then every page is read again, with the pages the forms
led to, every export and feed, every list endpoint of the API, each search form with markup in its text inputs,
each filtered list with markup in its parameters and each export with an unknown `?format=` named with markup.
Every answer is checked by its type:

- HTML (pages, forms sent back with their errors, error answers, the Atom feeds' HTML contents): parsed with
  html.parser, no inline `<script>`, no `on*=` attribute, no `javascript:` URL, no `<img src=x>`, no `<iframe>`;
  every `<script type="application/json">` still parses as JSON;
- CSV and XLSX exports: no cell begins with = + - @ (or tab / CR) unless it is a number, no XLSX formula;
- JSON and GeoJSON (the API, map data): served as JSON that parses; .ics: no property line smuggled in by a CR.
Everything runs inside one transaction rolled back at the end of the module. A last test reads our page scripts:
no HTML sink, and Leaflet (which puts a string tooltip or popup in innerHTML) is given text nodes.
"""

import csv
import io
import json
import re
import time
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, TestCase

from quartiers.accounts.demo import DOMAIN
from tests.test_crawl import internal, page_key, route_of

HTML_PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>']
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]
URL_PAYLOAD = "javascript:alert(1)"
# A URL the validators accept, whose query still carries markup.
URL_ACCEPTED = 'https://exemple.fr/?q="><svg/onload=alert(1)>'
# Minutes and descriptions: Markdown-looking links and lists, and a lone CR that would start an .ics line.
TEXTAREA_PAYLOAD = "\n".join(
    [FORMULAS[0], *HTML_PAYLOADS, "[lien](javascript:alert(1))", "- puce <b>gras</b>", "fin\rX-INJECTE:oui"]
)
ICS_SMUGGLED = "X-INJECTE"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d[\d\s\u202f]*([.,]\d+)?$")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
JSON_TYPES = {"application/json", "application/ld+json", "importmap"}
SKIPPED_ACTIONS = ("deconnexion", "supprimer", "suppression", "mot-de-passe", "password")
OWNER = "chef.calais"  # the chef de projet of the demo's territory, who owns its contract, meetings, reports
MAX_PAGES = 260  # pages walked per role; one or two pages per URL pattern tell as much as all of them
MAX_PER_ROUTE = 1
# The module's tests ask for the test database (the module fixture below fills it inside one transaction).
pytestmark = pytest.mark.django_db


def tiny_png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def text_payload(index, maxlength):
    """A formula start then markup (so the cell checks and the markup checks both apply), cut to fit."""
    value = f"{FORMULAS[index % len(FORMULAS)]} {HTML_PAYLOADS[index % len(HTML_PAYLOADS)]}"
    if maxlength and len(value) > maxlength:
        fitting = [p for p in HTML_PAYLOADS + FORMULAS if len(p) <= maxlength]
        value = fitting[0] if fitting else FORMULAS[1][:maxlength]
    return value


# ---- Reading pages: forms, and markup that came back alive ----


class FormParser(HTMLParser):
    """Every form of a page with its fields as a browser would send them, and the fields marked invalid."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.invalid, self.errors = [], set(), []
        self._form = self._select = self._textarea = None
        self._error_depth, self._error_field, self.field_errors = 0, None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        ident = attrs.get("id") or ""
        if ident.startswith("id_") and ident.endswith("_error"):
            self._error_field = ident[3:-6]
        classes = (attrs.get("class") or "").split()
        if {"errorlist", "error", "errors", "form-errors", "errornote"} & set(classes) or attrs.get("role") == "alert":
            self._error_depth += 1
        elif self._error_depth and tag not in ("br", "img", "input"):
            self._error_depth += 1
        if attrs.get("aria-invalid") == "true" and attrs.get("name"):
            self.invalid.add(attrs["name"])
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        field = {"tag": tag, "name": attrs.get("name"), "type": (attrs.get("type") or "text").lower()}
        field.update(
            value=attrs.get("value") or "",
            maxlength=int(attrs["maxlength"]) if (attrs.get("maxlength") or "").isdigit() else None,
            checked="checked" in attrs,
            required="required" in attrs,
            multiple="multiple" in attrs,
            accept=attrs.get("accept") or "",
        )
        if tag == "input" and field["name"]:
            self._form["fields"].append(field)
        elif tag == "button" and field["name"] and field["type"] == "submit":
            field["type"] = "submit"
            self._form["fields"].append(field)
        elif tag == "textarea" and field["name"]:
            field["type"] = "textarea"
            self._textarea = field
            self._form["fields"].append(field)
        elif tag == "select" and field["name"]:
            field["type"] = "select"
            field["options"] = []
            self._select = field
            self._form["fields"].append(field)
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._error_depth and data.strip():
            self.errors.append(data.strip())
            if self._error_field:
                self.field_errors[self._error_field] = self.field_errors.get(self._error_field, "") + data.strip()

    def handle_endtag(self, tag):
        if self._error_depth:
            self._error_depth -= 1
            if not self._error_depth:
                self._error_field = None
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.forms


class LiveMarkupParser(HTMLParser):
    """Elements and attributes that would run: what no free text may ever become."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.links, self.get_forms = [], [], []
        self._script = None
        self._form = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"attribut {name}={value!r} sur <{tag}>")
            elif (
                name in URL_ATTRIBUTES
                and value
                and re.sub(r"[\s\x00-\x1f]", "", value)
                .lower()
                .startswith(("javascript:", "vbscript:", "data:text/html"))
            ):
                self.found.append(f"{name}={value!r} sur <{tag}>")
        attrs = dict(attrs)
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"élément <{tag}> {attrs}")
        elif tag == "img" and attrs.get("src") == "x":
            self.found.append("élément <img src=x> (balise du texte saisi)")
        elif tag == "script":
            self._script = (attrs.get("type") or "").lower(), bool(attrs.get("src")), []
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = (attrs.get("action") or "", {})
            self.get_forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None and attrs.get("name"):
            kind = (attrs.get("type") or ("text" if tag != "select" else "select")).lower()
            self._form[1][attrs["name"]] = (kind, attrs.get("value") or "")

    def handle_data(self, data):
        if self._script is not None:
            self._script[2].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            kind, has_src, parts = self._script
            body = "".join(parts).strip()
            if kind in JSON_TYPES:
                try:
                    json.loads(body or "null")
                except ValueError:
                    self.found.append(f"<script type={kind}> qui n'est plus du JSON : {body[:80]!r}")
            elif body:
                self.found.append(f"<script> en ligne : {body[:80]!r}")
            self._script = None
        elif tag == "form":
            self._form = None


def live_markup(html):
    parser = LiveMarkupParser()
    parser.feed(html)
    parser.close()
    return parser


# ---- Checking each kind of answer ----


def check_cells(url, cells, problems):
    for cell in cells:
        if isinstance(cell, str) and cell.startswith(FORMULA_START) and not NUMBER.match(cell):
            problems.append(f"{url}: cellule qui commence une formule {cell[:60]!r}")


def check_csv(url, body, problems):
    text = body.decode("utf-8-sig", errors="replace")
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        check_cells(url, row, problems)
    return text


def check_xlsx(url, body, problems):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{url}: formule dans la cellule {cell.coordinate} : {cell.value!r}")
                elif isinstance(cell.value, str):
                    check_cells(url, [cell.value], problems)
                    texts.append(cell.value)
    return "\n".join(texts)


def check_ics(url, body, problems):
    text = body.decode("utf-8").replace("\r\n ", "")
    for line in re.split(r"\r\n|\r|\n", text):
        if line.startswith(ICS_SMUGGLED):
            problems.append(f"{url}: ligne iCalendar glissée par le texte saisi : {line[:60]!r}")
    return text


def check_atom(url, body, problems):
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        problems.append(f"{url}: flux Atom illisible ({exc})")
        return ""
    for element in root.iter():
        if element.get("type") in ("html", "xhtml") and element.text:
            for finding in live_markup(element.text).found:
                problems.append(f"{url}: <{element.tag.split('}')[-1]} type=html> {finding}")
    return body.decode("utf-8")


def check_json(url, body, problems):
    try:
        json.loads(body)
    except ValueError as exc:
        problems.append(f"{url}: JSON illisible ({exc})")
    return body.decode("utf-8", errors="replace")


def check_response(url, response, problems, seen_text):
    """Checks one answer by its type; returns the links and GET forms of an HTML page."""
    ctype = response.get("Content-Type", "").split(";")[0].strip()
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if ctype == "text/html":
        parser = live_markup(body.decode("utf-8", errors="replace"))
        problems += [f"{url}: {finding}" for finding in parser.found]
        seen_text.append(body.decode("utf-8", errors="replace"))
        return parser.links, parser.get_forms
    checks = {
        "text/csv": check_csv,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": check_xlsx,
        "text/calendar": check_ics,
        "application/atom+xml": check_atom,
        "application/json": check_json,
        "application/geo+json": check_json,
    }
    if ctype in checks:
        seen_text.append(f"[{ctype}] " + checks[ctype](url, body, problems))
    elif body.lstrip()[:1] in (b"{", b"[") and ctype.startswith("text/"):
        problems.append(f"{url}: JSON servi en {ctype} (le navigateur l'interpréterait)")
    return [], []


# ---- Sending the forms ----


def upload_for(action, field, index):
    """A CSV of rows full of payloads for an import, else a real tiny image whose name carries markup."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if "import" in action or "csv" in field["accept"] or "lot" in action or "batch" in action:
        header = "nom;prénom;e-mail;organisation;fonction;commune;téléphone;adresse;code postal"
        rows = [
            f"{text_payload(i, None)};{HTML_PAYLOADS[i % 3]};inj{index}{i}@quartiers.example;{FORMULAS[i % 4]};"
            f"{FORMULAS[(i + 1) % 4]};Calais;0321000000;1 rue {HTML_PAYLOADS[i % 3]};62100"
            for i in range(4)
        ]
        content = ("\ufeff" + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")
        return SimpleUploadedFile(f"{HTML_PAYLOADS[1]}.csv", content, content_type="text/csv")
    return SimpleUploadedFile(f"{HTML_PAYLOADS[1]}.png", tiny_png(), content_type="image/png")


# A plain value for a field that refused its payload, chosen from what its error says.
PLAIN_BY_ERROR = [
    (("adresse | libellé",), f"{URL_ACCEPTED} | {HTML_PAYLOADS[1]}"),  # links of an agenda item
    (("date", "jj/mm"), "15/06/2026"),
    (("heure",), "10:00"),
    (("année",), "2026"),
    (("nombre", "entier"), "12"),
    (("territoire",), "62193"),
    (("siren", "siret"), "216201939"),
    (("url",), "https://exemple.fr/"),
    (("aucun compte", "déjà membre"), f"bailleur.calais@{DOMAIN}"),  # an account outside the network
    (("e-mail", "électronique"), "inj@quartiers.example"),
    (("région",), "32"),
    (("numéros de documents",), "1"),
    (("insee", "commune", "code"), "62193"),
]
LATER = ("end", "fin", "until", "jusqu")
MINIMAL = "\x00minimal"
KEPT_IN_MINIMAL = {*("text", "search", "textarea", "url"), "file", "hidden", "password", "checkbox", "radio", "submit"}


POINT = {"lon": "1.8587", "lat": "50.9513", "longitude": "1.8587", "latitude": "50.9513"}


def other_choice(field, error):
    """A refused choice: the first real one when one is required, else none, else the next one."""
    values = [v for v, _ in field["options"]]
    real = [v for v in values if v]
    if not error or "obligatoire" in error.lower() or "choisissez" in error.lower() or "" not in values:
        selected = [v for v, chosen in field["options"] if chosen and v]
        later = real[real.index(selected[0]) + 1 :] if selected and "obligatoire" not in error.lower() else real
        return later[:1] or real[:1]
    return []


def plain_value(field, error):
    """What a careful user would type: the value shown, else one that fits the field's kind or its error."""
    kind, value, error = field["type"], field["value"].strip(), error.lower()
    later = any(word in field["name"] for word in LATER)
    for words, plain in PLAIN_BY_ERROR:
        if any(word in error for word in words):
            return "16/06/2026" if plain == "15/06/2026" and later else plain
    if value and not error:
        return value
    if later and kind in ("date", "datetime-local", "time"):
        return {"date": "2026-06-16", "datetime-local": "2026-06-15T12:00", "time": "12:00"}[kind]
    plain = DEFAULTS.get(kind, "Calais")
    return plain[: field["maxlength"]] if field["maxlength"] else plain


DEFAULTS = {
    "email": "inj@quartiers.example",
    "number": "1",
    "date": "2026-06-15",
    "time": "10:00",
    "datetime-local": "2026-06-15T10:00",
    "tel": "0321000000",
    "month": "2026-06",
    "color": "#336699",
    "range": "1",
}
FREE_TEXT = ("text", "search", "textarea", "url")


def fill(form, plain, index, url):
    """Field values for one attempt; `plain` holds the names of fields that refused their payload."""
    data = {}
    submitted = False
    for n, field in enumerate(form["fields"]):
        name, kind, value = field["name"], field["type"], field["value"]
        if kind in ("submit", "image", "button", "reset"):
            if not submitted and kind == "submit":
                data[name], submitted = value, True
        elif kind == "hidden" or kind == "password":
            data[name] = value or POINT.get(name, "")  # a point placed on the map
        elif kind in ("checkbox", "radio"):
            if field["checked"]:
                data.setdefault(name, []).append(value or "on")
        elif MINIMAL in plain and name not in plain and not field["required"] and kind not in KEPT_IN_MINIMAL:
            data[name] = ""  # an error between fields: the optional values left empty
        elif kind == "select" and name in plain:
            data[name] = other_choice(field, plain[name])
        elif kind == "select":
            chosen = [v for v, selected in field["options"] if selected and v]
            first = [v for v, _ in field["options"] if v][:1]
            data[name] = chosen or first
        elif kind == "file" and name in plain:
            continue
        elif kind == "file":
            data[name] = upload_for(url, field, index)
        elif kind in FREE_TEXT and name not in plain:
            if kind == "url":
                data[name] = URL_ACCEPTED if f"url:{name}" in plain else URL_PAYLOAD
            elif kind == "textarea":
                data[name] = TEXTAREA_PAYLOAD
            else:
                data[name] = text_payload(index + n, field["maxlength"])
        else:
            data[name] = plain_value(field, plain.get(name, ""))
    for field in form["fields"]:  # radio groups with nothing checked: the first choice
        if field["type"] == "radio" and field["name"] not in data:
            data[field["name"]] = [field["value"]]
    return data


def refused_fields(form, parser):
    """{field name: its error}; an error's element id may carry a prefix of the page (« mesure27_value »)."""
    names = {f["name"] for f in form["fields"]}
    refused = {}
    for key in parser.invalid | set(parser.field_errors):
        name = key if key in names else next((n for n in names if key.endswith(f"_{n}") or key.endswith(n)), key)
        refused[name] = refused.get(name) or parser.field_errors.get(key, "")
    return refused


def confirmation(url, forms):
    """The form of a preview (an import's dry run) that confirms it: same address, no upload, a flag or a button."""
    for form in forms:
        same = not form["action"] or urlsplit(form["action"]).path == urlsplit(url).path
        kinds = {f["type"] for f in form["fields"] if f["name"] != "csrfmiddlewaretoken"}
        if form["method"] == "post" and same and "file" not in kinds and kinds & {"hidden", "submit"}:
            return form
    return None


def next_step(client, location):
    """The form of the page a POST led to that continues it: it posts to that page and has only choices."""
    target = internal(location, "/")
    if not target:
        return None
    response = client.get(target)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    for form in FormParser.of(response.content.decode()):
        same = not form["action"] or urlsplit(form["action"]).path == urlsplit(target).path
        kinds = {f["type"] for f in form["fields"]}
        if form["method"] == "post" and same and "select" in kinds and not kinds & {*FREE_TEXT, "file"}:
            return form
    return None


def send(client, url, form, index, problems, seen_text, confirmed=False):
    """Sends the form; each field it refuses gets a plain value chosen from its error, then it is sent again."""
    plain, last = {}, None
    for _attempt in range(5):
        data = fill(form, plain, index, url)
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(url, data)
        if response.status_code in (301, 302, 303):
            step = None if confirmed else next_step(client, response["Location"])
            if step:  # a wizard: the columns of an uploaded file to map, then the work starts
                return send(client, response["Location"], step, index, problems, seen_text, confirmed=True)
            return True, response["Location"]
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code >= 400 and not (response.status_code == 400 and html):
            return False, f"HTTP {response.status_code}"
        check_response(f"POST {url}", response, problems, seen_text)  # the form sent back with its errors
        if not html:
            return True, None
        parser = FormParser()
        parser.feed(response.content.decode())
        errors = "; ".join(parser.errors)[:300]
        refused = refused_fields(form, parser)
        if not refused and not errors:  # saved and shown at once (a new token), or a preview to confirm
            confirm = confirmation(url, parser.forms)
            if confirm and not confirmed:
                return send(client, url, confirm, index, problems, seen_text, confirmed=True)
            return True, f"HTTP {response.status_code}"
        if not refused and MINIMAL not in plain:
            plain[MINIMAL] = errors  # an error between fields: the optional choices left empty, then again
            continue
        if not refused:
            break
        before = dict(plain)
        url_fields = {f["name"] for f in form["fields"] if f["type"] == "url"}
        for name, error in refused.items():
            if name in url_fields and f"url:{name}" not in plain:
                plain[f"url:{name}"] = error  # first an accepted URL that still carries markup
            else:
                plain[name] = error
        if plain == before and refused == last:
            break
        last = refused
    return False, f"refusé : {errors}"


def free_text_forms(pages):
    """POST forms with a field a person types into, one per URL pattern of their action."""
    chosen = {}
    for url, form in pages:
        if form["method"] != "post":
            continue
        action = internal(form["action"] or url, url) if form["action"] else urlsplit(url).path
        if not action or any(word in action for word in SKIPPED_ACTIONS):
            continue
        kinds = {f["type"] for f in form["fields"]}
        if not kinds & {*FREE_TEXT, "file"}:
            continue
        key = (route_of(urlsplit(action).path), tuple(sorted(f["name"] for f in form["fields"])))
        chosen.setdefault(key, (action, form))
    return list(chosen.values())


# ---- The walk ----


def is_download(url):
    path = urlsplit(url).path
    return "format=" in url or path.endswith(
        (".ics", ".atom", ".csv", ".xlsx", ".geojson", ".json", ".pdf", "/resultat/")
    )


def is_checked(url):
    """PDFs are drawn from the same escaped templates as the pages, and cost seconds each: not read back."""
    return not urlsplit(url).path.endswith(".pdf")


def walk(client, timings, problems):
    """Breadth-first from `/`, one page per URL pattern (and one filtered): (pages, downloads, GET forms)."""
    queue = deque(["/", "/ressources/?q=contrat"])
    seen, per_route, pages, downloads, get_forms = set(), Counter(), [], set(), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if is_download(url):
            downloads.add(url)
            continue
        path, query = page_key(url)
        route = route_of(path)
        if (path, query) in seen or per_route[(route, bool(query))] >= MAX_PER_ROUTE:
            continue
        seen.add((path, query))
        per_route[(route, bool(query))] += 1
        response = timed(client, url, timings)
        if response.status_code in (301, 302, 303, 307, 308):
            target = internal(response["Location"], url)
            if target:
                queue.append(target)
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages.append((url, response.content.decode()))
        parser = live_markup(pages[-1][1])
        problems += [f"{url}: {finding}" for finding in parser.found]
        queue += [target for target in (internal(href, url) for href in parser.links) if target]
        for action, fields in parser.get_forms:
            target = internal(action or url, url)
            if target:
                get_forms.setdefault(urlsplit(target).path, fields)
    return pages, downloads, get_forms


def timed(client, url, timings):
    clock = time.monotonic()
    response = client.get(url)
    timings.append((time.monotonic() - clock, url))
    return response


def download_key(url):
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query)).get("format")


def read_back(client, urls, problems, seen_text, timings):
    """GET each address and check the answer; downloads a page offers only now (a batch result) are read too."""
    queue, done = deque(urls), {download_key(url) for url in urls if is_download(url)}
    while queue:
        url = queue.popleft()
        response = timed(client, url, timings)
        if 300 <= response.status_code < 400:
            continue
        links, _forms = check_response(url, response, problems, seen_text)  # errors too: they may echo the request
        for target in (internal(href, url) for href in links):
            if target and is_download(target) and is_checked(target) and download_key(target) not in done:
                done.add(download_key(target))
                queue.append(target)


def format_probes(downloads):
    """Each export address once more with a format it does not know, named with markup (reflected in the error)."""
    paths = sorted({urlsplit(url).path for url in downloads if "format=" in url})
    return [f"{path}?{urlencode({'format': HTML_PAYLOADS[0]})}" for path in paths]


def filter_probes(pages):
    """Each filtered list once more, every parameter set to markup (a list that echoes its filters)."""
    probes = {}
    for url, _html in pages:
        parts = urlsplit(url)
        if parts.query:
            values = {name: HTML_PAYLOADS[2] for name, _ in parse_qsl(parts.query, keep_blank_values=True)}
            probes.setdefault(parts.path, f"{parts.path}?{urlencode(values)}")
    return list(probes.values())


def searches(get_forms):
    """Each search or filter form once, its text inputs carrying markup (reflected search terms)."""
    urls = []
    for path, fields in get_forms.items():
        values = {
            name: (HTML_PAYLOADS[n % len(HTML_PAYLOADS)] if kind in ("text", "search") else value)
            for n, (name, (kind, value)) in enumerate(fields.items())
            if kind not in ("submit", "button", "checkbox", "radio", "select")
        }
        urls.append(f"{path}?{urlencode(values)}")
    return urls


def api_lists(client, problems, seen_text):
    """Every GET endpoint of the OpenAPI document that needs no identifier."""
    document = client.get("/api/openapi.json").json()
    for path, operations in document.get("paths", {}).items():
        if "get" in operations and "{" not in path:
            response = client.get(path)
            if response.status_code == 200:
                check_response(path, response, problems, seen_text)


def post_forms(client, pages, sent, shown, report):
    """Each free-text form of these pages not sent yet (by URL pattern and fields), filled with payloads."""
    forms = [(url, form) for url, html in pages for form in FormParser.of(html)]
    for action, form in free_text_forms(forms):
        key = (route_of(urlsplit(action).path), tuple(sorted(f["name"] for f in form["fields"])))
        if key in sent:
            continue
        sent.add(key)
        saved, detail = send(client, action, form, len(sent) * 7, report["problems"], report["text"])
        report["sent" if saved else "refused"].append(f"{action} → {detail}")
        if saved and detail and detail.startswith("/"):
            shown.add(detail)


@pytest.fixture(scope="module")
def injected(django_db_setup, django_db_blocker):
    """Demo loaded, every free-text form filled with payloads, then every page and download read back."""
    from quartiers.accounts.models import User
    from quartiers.core import jobs

    report = {"problems": [], "sent": [], "refused": [], "text": [], "timings": []}
    started = time.monotonic()
    with django_db_blocker.unblock(), transaction.atomic():
        assert "memory" in str(connection.settings_dict["NAME"]) or connection.settings_dict["NAME"].startswith("test")
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("demo", stdout=io.StringIO())
        report["loaded"] = time.monotonic() - started
        admin = Client()
        admin.force_login(User.objects.get(email=f"admin@{DOMAIN}"))
        pages, downloads, get_forms = walk(admin, report["timings"], report["problems"])
        report["walked"] = time.monotonic() - started
        sent, shown = set(), set()
        post_forms(admin, pages, sent, shown, report)
        # The territory's own chef de projet: his pages (other branches of the templates) with the payloads in
        # them, and any form the administrator is not offered.
        owner = Client()
        owner.force_login(User.objects.get(email=f"{OWNER}@{DOMAIN}"))
        owner_pages, _downloads, _get_forms = walk(owner, report["timings"], report["problems"])
        post_forms(owner, owner_pages, sent, shown, report)
        jobs.run_pending()
        report["posted"] = time.monotonic() - started
        again = (
            [url for url, _ in pages]
            + sorted(shown - {url for url, _ in pages})
            + sorted(filter(is_checked, downloads))
        )
        probes = searches(get_forms) + format_probes(downloads) + filter_probes(pages)
        read_back(admin, again + probes, report["problems"], report["text"], report["timings"])
        api_lists(admin, report["problems"], report["text"])
        report["pages"] = len(again) + len(owner_pages)
        report["mail"] = [m.body + "\n".join(c for c, _ in getattr(m, "alternatives", [])) for m in mail.outbox]
        transaction.set_rollback(True)
    report["elapsed"] = time.monotonic() - started
    return report


def test_forms_with_free_text_accept_the_payloads(injected, capsys):
    """The harness really exercised the forms: most of them saved the payloads (else the checks prove nothing)."""
    with capsys.disabled():
        print(
            f"\nInjection : démo en {injected['loaded']:.0f} s, formulaires trouvés à {injected['walked']:.0f} s, "
            f"envoyés à {injected['posted']:.0f} s, total {injected['elapsed']:.0f} s ; "
            f"{injected['pages']} pages relues"
        )
        slow = sorted(injected["timings"], reverse=True)[:8]
        print("  les plus lentes : " + ", ".join(f"{url} {seconds:.1f} s" for seconds, url in slow))
        print(f"  {len(injected['sent'])} formulaire(s) enregistré(s), {len(injected['refused'])} refusé(s) :")
        print("\n".join(f"    refusé {line}" for line in injected["refused"]))
        print("\n".join(f"    envoyé {line}" for line in injected["sent"]))
    assert len(injected["sent"]) >= 20, injected["sent"]
    everything = "\n".join(injected["text"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything  # payloads came back, escaped
    assert "'=cmd|" in everything  # and reached an export, neutralised


def test_no_payload_comes_back_live(injected):
    problems = sorted(set(injected["problems"]))
    assert not problems, f"{len(problems)} problème(s) :\n" + "\n".join(problems)


def test_mails_are_plain_text(injected):
    """Mails go out as plain text only: an HTML part would render the payloads the pages escape."""
    for body in injected["mail"]:
        assert "<html" not in body.lower()


# ---- Page scripts ----

STATIC = Path(__file__).resolve().parent.parent / "static"
SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write|createContextualFragment")
LEAFLET_CONTENT = re.compile(r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*([^,)]*)")


def page_scripts():
    return sorted(p for p in STATIC.rglob("*.js") if "vendor" not in p.parts)


def test_page_scripts_build_the_dom_with_text_only():
    """Our page scripts never hand server data to an HTML sink; Leaflet takes a string as HTML, so a node."""
    problems = []
    for path in page_scripts():
        source = path.read_text()
        for match in SINKS.finditer(source):
            problems.append(f"{path.name}: {match.group(0)}")
        for match in LEAFLET_CONTENT.finditer(source):
            argument = match.group(2).strip()
            literal = re.fullmatch(r"\"[^\"+]*\"|'[^'+]*'", argument)
            node = argument.startswith("document.createTextNode(") or re.search(
                rf"\b{re.escape(argument)}\s*=\s*document\.create(Element|TextNode)\(", source
            )
            if not (literal or node):
                problems.append(f"{path.name}: {match.group(1)}({argument}…) reçoit une chaîne interprétée en HTML")
    assert page_scripts()
    assert not problems, "\n".join(problems)


def test_ics_text_keeps_a_lone_carriage_return_inside_its_value():
    """Many calendar readers end a line on a lone CR: a typed title must not start a property of its own."""
    from quartiers.network import ics

    assert ics.escape("Rencontre\rX-INJECTE:oui") == "Rencontre\\nX-INJECTE:oui"
