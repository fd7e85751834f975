"""Main path in a real browser: one address (completion → sentence + map), then a file (upload → columns →
job → download), with an accessibility check on each page."""

from pathlib import Path

import shapely

from quartiers.core import jobs
from quartiers.territories.models import QPV
from tests.geocoding import outlines as t
from tests.geocoding.ban_fixture import load_test_ban
from tests.world import build_world

# TEST OUTLINE around « 10 bis Rue Royale 62100 Calais » of the test BAN: not a real QPV.
ROYALE_SQUARE = shapely.box(1.8520, 50.9588, 1.8540, 50.9602)


def test_lookup_and_batch(page, browser_login, assert_accessible, transactional_db, tmp_path):
    world = build_world()
    qpv = t.add_qpv("QNTEST62", "QPV de test rue Royale", 2024, ROYALE_SQUARE)
    QPV.objects.filter(pk=qpv.pk).update(departement_id="62")
    load_test_ban()

    errors = []
    page.on("console", lambda msg: errors.append(msg.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/eligibilite/")
    assert_accessible(page)
    page.get_by_label("Adresse", exact=True).press_sequentially("10 bis rue roy", delay=30)
    suggestion = page.locator("#suggestions a", has_text="Rue Royale").first
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_load_state()
    answer = page.get_by_role("status").filter(has_text="Cette adresse")
    assert "Cette adresse est dans le QPV QNTEST62 « QPV de test rue Royale » (géographie 2024)." in answer.inner_text()
    page.locator("#carte path.leaflet-interactive").first.wait_for()
    assert page.locator("#carte path.leaflet-interactive").count() >= 2  # the outline and the point
    assert not errors
    assert_accessible(page)

    browser_login(world.users["lecteur"])
    page.goto("/eligibilite/lot/")
    assert "supprimés dès que le résultat est téléchargé" in page.content()
    assert_accessible(page)
    source = tmp_path / "bénéficiaires.csv"
    source.write_bytes(
        "Nom;Adresse;Code postal;Ville\r\nDupont;10 bis rue Royale;62100;Calais\r\nMartin;;;\r\n".encode("cp1252")
    )
    page.get_by_label("Fichier d'adresses (CSV ou XLSX)").set_input_files(str(source))
    page.get_by_role("button", name="Déposer le fichier").click()
    page.wait_for_load_state()
    assert page.get_by_label("Colonne de l'adresse (ou de la voie)").input_value() == "Adresse"
    assert page.get_by_label("Colonne du code postal").input_value() == "Code postal"
    assert "Dupont" in page.get_by_role("table", name="Aperçu des premières lignes").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Lancer le traitement").click()
    page.wait_for_load_state()
    assert jobs.run_pending() == 1
    page.reload()
    page.get_by_role("link", name="Télécharger le résultat (CSV)").wait_for()
    assert "Dans un QPV" in page.content() and "QNTEST62" in page.content()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le résultat (CSV)").click()
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert "Dupont;10 bis rue Royale;62100;Calais;QNTEST62;QPV de test rue Royale;2024;0;" in content
    assert "adresse_vide" in content
    page.reload()
    assert "Résultat téléchargé : il a été supprimé du serveur." in page.content()
