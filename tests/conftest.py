import os
from importlib import import_module
from pathlib import Path

import pytest

from tests.world import build_world

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    """login(user) logs the Django test client in (None stays anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run queued background jobs inline, through the real job runner."""
    from quartiers.core import jobs

    def _run():
        return jobs.run_pending()

    return _run


# ---- Browser tests (Playwright driving Debian's Chromium) ----


@pytest.fixture(scope="session")
def _browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium manque : apt-get install -y chromium (make test l'installe : scripts/system-deps).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # Playwright gives each launch a fresh, temporary profile (the --user-data-dir of GUIDE §6).
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    # bypass_csp lets the test inject axe-core; the pages themselves keep their CSP.
    context = _browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture
def browser_login(page):
    """browser_login(user) logs in through the real login form."""
    from tests.factories import PASSWORD

    def _login(user):
        page.goto("/comptes/connexion/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").last.click()
        page.wait_for_load_state()

    return _login


def axe_violations(pg):
    """Serious and critical axe-core violations on the current page."""
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def assert_accessible():
    def _check(pg):
        violations = axe_violations(pg)
        assert not violations, f"Accessibilité ({pg.url}) :\n" + "\n".join(violations)

    return _check


def pytest_collection_modifyitems(items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def matrix_modules():
    """Every tests/<app>/matrix.py module."""
    root = Path(__file__).resolve().parent
    return [import_module(f"tests.{p.parent.name}.matrix") for p in sorted(root.glob("*/matrix.py"))]
