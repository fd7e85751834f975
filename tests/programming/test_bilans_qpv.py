"""The QPV share of a bilan's beneficiaries: the address list is counted in a background job by the eligibility
module (real offline geocoder on the test BAN, a test outline around « 10 bis rue Royale, Calais »), then deleted;
only three counts and a date are kept. Without the BAN of the Pas-de-Calais every address is « indéterminé » and the
job says which command fixes it."""

import io
from pathlib import Path

import pytest
import shapely
import shapely.geometry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from quartiers.core.models import Job
from quartiers.geocoding import spatial
from quartiers.programming import qpv_share
from quartiers.programming.models import Report
from quartiers.programming.workflow import Status
from quartiers.territories.models import QPV
from tests.geocoding import outlines as test_outlines
from tests.geocoding.ban_fixture import load_test_ban
from tests.programming.followup_helpers import agreed_application

IN_QPV = "10 bis rue Royale"
OUTSIDE = "12 rue Victor Hugo"
UNKNOWN = "999 impasse des Mouettes Rieuses"
# TEST OUTLINE around « 10 bis Rue Royale 62100 Calais » of the test BAN (1.8530, 50.9595): not a real QPV.
ROYALE_SQUARE = shapely.box(1.8520, 50.9588, 1.8540, 50.9602)
NAMES = ("Zoé Bénéficiaire-Unique", "Marcel Inscrit-Témoin", "Inès Personne-Test")


@pytest.fixture(autouse=True)
def _fresh_index(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.GEOCODING_INDEX_CHECK_SECONDS = 0
    spatial.reset()
    yield
    spatial.reset()


@pytest.fixture
def real_ban(db):
    from quartiers.geocoding.geocoder import get_geocoder, invalidate

    load_test_ban()
    yield get_geocoder()
    invalidate()


@pytest.fixture
def calais_outline(db):
    """The test outline around rue Royale, and tiny test outlines for the world's Calais QPVs (which have none):
    every 2024 QPV of the Pas-de-Calais has an outline, so « hors QPV » can be said there."""
    for number, qpv in enumerate(QPV.objects.filter(generation=2024, departement_id="62", outline_wkb__isnull=True)):
        box = shapely.box(1.80 + number * 0.002, 50.93, 1.801 + number * 0.002, 50.931)
        qpv.outline_wkb, qpv.outline_simplified = shapely.to_wkb(box), shapely.geometry.mapping(box)
        qpv.save()
    qpv = test_outlines.add_qpv("QNTEST62", "QPV de test rue Royale", 2024, ROYALE_SQUARE)
    qpv.departement_id = "62"
    qpv.save()


def _french_csv(rows, header="Nom;Adresse;CP;Ville"):
    """CP1252, `;`, a title row above the header, as a town hall's export."""
    text = "Liste des bénéficiaires 2026\r\n\r\n" + header + "\r\n" + "".join(";".join(r) + "\r\n" for r in rows)
    return text.encode("cp1252")


def _three_rows():
    return [
        (NAMES[0], IN_QPV, "62100", "Calais"),
        (NAMES[1], OUTSIDE, "62100", "CALAIS"),
        (NAMES[2], UNKNOWN, "62100", "Calais"),
    ]


def _upload(client, app, content, name="beneficiaires.csv", **columns):
    data = {"liste": SimpleUploadedFile(name, content), **columns}
    return client.post(reverse("programming:report_qpv", args=[app.pk]), data)


def _paid(prog):
    app, _ = agreed_application(prog, status=Status.PAID)
    return app


def _media_files():
    root = Path(qpv_share.qpv_root()).parent
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_counts_in_qpv_outside_and_undetermined(prog, login, real_ban, calais_outline, run_jobs):
    app = _paid(prog)
    client = login(prog.users["partenaire"])
    response = _upload(client, app, _french_csv(_three_rows()))
    job = Job.objects.get(kind=qpv_share.QPV_JOB)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert len(_media_files()) == 1  # waiting for its job, in the job's folder only
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    report = Report.objects.get(application=app)
    assert (report.qpv_inside, report.qpv_outside, report.qpv_undetermined) == (1, 1, 1)
    assert report.qpv_computed_at is not None
    assert "3 adresses : 1 en QPV, 1 hors QPV, 1 indéterminée(s). La liste a été supprimée." in job.message
    assert _media_files() == []
    html = client.get(reverse("programming:report", args=[app.pk])).content.decode()
    assert "<strong>1</strong> en QPV" in html
    html = client.get(reverse("programming:carrier_years", args=[prog.extra["carrier"].pk])).content.decode()
    assert "50 %" in html  # 1 of the 2 determined addresses


def test_xlsx_list_with_one_full_address_column_chosen(prog, login, real_ban, calais_outline, run_jobs):
    app = _paid(prog)
    book = Workbook()
    sheet = book.active
    sheet.append(["Bénéficiaire", "Domicile"])
    sheet.append([NAMES[0], f"{IN_QPV} 62100 Calais"])
    sheet.append([NAMES[1], f"{OUTSIDE} 62100 Calais"])
    out = io.BytesIO()
    book.save(out)
    _upload(login(prog.users["partenaire"]), app, out.getvalue(), name="liste.xlsx", adresse="Domicile")
    run_jobs()
    report = Report.objects.get(application=app)
    assert (report.qpv_inside, report.qpv_outside, report.qpv_undetermined) == (1, 1, 0)
    assert _media_files() == []


def test_calais_without_ban_is_all_undetermined_with_the_command(prog, login, calais_outline, run_jobs):
    app = _paid(prog)
    _upload(login(prog.users["partenaire"]), app, _french_csv(_three_rows()))
    run_jobs()
    job = Job.objects.get(kind=qpv_share.QPV_JOB)
    report = Report.objects.get(application=app)
    assert (report.qpv_inside, report.qpv_outside, report.qpv_undetermined) == (0, 0, 3)
    assert "« quartiers import-ban 62 »" in job.message
    assert job.result["commandes"] == ["quartiers import-ban 62"]
    html = login(prog.users["partenaire"]).get(reverse("programming:report", args=[app.pk])).content.decode()
    assert "<strong>3</strong> indéterminée" in html and "« quartiers import-ban 62 »" in html
    assert report.qpv_share() is None


def test_ten_thousand_addresses_run_in_the_job_not_the_request(prog, login, real_ban, calais_outline, run_jobs):
    app = _paid(prog)
    rows = [(f"Personne {i}", (IN_QPV, OUTSIDE, UNKNOWN)[i % 3], "62100", "Calais") for i in range(10_000)]
    response = _upload(login(prog.users["partenaire"]), app, _french_csv(rows))
    assert response.status_code == 302
    job = Job.objects.get(kind=qpv_share.QPV_JOB)
    assert job.status == Job.Status.QUEUED and not Report.objects.filter(application=app).exists()
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == 10_000
    report = Report.objects.get(application=app)
    assert (report.qpv_inside, report.qpv_outside, report.qpv_undetermined) == (3334, 3333, 3333)


def _database_text():
    """Every row of every table, as text (the BAN is a compressed blob: a plain address cannot hide in it)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the introspection
            found.extend(" ".join(str(value) for value in row) for row in cursor.fetchall())
    return "\n".join(found).lower()


@pytest.mark.parametrize("with_ban", [True, False])
def test_no_address_remains_in_the_database_or_the_media(prog, login, calais_outline, run_jobs, with_ban, request):
    if with_ban:
        request.getfixturevalue("real_ban")
    app = _paid(prog)
    _upload(login(prog.users["partenaire"]), app, _french_csv(_three_rows()))
    run_jobs()
    assert Job.objects.get(kind=qpv_share.QPV_JOB).status == Job.Status.DONE
    text = _database_text()
    assert "qnTEST62".lower() in text  # sanity: the scan sees the tables' text
    for needle in (IN_QPV, OUTSIDE, UNKNOWN, *NAMES, "mouettes"):
        assert needle.lower() not in text, needle
    media = Path(qpv_share.qpv_root()).parent
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True


def test_a_list_without_address_column_fails_and_is_deleted(prog, login, run_jobs):
    app = _paid(prog)
    _upload(login(prog.users["partenaire"]), app, _french_csv([("A", "B")], header="Nom;Prénom"))
    run_jobs()
    job = Job.objects.get(kind=qpv_share.QPV_JOB)
    assert job.status == Job.Status.FAILED
    assert "Aucune colonne d'adresse reconnue" in job.message
    assert _media_files() == []
    assert not Report.objects.filter(application=app).exists()


def test_a_column_that_does_not_exist_is_said(prog, login, run_jobs):
    app = _paid(prog)
    _upload(login(prog.users["partenaire"]), app, _french_csv(_three_rows()), adresse="Rue")
    run_jobs()
    job = Job.objects.get(kind=qpv_share.QPV_JOB)
    assert job.status == Job.Status.FAILED and "Colonne introuvable dans le fichier : « Rue »" in job.message
    assert _media_files() == []


def test_a_file_that_is_not_a_table_is_refused_in_the_request(prog, login):
    app = _paid(prog)
    response = _upload(login(prog.users["partenaire"]), app, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", name="a.csv")
    assert response.status_code == 200
    assert "Le contenu du fichier" in response.content.decode() or "format" in response.content.decode()
    assert not Job.objects.exists() and _media_files() == []


def test_another_structure_cannot_upload(prog, login):
    app, _ = agreed_application(prog, status=Status.PAID, carrier=prog.extra["other_carrier"])
    response = _upload(login(prog.users["partenaire"]), app, _french_csv(_three_rows()))
    assert response.status_code == 403
    assert not Job.objects.exists() and _media_files() == []


def test_a_list_without_header_row_fails_without_quoting_its_first_address(prog, login, run_jobs):
    app = _paid(prog)
    content = "".join(f"{n};{a};62100;Calais\r\n" for n, a, _cp, _v in _three_rows()).encode("cp1252")
    _upload(login(prog.users["partenaire"]), app, content)
    run_jobs()
    job = Job.objects.get(kind=qpv_share.QPV_JOB)
    assert job.status == Job.Status.FAILED and "ligne d'en-têtes" in job.message
    text = _database_text()
    for needle in (IN_QPV, OUTSIDE, UNKNOWN, *NAMES):
        assert needle.lower() not in text, needle
    assert _media_files() == []


def test_the_job_page_shows_the_counts_to_the_carrier_only(prog, login, run_jobs):
    app = _paid(prog)
    client = login(prog.users["partenaire"])
    job_url = _upload(client, app, _french_csv(_three_rows()))["Location"]
    run_jobs()
    html = client.get(job_url).content.decode()
    assert "3 adresses : 0 en QPV, 0 hors QPV, 3 indéterminée(s)" in html
    assert "quartiers import-ban 62" in html
    assert login(prog.users["chef"]).get(job_url).status_code in (403, 404)
