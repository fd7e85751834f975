"""Batch files as they arrive (issue 12 §4): an XLSX with a title above its header row, a CSV with NUL bytes,
the header row chosen in the preview."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from quartiers.core.models import Job
from tests.core.test_tabular import TITLE, xlsx_bytes

pytestmark = pytest.mark.usefixtures("outlines", "stub_geocoder")


@pytest.fixture
def reader(client, world):
    client.force_login(world.users["lecteur"])
    return client


def _upload(client, name, content):
    response = client.post(reverse("eligibility:batch"), {"fichier": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def _run(client, run_jobs, url):
    form = client.get(url).context["form"]
    data = {key: form[key].value() or "" for key in ("adresse", "numero", "code_postal", "commune", "lon", "lat")}
    assert client.post(url, {**data, "generation": 2024}).status_code == 302
    run_jobs()
    job = Job.objects.get()
    response = client.get(reverse("eligibility:batch_download", args=[job.pk]))
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_xlsx_with_title_rows(reader, run_jobs):
    content = xlsx_bytes(
        [(TITLE,), (), ("Nom", "Adresse", "CP"), ("Dupont", "12 rue du Carré", "99100"), ("Martin", "nulle part", "")]
    )
    url = _upload(reader, "adresses.xlsx", content)
    page = reader.get(url).content.decode()
    assert "Les en-têtes de colonnes sont lus à la ligne 3" in page and f"« {TITLE} »" in page
    assert reader.get(url).context["form"]["adresse"].value() == "Adresse"
    rows = _run(reader, run_jobs, url)
    assert [(r["Nom"], r["qpv_code"], r["statut"]) for r in rows] == [
        ("Dupont", "QNTEST01", "ok"),
        ("Martin", "", "introuvable"),
    ]


def test_csv_with_nul_bytes(reader, run_jobs):
    content = "Nom;Adresse;CP\r\nDupont;12 rue du\x00 Carré;99100\r\nLefèvre\x00;5 place du Trou;99100\r\n"
    url = _upload(reader, "export.csv", content.encode("cp1252") + b"\x00" * 10)
    assert "Octets nuls (NUL) supprimés du fichier : 12." in reader.get(url).content.decode()
    rows = _run(reader, run_jobs, url)
    assert [(r["Nom"], r["statut"]) for r in rows] == [("Dupont", "ok"), ("Lefèvre", "ok")]


def test_header_row_chosen_in_the_preview(reader, run_jobs):
    # A title that looks like a header (two filled cells) fools detection: the user picks line 2.
    content = "Export;Mairie de Testville\r\nNom;Adresse\r\nDupont;12 rue du Carré\r\n".encode("cp1252")
    url = _upload(reader, "a.csv", content)
    assert reader.get(url).context["form"]["adresse"].value() in (None, "")
    response = reader.post(url, {"ligne_entetes": "9"})
    assert "La ligne d&#x27;en-têtes choisie (9) n&#x27;existe pas" in response.content.decode()
    assert reader.post(url, {"ligne_entetes": "2"}).status_code == 302
    assert reader.get(url).context["form"]["adresse"].value() == "Adresse"
    rows = _run(reader, run_jobs, url)
    assert [(r["Nom"], r["qpv_code"]) for r in rows] == [("Dupont", "QNTEST01")]


def test_cli_reads_title_rows_and_nuls(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(f"{TITLE}\r\n\r\nadresse;cp\r\n12 rue du\x00 Carré;99100\r\n".encode("cp1252"))
    err = io.StringIO()
    out_path = tmp_path / "out.csv"
    call_command(
        "eligibilite", str(source), "-o", str(out_path), "--sans-progression", stdout=io.StringIO(), stderr=err
    )
    assert (
        "En-têtes lus à la ligne 3" in err.getvalue()
        and "Octets nuls (NUL) supprimés du fichier : 1." in err.getvalue()
    )
    rows = list(csv.DictReader(io.StringIO(out_path.read_text("utf-8-sig")), delimiter=";"))
    assert [(r["adresse"], r["qpv_code"]) for r in rows] == [("12 rue du Carré", "QNTEST01")]
