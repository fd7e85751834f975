"""Production mode, as it runs: DEBUG=false, collected static files, gunicorn, the demo, every role.

The module starts Quartiers the way the README's « Déploiement » section says — `DEBUG=false`, a real
`SECRET_KEY`, `ALLOWED_HOSTS`, `SITE_URL`, `quartiers migrate`, `quartiers demo`, `quartiers collectstatic`
(whitenoise's manifest storage, into a temporary STATIC_ROOT) and `gunicorn quartiers.wsgi` on a free port —
over SQLite, or a PostgreSQL database of its own when the suite runs with DATABASE_URL=postgres://…,
then crawls the demo over HTTP as each demo account and an anonymous visitor, with the crawl of
tests/test_crawl.py, behind a pretend reverse proxy (it sends `X-Forwarded-Proto: https`).
It checks what only production shows: no response ≥ 500 (pages and forms sent empty), no page refused (a
host, CSRF or HTTPS setting that locks users out), the site's own 404 page, and every static file a page
loads served under its hashed name with far-future, immutable cache headers.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from quartiers.accounts.demo import ACCOUNTS, DEMO_PASSWORD, DOMAIN
from tests.test_crawl import MISSING, PageParser, crawl

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PORTS = range(8100, 8200)  # this project's range on the shared machine
FAR_FUTURE = 365 * 24 * 3600  # at least a year


def free_port():
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("aucun port libre entre 8100 et 8199")


@contextmanager
def production_database(var_dir):
    """SQLite in the temporary folder; a PostgreSQL database of its own when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{var_dir / 'quartiers.sqlite3'}"
        return
    import psycopg

    name = f"quartiers_production_{os.getpid()}"
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(var_dir, port, database_url):
    """The documented production variables (README « Configuration »), nothing from the test settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "QUARTIERS_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="quartiers.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"https://127.0.0.1:{port}",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        DATABASE_URL=database_url,
        QUARTIERS_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
    )
    return env


class Response:
    """The part of Django's test response that the crawl reads."""

    streaming = False

    def __init__(self, status, headers, content):
        self.status_code, self.headers, self.content = status, headers, content

    def get(self, name, default=None):
        return self.headers.get(name, default)

    def __getitem__(self, name):
        return self.headers[name]


class HttpClient:
    """A browser behind the TLS proxy: cookies kept (Secure ones too), CSRF token sent back with each POST."""

    def __init__(self, port):
        self.port, self.host = port, f"127.0.0.1:{port}"
        self.cookies = {}
        self.statuses = []  # (status, method, url) of every response
        self.assets = set()  # every file a page loads (script, stylesheet, image)

    def request(self, method, url, data=None):
        headers = {"Host": self.host, "X-Forwarded-Proto": "https", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{self.host}{url}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, url, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            response = Response(raw.status, raw.headers, content)
        finally:
            connection.close()
        self._keep_cookies(raw.headers.get_all("Set-Cookie") or [])
        self.statuses.append((response.status_code, method, url))
        if response.get("Content-Type", "").startswith("text/html"):
            parser = PageParser()
            parser.feed(content.decode())
            self.assets.update(a for a in parser.assets if urlsplit(a).path.startswith("/static/"))
        return response

    def _keep_cookies(self, headers):
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, url):
        return self.request("GET", url)

    def post(self, url, data=None):
        return self.request("POST", url, data)

    def login(self, email):
        self.get("/comptes/connexion/")
        response = self.post("/comptes/connexion/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"connexion de {email} refusée (HTTP {response.status_code})"


def _run(args, env, log):
    started = time.monotonic()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    log.append(f"{Path(args[0]).name} {args[1]} {time.monotonic() - started:.0f} s")
    assert result.returncode == 0, f"{args} a échoué :\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Quartiers in production mode on a free port of 8100-8199, with the demo loaded; stopped afterwards."""
    var_dir = tmp_path_factory.mktemp("production")
    with production_database(var_dir) as database_url:
        yield from _serve(var_dir, production_env(var_dir, free_port(), database_url))


def _serve(var_dir, env):
    port = int(env["SITE_URL"].rsplit(":", 1)[1])
    timings = []
    quartiers = str(BIN / "quartiers")
    # collectstatic compresses every file: it runs while the database is being filled.
    collect = subprocess.Popen(
        [quartiers, "collectstatic", "--noinput"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    _run([quartiers, "migrate", "--noinput"], env, timings)
    _run([quartiers, "demo"], env, timings)
    out, err = collect.communicate(timeout=600)
    assert collect.returncode == 0, f"collectstatic a échoué (manifest) :\n{out.decode()[-2000:]}{err.decode()[-3000:]}"
    log_path = var_dir / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "quartiers.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--no-control-socket",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(port, server, log_path)
        yield {"port": port, "var_dir": var_dir, "timings": timings, "log": log_path, "env": env}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_make_demo_commands_run_for_real(site):
    """`make demo` runs `quartiers worker` and `quartiers serve`: both start on the demo database."""
    env = {**site["env"], "DEBUG": "true", "SITE_URL": ""}
    del env["SECRET_KEY"], env["ALLOWED_HOSTS"]
    worker = subprocess.run(
        [str(BIN / "quartiers"), "worker", "--batch"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert worker.returncode == 0, worker.stderr[-3000:]
    port = free_port()
    log_path = site["var_dir"] / "serve.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [str(BIN / "quartiers"), "serve", f"127.0.0.1:{port}"], env=env, cwd=ROOT, stdout=log, stderr=log
        )
    try:
        _wait_until_up(port, server, log_path)
        client = HttpClient(port)
        assert client.get("/").status_code == 200
        assert client.get("/static/quartiers/quartiers.css").status_code == 200  # served from the sources
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_production_recipe_script_is_valid_and_refuses_unknown_options():
    script = ROOT / "scripts" / "production"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True, timeout=30).returncode == 0
    result = subprocess.run(["bash", str(script), "--inconnu"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "Usage : scripts/production" in result.stderr


def _wait_until_up(port, server, log_path):
    for _ in range(120):
        if server.poll() is not None:
            pytest.fail(f"gunicorn s'est arrêté :\n{log_path.read_text()[-3000:]}")
        try:
            if HttpClient(port).get("/sante/").status_code == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"gunicorn ne répond pas sur le port {port} :\n{log_path.read_text()[-3000:]}")


def _crawl_role(port, local):
    client = HttpClient(port)
    if local:
        client.login(f"{local}@{DOMAIN}")
    visited, problems = crawl(client, [])
    for url in MISSING:
        client.get(url)
    return local or "anonyme", visited, problems, client


def test_every_page_of_the_demo_answers_in_production_for_every_role(site, capsys):
    started = time.monotonic()
    roles = [None] + [local for local, *_ in ACCOUNTS]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda local: _crawl_role(site["port"], local), roles))
    failures, report, assets = [], [], set()
    for name, visited, problems, client in results:
        errors = [f"{method} {url}: HTTP {status}" for status, method, url in client.statuses if status >= 500]
        # A page refused to a user who followed the site's own link: host, CSRF or HTTPS settings gone wrong.
        refused = [p for p in problems if " HTTP 4" in p and not p.startswith("POST")]
        crashes = [p for p in problems if "exception" in p]
        missing = [f"{url}: HTTP {s} (404 attendu)" for s, _m, url in client.statuses if url in MISSING and s != 404]
        failures += [f"[{name}] {p}" for p in errors + refused + crashes + missing]
        posts = Counter(status for status, method, _url in client.statuses if method == "POST")
        report.append(f"{name}: {visited} pages, {len(client.statuses)} réponses, formulaires vides {dict(posts)}")
        # The CSRF token and the Referer go through the proxy: forms answer (200 with errors, or a redirect).
        if posts and not (posts[200] or posts[302]):
            failures.append(f"[{name}] aucun formulaire accepté : {dict(posts)} (CSRF ?)")
        assets |= client.assets
    with capsys.disabled():
        print(f"\nProduction ({', '.join(site['timings'])}), crawl {time.monotonic() - started:.0f} s :")
        print("\n".join(f"  {line}" for line in report))
    log = site["log"].read_text()
    assert not failures, f"{len(failures)} problème(s) :\n" + "\n".join(failures) + f"\n\ngunicorn :\n{log[-5000:]}"
    assert assets, "aucune page ne charge de fichier statique ?"
    site["assets"] = assets


def test_static_files_are_hashed_and_cached_for_ever(site):
    client = HttpClient(site["port"])
    home = client.get("/")
    assert home.status_code == 200
    assets = site.get("assets") or client.assets
    assert any("/static/vendor/htmx/htmx.min." in a for a in assets), assets
    problems = []
    for url in sorted(assets):
        response = client.get(url)
        cache = response.get("Cache-Control", "")
        max_age = int(cache.split("max-age=")[1].split(",")[0]) if "max-age=" in cache else 0
        if response.status_code != 200 or "immutable" not in cache or max_age < FAR_FUTURE:
            problems.append(f"{url}: HTTP {response.status_code}, Cache-Control {cache!r}")
    assert not problems, "\n".join(problems)
    # A vendored file that references a missing one (a source map) would have stopped collectstatic.
    manifest = site["var_dir"] / "static" / "staticfiles.json"
    assert "vendor/leaflet/leaflet.js" in manifest.read_text()


def test_no_vendored_file_points_to_a_missing_source_map():
    for path in (ROOT / "static").rglob("*"):
        if path.suffix in (".js", ".css"):
            for line in path.read_text(errors="replace").splitlines()[-3:]:
                if "sourceMappingURL=" in line:
                    target = line.split("sourceMappingURL=")[1].strip(" */")
                    assert (path.parent / target).exists(), f"{path.relative_to(ROOT)} → {target} manquant"


def test_package_licence_is_an_spdx_string():
    """setuptools ≥ 77 deprecates the TOML-table licence (a warning at every install)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "AGPL-3.0-or-later"
    assert all((ROOT / name).exists() for name in project["license-files"])
