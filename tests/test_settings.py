"""Settings: typed environment readers that fail loudly, and the production profile."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from quartiers.env import ConfigError, envbool, envint, envlist

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw, value", [("true", True), ("OUI", True), ("1", True), ("non", False), ("off", False)])
def test_envbool_reads_french_and_english(monkeypatch, raw, value):
    monkeypatch.setenv("QUARTIERS_TEST_BOOL", raw)
    assert envbool("QUARTIERS_TEST_BOOL", not value) is value


def test_envbool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("QUARTIERS_TEST_BOOL", "peut-être")
    with pytest.raises(ConfigError, match=r"QUARTIERS_TEST_BOOL='peut-être' n'est pas un booléen"):
        envbool("QUARTIERS_TEST_BOOL", False)


def test_envint_rejects_a_non_integer(monkeypatch):
    monkeypatch.setenv("QUARTIERS_TEST_INT", "douze")
    with pytest.raises(ConfigError, match=r"QUARTIERS_TEST_INT='douze' n'est pas un entier"):
        envint("QUARTIERS_TEST_INT", 5)
    monkeypatch.setenv("QUARTIERS_TEST_INT", "12")
    assert envint("QUARTIERS_TEST_INT", 5) == 12


def test_empty_values_fall_back_to_the_default(monkeypatch):
    monkeypatch.setenv("QUARTIERS_TEST_INT", "")
    monkeypatch.setenv("QUARTIERS_TEST_LIST", " a.fr, ,b.fr ")
    assert envint("QUARTIERS_TEST_INT", 5) == 5
    assert envlist("QUARTIERS_TEST_LIST", []) == ["a.fr", "b.fr"]


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SECRET_KEY", "DEBUG"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="quartiers.settings",
        QUARTIERS_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    env.update(extra)
    return env


def _production(tmp_path, **extra):
    """The README's production variables (« Déploiement »)."""
    variables = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "quartiers.example.org",
        "SITE_URL": "https://quartiers.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://quartiers.example.org",
    }
    return _env(tmp_path, **{**variables, **extra})


def _run(args, env):
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = _run(["-c", "import quartiers.settings"], _env(tmp_path, DEBUG="false"))
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_bad_boolean_in_the_environment_stops_the_settings(tmp_path):
    result = _run(["-c", "import quartiers.settings"], _env(tmp_path, DEBUG="peut-être"))
    assert result.returncode != 0
    assert "DEBUG='peut-être' n'est pas un booléen" in result.stderr


def test_production_profile_passes_check_deploy(tmp_path):
    result = _run(["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], _production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_asks_for_site_url(tmp_path):
    env = _production(tmp_path)
    del env["SITE_URL"]
    result = _run(["-m", "django", "check", "--deploy"], env)
    assert "quartiers.W001" in result.stderr + result.stdout
    assert "SITE_URL n'est pas défini" in result.stderr + result.stdout


def test_site_url_without_scheme_stops_the_settings(tmp_path):
    result = _run(["-c", "import quartiers.settings"], _production(tmp_path, SITE_URL="quartiers.example.org"))
    assert result.returncode != 0
    assert "SITE_URL='quartiers.example.org' doit commencer par https://" in result.stderr


def test_readme_lists_every_production_variable():
    """The « Configuration » table names every variable the production settings read."""
    readme = (ROOT / "README.md").read_text()
    settings_source = (ROOT / "quartiers" / "settings.py").read_text()
    read = set(re.findall(r'env(?:str|bool|int|list)\("([A-Z_]+)"', settings_source)) - {"QUARTIERS_STRICT_TEMPLATES"}
    documented = set(re.findall(r"`([A-Z][A-Z_]+)`", readme))
    assert read <= documented, f"variables absentes du README : {sorted(read - documented)}"


# Pages need collected static files in production (manifest storage): the health URL suffices for headers.
HEADERS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="quartiers.example.org")
plain = client.get("/sante/")
secure = client.get("/sante/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
}))
"""


def test_production_sends_security_headers(tmp_path):
    result = _run(["-c", HEADERS_SCRIPT], _production(tmp_path))
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)
    assert first["plain_status"] == 301 and first["plain_location"].startswith("https://quartiers.example.org/")
    assert first["status"] == 200
    headers = first["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert first["cookies"] == [True, True, True]


def test_french_whatever_the_browser_asks(client, db):
    response = client.get("/comptes/connexion/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr">' in response.content.decode()
    response = client.post("/comptes/connexion/", {"username": "", "password": ""}, HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Ce champ est obligatoire." in response.content.decode()
