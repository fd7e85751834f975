import gzip
import http.server
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quartiers.geocoding import ban
from quartiers.geocoding.geocoder import get_geocoder, invalidate
from quartiers.geocoding.models import BanDepartement
from tests.geocoding.ban_fixture import FIXTURE_DIR, TEST_BAN, load_test_ban

HEADER = TEST_BAN.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture(autouse=True)
def _fresh_geocoder():
    invalidate()
    yield
    invalidate()


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_reports_in_french_and_is_idempotent(db):
    report = load_test_ban()
    assert set(report.departements) == {"59", "62"}
    assert report.departements["62"]["adresses"] == 31
    assert report.departements["62"]["communes"] == 1
    assert "Département 62 importé depuis adresses-test.csv : 31 adresses" in "\n".join(report.lines())
    again = load_test_ban()
    assert again.departements["62"]["remplace"] is True
    assert "Département 62 remplacé" in "\n".join(again.lines())
    assert BanDepartement.objects.count() == 2
    assert get_geocoder().address_count == 43


def test_progress_callback_is_called(db):
    calls = []
    ban.import_file(TEST_BAN, progress=lambda done, total, message: calls.append((done, total, message)))
    assert calls and calls[-1][0] <= calls[-1][1]


def test_gzip_file(db, tmp_path):
    path = tmp_path / "adresses-62.csv.gz"
    path.write_bytes(gzip.compress(TEST_BAN.read_bytes()))
    report = ban.import_file(path)
    assert report.departements["62"]["adresses"] == 31
    assert get_geocoder().geocode("10 bis rue royale", "62100", "Calais").id == "62193_0010_00010_bis"


def test_cp1252_file_with_bom_less_accents(db, tmp_path):
    text = TEST_BAN.read_text(encoding="utf-8")
    path = write(tmp_path, "adresses-62.csv", text, encoding="cp1252")
    ban.import_file(path)
    result = get_geocoder().geocode("9 rue de la république", "", "Saint-Pol-sur-Mer")
    assert result.id == "59183_0220_00009"
    assert result.label == "9 Rue de la République 59430 Dunkerque"


def test_utf8_bom_and_crlf(db, tmp_path):
    text = TEST_BAN.read_text(encoding="utf-8").replace("\n", "\r\n")
    path = write(tmp_path, "adresses.csv", "\ufeff" + text)
    assert ban.import_file(path).departements["62"]["adresses"] == 31


def test_base_adresse_locale_layout(db, tmp_path):
    """A real BAL file (MIT, @etalab/bal test data, see fixtures_ban/etalab-bal.LICENSE)."""
    report = ban.import_file(FIXTURE_DIR / "bal_sample_strasbourg_etalab-bal.csv")
    assert sum(d["adresses"] for d in report.departements.values()) > 5
    result = get_geocoder().geocode("11 rue du verdon", "", "Strasbourg")
    assert result.id == "A7482_6956_11"
    assert result.type == "numéro"


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "est vide"),
        ("\n\n", "est vide"),
        (HEADER + "\n", "ne contient aucune adresse"),
        ("nom;prenom;ville\nDupont;Jean;Calais\n", "colonne(s) manquante(s) id, numero, nom_voie, lon, lat"),
        ("id,numero,nom_voie,lon,lat\n1,2,Rue,1,2\n", "séparé par des « ; »"),
    ],
)
def test_bad_files_give_a_french_error_and_import_nothing(db, tmp_path, content, message):
    path = write(tmp_path, "adresses-62.csv", content)
    with pytest.raises(ban.BanImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ban.import_file(path)
    assert not BanDepartement.objects.exists()


def test_odd_latin1_file_gives_the_missing_columns(db):
    """A real, odd BAL export (Latin-1, CRLF, its own column names; MIT, @etalab/bal test data)."""
    with pytest.raises(ban.BanImportError, match=r"colonne\(s\) manquante\(s\) id, nom_voie, lat\."):
        ban.import_file(FIXTURE_DIR / "bal_short_bourg-en-bresse_etalab-bal.csv")
    assert not BanDepartement.objects.exists()


def test_ragged_row_imports_nothing_and_keeps_the_previous_import(db, tmp_path):
    load_test_ban()
    before = BanDepartement.objects.get(code="62").imported_at
    lines = TEST_BAN.read_text(encoding="utf-8").splitlines()
    lines[20] = lines[20] + ";en trop"
    path = write(tmp_path, "adresses-62.csv", "\n".join(lines) + "\n")
    with pytest.raises(ban.BanImportError, match="Ligne 21 de adresses-62.csv : 27 colonnes au lieu de 26"):
        ban.import_file(path)
    assert BanDepartement.objects.get(code="62").imported_at == before


def test_truncated_gzip(db, tmp_path):
    data = gzip.compress(TEST_BAN.read_bytes() * 50)
    path = tmp_path / "adresses-62.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ban.BanImportError, match="illisible"):
        ban.import_file(path)
    assert not BanDepartement.objects.exists()


def test_bad_rows_are_skipped_and_counted(db, tmp_path):
    lines = TEST_BAN.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(";")
    cells[12] = "abc"  # lon
    lines[1] = ";".join(cells)
    path = write(tmp_path, "adresses-62.csv", "\n".join(lines) + "\n")
    report = ban.import_file(path)
    assert report.skipped == {"coordonnées lon/lat absentes ou invalides": 1}
    assert "1 ligne(s) ignorée(s) : coordonnées lon/lat absentes ou invalides." in "\n".join(report.lines())


def test_command(db, tmp_path):
    out = StringIO()
    call_command("import-ban", str(TEST_BAN), stdout=out)
    assert "Département 62 importé depuis adresses-test.csv" in out.getvalue()
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("import-ban", str(tmp_path / "absent.csv"), stdout=StringIO())
    with pytest.raises(CommandError, match="Indiquez"):
        call_command("import-ban", stdout=StringIO())


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def local_server(tmp_path):
    served = tmp_path / "www"
    served.mkdir()
    handler = lambda *a, **k: _Handler(*a, directory=str(served), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_official_download_from_a_local_server(db, local_server):
    served, base = local_server
    (served / "adresses-62.csv.gz").write_bytes(gzip.compress(TEST_BAN.read_bytes()))
    out = StringIO()
    call_command("import-ban", "62", officiel=True, url=base + "/adresses-{dep}.csv.gz", stdout=out)
    assert "Département 62 importé depuis adresses-62.csv.gz" in out.getvalue()
    assert get_geocoder().geocode("1 rue royale", "62100", "Calais").id == "62193_0010_00001"


def test_official_download_missing_file(db, local_server):
    _served, base = local_server
    with pytest.raises(CommandError, match="a répondu 404 pour le département 59"):
        call_command("import-ban", "59", officiel=True, url=base + "/adresses-{dep}.csv.gz", stdout=StringIO())


def test_offline_message(db):
    # Port 9 on the loopback: nothing listens, as when the machine has no network.
    with pytest.raises(ban.BanImportError, match="ne semble pas avoir accès à internet"):
        ban.import_official(["62"], base_url="http://127.0.0.1:9/adresses-{dep}.csv.gz")
    assert not BanDepartement.objects.exists()


def test_bad_departement_code(db):
    with pytest.raises(ban.BanImportError, match="n'est pas un numéro de département"):
        ban.import_official(["Nord"])


def test_official_url_default():
    assert ban.official_url("59") == "https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/adresses-59.csv.gz"


def test_fixture_file_is_in_the_official_layout():
    assert HEADER.startswith("id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;")
