"""Main path in a real browser: contracts list → the CN06207M contract → a commitment → its owner
partner records a measured value. Accessibility checked on each page."""

from playwright.sync_api import expect

from quartiers.contracts.models import Measurement
from tests.contracts.helpers import bailleur_commitment, make_contract
from tests.factories import PASSWORD
from tests.world import build_world


def _login(page, user):
    page.goto("/comptes/connexion/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").last.click()
    page.wait_for_load_state()


def test_partner_updates_its_commitment(page, assert_accessible, transactional_db):
    world = build_world()
    contract = make_contract(world)
    commitment = bailleur_commitment(world)
    _login(page, world.users["partenaire"])

    page.goto("/contrats/")
    assert_accessible(page)
    page.get_by_role("link", name=contract.name).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=contract.name, level=1)).to_be_visible()
    assert "CN06207M" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name=commitment.title).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=commitment.title, level=1)).to_be_visible()
    assert_accessible(page)

    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer la valeur"))
    form.get_by_label("Date de la mesure").fill("2025-31-12")
    form.get_by_label("Valeur mesurée").fill("4")
    form.get_by_role("button", name="Enregistrer la valeur").click()
    page.wait_for_load_state()
    assert "Date invalide : utilisez le format jj/mm/aaaa." in page.content()
    assert not Measurement.objects.exists()
    assert_accessible(page)

    form = page.locator("form", has=page.get_by_role("button", name="Enregistrer la valeur"))
    form.get_by_label("Date de la mesure").fill("31/12/2025")
    form.get_by_label("Valeur mesurée").fill("4,5")
    form.get_by_role("button", name="Enregistrer la valeur").click()
    page.wait_for_load_state()
    assert "Valeur mesurée enregistrée." in page.content()
    assert page.get_by_role("img", name="Recrutements").count() == 1
    assert Measurement.objects.get().recorded_by == world.users["partenaire"]
    assert_accessible(page)
