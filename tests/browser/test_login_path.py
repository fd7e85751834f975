"""Critical path in a real browser: login → home → logout, with an accessibility check on each page."""

from playwright.sync_api import expect

from tests.world import build_world


def test_login_home_logout(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    chef = world.users["chef"]
    page.goto("/")
    assert_accessible(page)
    page.goto("/comptes/connexion/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(chef.email)
    page.get_by_label("Mot de passe").fill("mauvais mot de passe")
    page.get_by_role("button", name="Se connecter").last.click()
    assert "Adresse e-mail ou mot de passe incorrect." in page.content()

    browser_login(chef)
    expect(page.get_by_role("heading", name="Mes territoires")).to_be_visible()
    assert "CA Grand Calais Terres et Mers (test)" in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
