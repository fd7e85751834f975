"""The « Done when » path of issue 15 in a real browser, walked through the pages' own links: the carrier submits
a balanced dossier (decimal commas), the chef de projet puts it in instruction, the préfecture's délégué gives its
opinion and the chef the agglo's, the chef closes the opinions, the committee decides on the programming table's
decision form and downloads the XLSX table, the chef records the conventions and the payments, the carrier files the
bilan whose QPV share comes from an uploaded address list (the job runs through the real runner), the chef closes
the dossier (soldé). An accessibility check (axe) on each page."""

import re
from decimal import Decimal

import openpyxl
from playwright.sync_api import expect

from quartiers.core import jobs
from quartiers.programming.models import Application, Funding, Report
from quartiers.programming.workflow import Status
from tests.programming import space
from tests.world import build_world

TITLE = "Atelier numérique des Beaux-Marais"


def _click(page, name, role="link", **kwargs):
    page.get_by_role(role, name=name, **kwargs).click()
    page.wait_for_load_state()


def _carrier_submits(page, world, assert_accessible, state, agglo):
    call = world.extra["call"]
    page.goto("/programmation/")
    assert_accessible(page)
    _click(page, call.title, exact=True)
    _click(page, "Déposer un dossier")
    page.get_by_label("Structure porteuse").select_option(str(world.extra["carrier"].pk))
    page.get_by_label("Intitulé de l'action").fill(TITLE)
    page.get_by_label("Début de l'action").fill("01/01/2027")
    page.get_by_label("Fin de l'action").fill("31/12/2027")
    page.get_by_role("checkbox", name=world.qpv.nom, exact=False).check()
    _click(page, "Créer le dossier", role="button")
    page.get_by_label("64 – Charges de personnel").fill("1 250,50")
    page.get_by_label("61 – Services extérieurs").fill("300")
    page.get_by_label(f"74 – {state.organisation.name} (financeur de l'appel)").fill("1 000")
    page.get_by_label(f"74 – {agglo.organisation.name} (financeur de l'appel)").fill("550,50")
    expect(page.locator("#budget-ecart")).to_have_text("Budget équilibré.")
    _click(page, "Enregistrer le budget", role="button")
    assert_accessible(page)
    _click(page, "Déposer le dossier", role="button")
    assert "Dossier déposé" in page.content()
    application = Application.objects.get(title=TITLE)
    assert application.status == Status.SUBMITTED
    return application


def _opinion(page, financer, opinion, amount):
    form = page.locator("form", has=page.get_by_role("group", name=f"Avis de {financer.organisation}"))
    form.get_by_label(opinion, exact=True).check()
    form.get_by_label("Montant proposé").fill(amount)
    form.get_by_role("button", name="Enregistrer l'avis").click()
    page.wait_for_load_state()


def _instruction(page, browser_login, world, assert_accessible, application, state, agglo):
    browser_login(world.users["chef"])
    page.goto("/programmation/")
    _click(page, world.extra["call"].title, exact=True)
    assert_accessible(page)
    _click(page, "Instruction des dossiers")
    assert_accessible(page)
    page.goto(f"/programmation/dossiers/{application.pk}/")
    assert_accessible(page)
    _click(page, "Mettre en instruction")  # the dossier page links to the instruction page
    _click(page, "Mettre en instruction", role="button")
    assert Application.objects.get(pk=application.pk).status == Status.INSTRUCTION
    _opinion(page, agglo, "Réservé", "400,00")
    assert_accessible(page)

    page.context.clear_cookies()
    browser_login(world.users["delegue"])
    page.goto(f"/programmation/dossiers/{application.pk}/")
    _click(page, "Instruction")
    assert_accessible(page)
    _opinion(page, state, "Favorable", "1 000,00")
    assert Funding.objects.get(application=application, call_financer=state).proposed_amount == Decimal("1000")

    page.context.clear_cookies()
    browser_login(world.users["chef"])
    page.goto(f"/programmation/dossiers/{application.pk}/")
    _click(page, "Clore les avis")
    _click(page, "Clore les avis", role="button")
    assert Application.objects.get(pk=application.pk).status == Status.OPINIONS


def _committee(page, world, assert_accessible, application, state, agglo):
    page.goto(f"/programmation/appels/{world.extra['call'].pk}/")
    _click(page, "Tableau de programmation (comité)")
    assert_accessible(page)
    _click(page, "Enregistrer les décisions du comité")
    assert_accessible(page)
    page.get_by_label(f"Décision : {TITLE}").select_option(label="Accepter")
    page.get_by_label(f"{state.organisation}, accordé : {TITLE}").fill("900,50")
    page.get_by_label(f"{agglo.organisation}, accordé : {TITLE}").fill("400")
    _click(page, "Enregistrer les décisions", role="button", exact=True)
    assert Application.objects.get(pk=application.pk).status == Status.ACCEPTED
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en XLSX (présentation du comité)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(handle).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert TITLE in cells


def _followup(page, assert_accessible, application, financers):
    page.goto(f"/programmation/dossiers/{application.pk}/")
    _click(page, "Convention et versements")
    assert_accessible(page)
    for index, (financer, amount) in enumerate(financers):
        section = page.locator(
            "section", has=page.get_by_role("heading", name=re.compile(re.escape(financer.organisation.name)))
        )
        section.get_by_label("Date de la convention").fill("01/03/2027")
        section.get_by_label("Référence de la décision").fill(f"CP-2027-0{index + 1}")
        section.get_by_label("Date de la décision").fill("10/02/2027")
        section.get_by_role("button", name="Enregistrer", exact=True).click()
        page.wait_for_load_state()
        assert "Convention enregistrée." in page.content()
        section = page.locator(
            "section", has=page.get_by_role("heading", name=re.compile(re.escape(financer.organisation.name)))
        )
        section.get_by_label("Montant").fill(amount)
        section.get_by_label("Échéance").fill("15/03/2027")
        section.get_by_role("button", name="Ajouter au calendrier").click()
        page.wait_for_load_state()
    _click(page, "Enregistrer la convention du dossier (conventionné)", role="button")
    assert Application.objects.get(pk=application.pk).status == Status.AGREED
    for _ in financers:
        page.get_by_label("Payé le (jj/mm/aaaa)").first.fill("20/03/2027")
        page.get_by_role("button", name="Enregistrer le paiement").first.click()
        page.wait_for_load_state()
    assert Application.objects.get(pk=application.pk).status == Status.PAID
    assert_accessible(page)


def _bilan(page, browser_login, world, assert_accessible, application, tmp_path):
    page.context.clear_cookies()
    browser_login(world.users["partenaire"])
    page.goto(f"/programmation/dossiers/{application.pk}/")
    _click(page, "Déposer le bilan")  # the workflow action links to the bilan page
    assert_accessible(page)
    page.get_by_label("Réalisé 64 – Charges de personnel").fill("1 250,50")
    page.get_by_label("Réalisé 61 – Services extérieurs").fill("300,00")
    page.get_by_label("Réalisé 74 – Subventions d'exploitation").fill("1 300,50")
    page.get_by_label("Explication 74 – Subventions d'exploitation").fill("1 300,50 € accordés sur 1 550,50 €.")
    page.get_by_label("Ce qui a été réalisé, les écarts, les suites").fill("Douze ateliers tenus.")
    _click(page, "Enregistrer le bilan", role="button")
    assert "Bilan enregistré." in page.content()
    source = tmp_path / "beneficiaires.csv"
    rows = ["Nom;Adresse;CP;Ville", "A;1 rue de la Démonstration;62100;Calais", "B;2 rue Fictive;62100;Calais"]
    source.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    page.get_by_label("Liste des adresses des bénéficiaires").set_input_files(str(source))
    _click(page, "Calculer la part QPV", role="button")
    assert jobs.run_pending() == 1
    page.goto(f"/programmation/bilans/dossiers/{application.pk}/")
    report = Report.objects.get(application=application)
    assert (report.qpv_inside, report.qpv_outside, report.qpv_undetermined) == (0, 0, 2)
    assert "aucune adresse n'est enregistrée" in page.content()
    assert_accessible(page)
    _click(page, "Déposer le bilan", role="button")
    assert Application.objects.get(pk=application.pk).status == Status.REPORTED


def test_done_when_path(page, browser_login, assert_accessible, transactional_db, tmp_path):
    world = build_world()
    space.open_call(world)
    state, agglo = (
        world.extra["state_financer"],
        world.extra["call"].financers.exclude(pk=world.extra["state_financer"].pk).get(),
    )
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    browser_login(world.users["partenaire"])
    application = _carrier_submits(page, world, assert_accessible, state, agglo)
    page.context.clear_cookies()
    _instruction(page, browser_login, world, assert_accessible, application, state, agglo)
    _committee(page, world, assert_accessible, application, state, agglo)
    _followup(page, assert_accessible, application, [(state, "900,50"), (agglo, "400")])
    _bilan(page, browser_login, world, assert_accessible, application, tmp_path)

    page.context.clear_cookies()
    browser_login(world.users["chef"])
    page.goto(f"/programmation/dossiers/{application.pk}/")
    _click(page, "Solder le dossier")
    _click(page, "Solder le dossier", role="button")
    assert Application.objects.get(pk=application.pk).status == Status.CLOSED
    assert_accessible(page)
    assert not errors
