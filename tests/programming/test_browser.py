"""Main path of the carrier's space in a real browser: the bailleur's partner opens the programming, creates a
dossier in the open Calais call, types an unbalanced budget with decimal commas (the running totals show the gap,
the submission is refused naming it), balances it and submits. Accessibility checked on each page."""

from playwright.sync_api import expect

from quartiers.programming.models import Application
from tests.programming import space
from tests.world import build_world


def test_carrier_submits_a_balanced_dossier(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    call = space.open_call(world)
    state = world.extra["state_financer"]
    browser_login(world.users["partenaire"])

    page.goto("/programmation/")
    expect(page.get_by_role("heading", name="Programmation", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=call.title).click()
    page.wait_for_load_state()
    assert "Ouvert au dépôt" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Déposer un dossier").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Structure porteuse").select_option(str(world.extra["carrier"].pk))
    page.get_by_label("Intitulé de l'action").fill("Permanence numérique")
    page.get_by_label("Début de l'action").fill("01/01/2027")
    page.get_by_label("Fin de l'action").fill("31/12/2027")
    page.get_by_role("checkbox", name=world.qpv.nom, exact=False).check()
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Budget prévisionnel de l'action")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("64 – Charges de personnel").fill("1 250,50")
    page.get_by_label("61 – Services extérieurs").fill("300")
    page.get_by_label(f"74 – {state.organisation.name} (financeur de l'appel)").fill("1 000")
    page.get_by_label("74 – Commune").fill("250,50")
    expect(page.locator("#total-depense")).to_have_text("1 550,50 €")
    expect(page.locator("#budget-ecart")).to_contain_text("les charges dépassent les produits de 300,00 €")
    page.get_by_role("button", name="Enregistrer le budget").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("dépassent les produits (1 250,50 €) de 300,00 €")
    application = Application.objects.get(title="Permanence numérique")
    assert application.status == Application.Status.DRAFT
    assert_accessible(page)

    page.get_by_role("link", name="Budget prévisionnel").click()
    page.wait_for_load_state()
    page.get_by_label("75 – Autres produits de gestion courante").fill("300,00")
    expect(page.locator("#budget-ecart")).to_have_text("Budget équilibré.")
    page.get_by_role("button", name="Enregistrer le budget").click()
    page.wait_for_load_state()
    assert "Budget enregistré : il est équilibré." in page.content()
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_load_state()
    assert "Dossier déposé" in page.content()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert_accessible(page)
