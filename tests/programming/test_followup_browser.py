"""The follow-up path in a real browser: the instructor records the convention, the schedule and the first payment;
the carrier fills the bilan, has the QPV share counted from an address list (no BAN: « indéterminé ») and files
it; the instructor closes the dossier. An accessibility check on each page."""

from quartiers.core import jobs
from quartiers.programming.models import Application, Report
from quartiers.programming.workflow import Status
from tests.programming.followup_helpers import granted_application
from tests.world import build_world


def test_convention_payment_bilan_and_solde(page, browser_login, assert_accessible, transactional_db, tmp_path):
    world = build_world()
    app, _funding = granted_application(world)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    browser_login(world.users["chef"])
    page.goto(f"/programmation/suivi/dossiers/{app.pk}/")
    assert_accessible(page)
    page.get_by_label("Date de la convention").fill("01/03/2026")
    page.get_by_label("Référence de la décision").fill("AP-2026-01")
    page.get_by_label("Date de la décision").fill("10/02/2026")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state()
    assert "Convention enregistrée." in page.content()
    page.get_by_label("Montant").fill("900")
    page.get_by_label("Échéance").fill("15/03/2026")
    page.get_by_role("button", name="Ajouter au calendrier").click()
    page.wait_for_load_state()
    assert "dépasserait le montant accordé" in page.content()
    page.get_by_label("Montant").fill("400,00")
    page.get_by_label("Échéance").fill("15/03/2026")
    page.get_by_role("button", name="Ajouter au calendrier").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Enregistrer la convention du dossier (conventionné)").click()
    page.wait_for_load_state()
    page.get_by_label("Payé le (jj/mm/aaaa)").fill("20/03/2026")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    page.wait_for_load_state()
    assert Application.objects.get(pk=app.pk).status == Status.PAID
    assert_accessible(page)

    page.context.clear_cookies()
    browser_login(world.users["partenaire"])
    page.goto(f"/programmation/bilans/dossiers/{app.pk}/")
    assert_accessible(page)
    page.get_by_label("Réalisé 64 – Charges de personnel").fill("1 000,00")
    page.get_by_label("Réalisé 74 – Subventions d'exploitation").fill("800")
    page.get_by_label("Ce qui a été réalisé, les écarts, les suites").fill("Dix ateliers tenus.")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    page.wait_for_load_state()
    assert "expliquez l'écart" in page.content()
    page.get_by_label("Explication 74 – Subventions d'exploitation").fill("800 € accordés sur 1 000 € demandés.")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    page.wait_for_load_state()
    assert "Bilan enregistré." in page.content()
    source = tmp_path / "beneficiaires.csv"
    source.write_bytes("Nom;Adresse;CP;Ville\r\nA;1 rue fictive;62100;Calais\r\n".encode("cp1252"))
    page.get_by_label("Liste des adresses des bénéficiaires").set_input_files(str(source))
    page.get_by_role("button", name="Calculer la part QPV").click()
    page.wait_for_load_state()
    assert jobs.run_pending() == 1
    page.goto(f"/programmation/bilans/dossiers/{app.pk}/")
    assert Report.objects.get(application=app).qpv_undetermined == 1
    assert "aucune adresse n'est enregistrée" in page.content()
    page.get_by_role("button", name="Déposer le bilan").click()
    page.wait_for_load_state()
    assert Application.objects.get(pk=app.pk).status == Status.REPORTED

    page.context.clear_cookies()
    browser_login(world.users["chef"])
    page.goto(f"/programmation/bilans/dossiers/{app.pk}/")
    page.get_by_role("button", name="Solder le dossier").click()
    page.wait_for_load_state()
    assert Application.objects.get(pk=app.pk).status == Status.CLOSED
    assert_accessible(page)
    assert not errors
