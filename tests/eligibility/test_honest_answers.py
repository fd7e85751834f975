"""Issue 12 §2: never « aucun QPV » when we do not know, say which BAN is missing, 2024 by default.

The Calais point (1.86, 50.95) lies in a département (62) whose QPVs are listed (tests/world.py) but whose
outlines are not loaded; the only outlines loaded are the TEST OUTLINES of tests/geocoding/outlines.py, in a
fictitious département 99, about 700 km away.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from quartiers.core.models import Job
from quartiers.eligibility import answers
from quartiers.geocoding import coverage
from tests.geocoding import outlines as t

CALAIS = {"lon": "1.86", "lat": "50.95"}


@pytest.fixture
def calais_commune(world):
    # The département of a point comes from the communes of the database (outline, else centre).
    world.calais.lon, world.calais.lat = 1.8587, 50.9513
    world.calais.save()
    return world.calais


def _assert_indetermine(text):
    assert "Indéterminé — les contours des QPV de ce département (Pas-de-Calais) ne sont pas chargés" in text
    assert "quartiers import-qpv --officiel" in text
    assert "aucun QPV" not in text and "le plus proche" not in text and " km" not in text


@pytest.mark.usefixtures("outlines", "calais_commune")
class TestPointInUnloadedDepartement:
    def test_point_page(self, client):
        html = client.get(reverse("eligibility:point"), CALAIS).content.decode()
        _assert_indetermine(html)

    def test_point_page_2015(self, client):
        html = client.get(reverse("eligibility:point"), {**CALAIS, "generation": "2015"}).content.decode()
        _assert_indetermine(html)

    def test_api_point(self, client):
        data = client.get("/api/eligibilite/point", CALAIS).json()
        assert data["resultat"] == "indetermine"
        assert data["statut"] == "contours_manquants"
        assert data["departement"] == "62"
        assert data["commande"] == "quartiers import-qpv --officiel"
        assert data["qpv"] == []
        _assert_indetermine(" ".join(data["phrases"]))

    def test_point_in_loaded_departement_still_answers(self, client):
        data = client.get("/api/eligibilite/point", {"lon": t.WEST_OF_SQUARE[0], "lat": t.WEST_OF_SQUARE[1]}).json()
        assert data["resultat"] == "hors_qpv"
        assert data["qpv"][0]["code"] == "QNTEST01" and data["qpv"][0]["distance_m"] == 158


@pytest.mark.django_db
def test_2015_outlines_say_nothing_about_2024(client):
    """Outlines of 2015 loaded for a département: a 2024 question there is « indéterminé »."""
    t.add_qpv("QPTEST01", "Ancien QPV de test", 2015, t.OLD_SQUARE)
    point = {"lon": t.WEST_OF_SQUARE[0], "lat": t.WEST_OF_SQUARE[1]}
    data = client.get("/api/eligibilite/point", point).json()
    assert data["generation"] == 2024 and data["resultat"] == "indetermine" and data["qpv"] == []
    html = client.get(reverse("eligibility:point"), point).content.decode()
    assert "Indéterminé" in html and "choisissez « QPV 2015 »" in html
    data = client.get("/api/eligibilite/point", {**point, "generation": "2015"}).json()
    assert data["resultat"] == "hors_qpv" and data["qpv"][0]["code"] == "QPTEST01"


@pytest.mark.usefixtures("outlines", "calais_commune", "stub_geocoder")
def test_batch_counts_indetermine_apart(client, run_jobs, world):
    client.force_login(world.users["lecteur"])
    content = "Nom;Adresse;CP;Ville;lon;lat\r\nA;12 rue du Carré;99100;Testville;;\r\nB;;;;1,86;50,95\r\n"
    content += "C;1 rue de Calais;62100;Calais;;\r\n"
    response = client.post(
        reverse("eligibility:batch"), {"fichier": SimpleUploadedFile("a.csv", content.encode("cp1252"), "text/csv")}
    )
    mapping = {"adresse": "Adresse", "code_postal": "CP", "commune": "Ville", "lon": "lon", "lat": "lat"}
    assert client.post(response["Location"], {**mapping, "generation": 2024}).status_code == 302
    run_jobs()
    job = Job.objects.get()
    summary = job.result["summary"]
    assert summary["en_qpv"] == 1 and summary["hors_qpv"] == 0
    assert summary["indetermine"] == 2 and summary["sans_contours"] == {"62": 2}
    page = client.get(reverse("eligibility:batch_detail", args=[job.pk])).content.decode()
    assert "Indéterminées, contours des QPV non chargés" in page
    assert "du département Pas-de-Calais ne sont pas chargés" in page
    result = client.get(reverse("eligibility:batch_download", args=[job.pk]))
    rows = list(csv.DictReader(io.StringIO(result.content.decode("utf-8-sig")), delimiter=";"))
    assert [r["statut"] for r in rows] == ["ok", "contours_manquants", "contours_manquants"]
    assert rows[1]["distance_qpv_m"] == "" and rows[1]["qpv_proche"] == ""


@pytest.mark.usefixtures("outlines", "calais_commune", "stub_geocoder")
def test_cli_says_indetermine(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes("lon;lat\r\n1,86;50,95\r\n1,003;45,003\r\n".encode("cp1252"))
    out = io.StringIO()
    call_command("eligibilite", str(source), "-o", str(tmp_path / "out.csv"), "--sans-progression", stdout=out)
    text = out.getvalue()
    assert "1 en QPV, 0 hors QPV" in text
    assert "1 indéterminée(s) faute de contours des QPV (quartiers import-qpv --officiel)" in text
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig")), delimiter=";"))
    assert [r["statut"] for r in rows] == ["contours_manquants", "ok_coordonnees"]


# ---- the BAN of the address's département is not imported ----


@pytest.fixture
def empty_ban(db):
    from quartiers.geocoding.geocoder import invalidate

    invalidate()
    yield
    invalidate()


@pytest.mark.usefixtures("empty_ban", "world")
class TestBanNotImported:
    def test_page_example_address(self, client):
        example = "12 rue de la Paix 62100 Calais"
        page = client.get(reverse("eligibility:lookup")).content.decode()
        assert example in page  # the form's own example
        html = client.get(reverse("eligibility:lookup"), {"q": example}).content.decode()
        assert "la BAN du Pas-de-Calais n&#x27;est pas importée : « quartiers import-ban 62 »" in html

    def test_commune_name_without_postcode(self, client):
        data = client.get("/api/eligibilite/adresse", {"q": "3 rue Royale Dunkerque"}).json()
        assert data["statut"] == "ban_manquante" and data["resultat"] == "indetermine"
        assert data["commande"] == "quartiers import-ban 59"
        assert "la BAN du Nord n'est pas importée" in data["phrases"][0]

    def test_batch(self, client, run_jobs, world):
        client.force_login(world.users["lecteur"])
        content = "Adresse;CP;Ville\r\n12 rue de la Paix;62100;Calais\r\n4 quai de la Citadelle;59140;Dunkerque\r\n"
        response = client.post(
            reverse("eligibility:batch"), {"fichier": SimpleUploadedFile("a.csv", content.encode(), "text/csv")}
        )
        mapping = {"adresse": "Adresse", "code_postal": "CP", "commune": "Ville"}
        client.post(response["Location"], {**mapping, "generation": 2024})
        run_jobs()
        job = Job.objects.get()
        summary = job.result["summary"]
        assert summary["ban_manquante"] == 2 and summary["sans_ban"] == {"59": 1, "62": 1}
        page = client.get(reverse("eligibility:batch_detail", args=[job.pk])).content.decode()
        assert "la BAN du Pas-de-Calais n&#x27;est pas importée : « quartiers import-ban 62 »" in page
        assert "la BAN du Nord n&#x27;est pas importée : « quartiers import-ban 59 »" in page


@pytest.fixture
def ban_59_62(db):
    from quartiers.geocoding.geocoder import invalidate
    from tests.geocoding.ban_fixture import load_test_ban

    load_test_ban()
    yield
    invalidate()


@pytest.mark.usefixtures("ban_59_62")
def test_ban_of_another_departement_loaded(client):
    """The test BAN holds 59 and 62: a Toulouse address names the BAN of Haute-Garonne, not a bare « introuvable »."""
    data = client.get("/api/eligibilite/adresse", {"q": "12 rue de la Paix 31000 Toulouse"}).json()
    assert data["statut"] == "ban_manquante"
    assert "la BAN de la Haute-Garonne n'est pas importée : « quartiers import-ban 31 »" in data["phrases"][0]
    assert client.get("/api/eligibilite/adresse", {"q": "10 bis rue Royale 62100 Calais"}).json()["adresse"]


def test_departement_of_query_without_communes(db):
    assert coverage.departement_of_query("5 rue X 20000 Ajaccio") == "2A"
    assert coverage.departement_of_query("5 rue X 97400 Saint-Denis") == "974"
    assert coverage.departement_of_query("5 rue X", postcode="31 100") == "31"
    assert coverage.departement_name("01") == ("Ain", "de l'Ain")


def test_import_ban_accepts_a_bare_departement_code(db, settings):
    """« quartiers import-ban 62 », as the pages advise, downloads the official file of 62 (here a file:// URL
    standing for the BAN site, which this machine cannot reach)."""
    from quartiers.geocoding.geocoder import invalidate
    from tests.geocoding.ban_fixture import TEST_BAN

    settings.BAN_DOWNLOAD_URL = TEST_BAN.resolve().as_uri()  # no {dep}: every département gets this file
    out = io.StringIO()
    call_command("import-ban", "62", stdout=out)
    invalidate()
    assert "62" in answers.get_geocoder().departements
    invalidate()
