"""In a real browser: a chef de projet imports the 2019 programming kept under Excel (upload, preview and mapping,
import), then finds the SCDL files of the open-data page; each page passes the accessibility check."""

from pathlib import Path

from playwright.sync_api import expect

from quartiers.programming.models import Application
from tests.programming.opendata_data import granted_world
from tests.world import build_world

FILE = Path(__file__).parent / "files" / "programmation-2019-cp1252.csv"


def test_import_then_open_data_path(page, browser_login, assert_accessible, transactional_db):
    world = granted_world(build_world())
    browser_login(world.users["chef"])
    page.goto("/programmation/donnees-ouvertes/")
    expect(page.get_by_role("heading", name="Données ouvertes : subventions accordées")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Importer une programmation existante").click()
    page.get_by_label("Contrat de ville").select_option(label="Grand Calais (test)")
    page.get_by_label("Fichier de la programmation (CSV ou XLSX)").set_input_files(str(FILE))
    page.get_by_role("button", name="Lire le fichier").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Importer « programmation-2019-cp1252.csv »")).to_be_visible()
    assert "Centre social Le Fort-Nieulay" in page.content()
    assert_accessible(page)
    page.get_by_label("Financeur 1", exact=True).select_option(label=world.orgs["prefecture"].name)
    page.get_by_label("Colonne du montant accordé par le financeur 1").select_option("Montant État (€)")
    page.get_by_role("button", name="Voir l'aperçu").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Aperçu, rien n'est écrit : 3 dossier(s) créé(s)")
    page.get_by_role("button", name="Importer").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("Import terminé : 3 dossier(s) créé(s)")
    assert_accessible(page)
    assert Application.objects.filter(call__year=2019).count() == 3
