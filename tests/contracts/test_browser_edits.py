"""Editing pages in a real browser, each checked with axe-core: the new-commitment form (checkbox
groups in fieldsets), the strategic tree, the contract information, documents, corrections and the
PAQTE company profile."""

import datetime as dt

from playwright.sync_api import expect

from quartiers.contracts import services
from quartiers.contracts.models import Measurement, Pillar
from tests.contracts.helpers import bailleur_commitment, first_indicator, make_company, make_contract
from tests.contracts.test_browser import _login
from tests.world import build_world


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bilan.pdf", b"%PDF-1.4\n%bilan\n")


def test_chef_edits_the_contract(page, assert_accessible, transactional_db):
    world = build_world()
    contract = make_contract(world)
    commitment = bailleur_commitment(world)
    measurement = services.record_measurement(
        None, first_indicator(commitment), measured_on=dt.date(2025, 6, 30), value=200
    )
    company = make_company(world)
    _login(page, world.users["chef"])

    page.goto(f"/contrats/{contract.pk}/engagements/nouveau/")
    group = page.get_by_role("group", name="Quartiers concernés")
    assert group.get_by_role("checkbox").count() == 2
    assert_accessible(page)

    page.goto(f"/contrats/{contract.pk}/")
    page.get_by_role("link", name="Modifier la structure").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Structure du contrat", level=1)).to_be_visible()
    assert_accessible(page)
    form = page.locator("form", has=page.get_by_role("button", name="Ajouter le pilier ou l'axe"))
    form.get_by_role("button", name="Ajouter le pilier ou l'axe").click()
    page.wait_for_load_state()
    assert "Donnez un intitulé." in page.content()
    assert_accessible(page)
    form = page.locator("form", has=page.get_by_role("button", name="Ajouter le pilier ou l'axe"))
    form.get_by_label("Intitulé").fill("Santé")
    form.get_by_role("radio", name="Pilier").check()
    form.get_by_role("button", name="Ajouter le pilier ou l'axe").click()
    page.wait_for_load_state()
    assert Pillar.objects.filter(contract=contract, title="Santé").exists()
    page.get_by_role("button", name="Monter « Santé »").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Renommer « Santé »").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Nouvel intitulé").fill("Santé et sport")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Supprimer « Emploi et développement économique »").click()
    page.wait_for_load_state()
    assert "Recruter des habitants des QPV" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Supprimer").click()
    page.wait_for_load_state()
    assert "Suppression impossible : 1 engagement relève de cet élément." in page.content()
    assert_accessible(page)

    page.goto(f"/contrats/{contract.pk}/modifier/")
    expect(page.get_by_role("group", name="Quartiers prioritaires couverts")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/contrats/{contract.pk}/documents/nouveau/")
    assert_accessible(page)

    page.goto(f"/contrats/engagements/{commitment.pk}/")
    page.get_by_role("link", name="Supprimer la valeur du 30/06/2025 (Recrutements)").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Motif (gardé dans le journal)").fill("Erreur de saisie")
    page.get_by_role("button", name="Confirmer la suppression").click()
    page.wait_for_load_state()
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    assert "Erreur de saisie" in page.content()
    assert_accessible(page)

    evidence = services.add_evidence(None, commitment, title="Bilan", uploaded=_pdf())
    page.goto(f"/contrats/engagements/{commitment.pk}/")
    page.get_by_role("link", name="Retirer la pièce « Bilan »").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la suppression").click()
    page.wait_for_load_state()
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and "Pièces retirées" in page.content()

    page.goto(f"/mobilisation/paqte/{company.pk}/modifier/")
    assert_accessible(page)
