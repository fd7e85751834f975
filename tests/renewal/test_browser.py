"""Main path in a browser: the NPNRU list → a project → an operation updated by its maître d'ouvrage."""

from playwright.sync_api import expect

from tests.renewal.helpers import make_project
from tests.world import build_world


def test_partner_updates_its_operation(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    project = make_project(world, name="PRU Beau Marais test")
    browser_login(world.users["partenaire"])
    page.get_by_role("link", name="NPNRU").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="PRU Beau Marais test").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Bilan logements (« 1 pour 1 »)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Requalification test").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Mettre à jour l'opération").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Statut").select_option("en_cours")
    page.get_by_label("Avancement (%)").fill("45")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "Opération mise à jour." in page.content()
    assert "En travaux — 45 %" in page.content()
    page.goto(f"/npnru/projets/{project.pk}/calendrier/")
    assert_accessible(page)
