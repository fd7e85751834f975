"""The browsable API page (/api/docs/): Swagger UI, vendored, draws the operations of /api/schema/ under the
site's real CSP (no CDN, no inline script), without a script error."""

import pytest
from playwright.sync_api import expect

from tests.world import build_world

pytestmark = pytest.mark.browser


def test_the_docs_page_draws_the_operations_under_the_csp(_browser, live_server, transactional_db):
    build_world()
    context = _browser.new_context(base_url=live_server.url, locale="fr-FR")  # the CSP is enforced here
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"[:300]))
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    assert page.locator(".opblock").count() >= 15
    expect(page.get_by_text("/open311/v2/requests.json").first).to_be_visible()
    assert not errors, errors
    context.close()
