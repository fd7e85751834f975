"""« Exporter tout » the reports: a background job (quartiers.core.export_jobs) with the list's filters, the same
columns as the in-request export, only what the requester may see, downloadable by the requester only."""

import csv
import io

from django.urls import reverse

from quartiers.core import export_jobs
from quartiers.core.models import Job
from quartiers.gup import services
from quartiers.gup.exports import REPORT_COLUMNS
from quartiers.gup.models import Report
from tests.gup import helpers as h


def _rows(client, job):
    response = client.get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _export(client, run_jobs, **data):
    response = client.post(reverse("core:export_start"), {"export": "gup.signalements", "format": "csv", **data})
    job = Job.objects.filter(kind=export_jobs.JOB_KIND).latest("created_at")
    assert response.status_code == 302 and response["Location"] == reverse("core:export_detail", args=[job.pk])
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    return job


def test_the_list_page_offers_the_background_export_with_its_filters(world, login):
    h.report(world)
    page = login(world.users["chef"]).get("/gup/signalements/?statut=ouverts&gestionnaire=7&page=2").content.decode()
    assert f'action="{reverse("core:export_start")}"' in page
    assert '<input type="hidden" name="export" value="gup.signalements">' in page
    assert '<input type="hidden" name="statut" value="ouverts">' in page
    assert '<input type="hidden" name="gestionnaire" value="7">' in page
    assert 'name="page"' not in page.split("export-all")[1].split("</form>")[0]


def test_export_keeps_the_filters_and_the_columns_of_the_list(world, login, run_jobs):
    kept = h.report(world)
    closed = h.report(world, point=(1.881, 50.951))
    services.transition(world.users["partenaire"], closed, "resoudre")
    client = login(world.users["chef"])
    job = _export(client, run_jobs, statut="ouverts")
    rows = _rows(client, job)
    assert rows[0] == [label for label, _ in REPORT_COLUMNS]
    assert [r[0] for r in rows[1:]] == [kept.reference]
    # The same file as the in-request export of the same filters.
    direct = client.get("/gup/signalements/export/?statut=ouverts&format=csv").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(direct), delimiter=";")) == rows
    assert job.result["lignes"] == 1


def test_export_runs_as_the_requester_and_only_they_download_it(world, login, run_jobs):
    """« À traiter par mon organisation » read in the worker for the requester: the bailleur's partner gets the
    reports routed to the bailleur, not those of the agglomeration; nobody else opens the file."""
    mine = h.report(world)  # parties communes: routed to the bailleur
    h.ville_area(world, categories=["eclairage"])
    other = h.report(world, category="eclairage", point=(1.8805, 50.9605))
    assert other.manager != mine.manager
    partner = login(world.users["partenaire"])
    job = _export(partner, run_jobs, a_traiter="1")
    assert [r[0] for r in _rows(partner, job)[1:]] == [mine.reference]
    expected = Report.objects.visible_to(world.users["partenaire"]).matching(
        {"a_traiter": "1"}, world.users["partenaire"]
    )
    assert list(expected.values_list("reference", flat=True)) == [mine.reference]
    for role in ("chef", "autre_chef", "lecteur"):
        someone = login(world.users[role])
        assert someone.get(reverse("core:export_download", args=[job.pk])).status_code == 403
        assert someone.get(reverse("core:export_detail", args=[job.pk])).status_code == 403


def test_xlsx_and_formula_cells_neutralised(world, login, run_jobs):
    from openpyxl import load_workbook

    from quartiers.core.models import Job as JobModel

    report = h.report(world)
    Report.objects.filter(pk=report.pk).update(description='=HYPERLINK("http://x")')
    client = login(world.users["chef"])
    job = _export(client, run_jobs, format="xlsx")
    assert isinstance(job, JobModel) and job.result["fichier"] == "signalements-gup.xlsx"
    content = client.get(reverse("core:export_download", args=[job.pk])).content
    sheet = load_workbook(io.BytesIO(content)).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[0] == report.reference and values[-1].startswith("'=")
