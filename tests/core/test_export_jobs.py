"""The generic « export of everything » job (quartiers.core.export_jobs): rows as the requester, progress, download."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from quartiers.core import export_jobs, jobs
from quartiers.core.models import Job

jobs.HANDLERS.setdefault("tests.noop", lambda job: None)
SEEN_DONE = []


def _seen_progress(job):
    # Read back, while the file is written, the progress the job page would show.
    SEEN_DONE.append(Job.objects.filter(kind=export_jobs.JOB_KIND, status="en_cours").values_list("done", flat=True)[0])
    return job.label


@export_jobs.exportable("tests.taches", "Tâches de test", basename="taches", filters=("q",))
def _tasks(user, filters):
    # Jobs are visible to their owner only (and to administrators): a real permission filter to re-apply.
    qs = Job.objects.visible_to(user).filter(kind="tests.noop", label__contains=filters.get("q", "")).order_by("label")
    return qs, [("Libellé", "label"), ("Vu", _seen_progress)]


def _own_jobs(w):
    for role, labels in {"chef": ["Calais 1", "=HYPERLINK(1)"], "lecteur": ["Lecteur 1"]}.items():
        for label in labels:
            Job.objects.create(kind="tests.noop", label=label, owner=w.users[role])


def _start(client, user, fmt="csv", **filters):
    client.force_login(user)
    return client.post(reverse("core:export_start"), {"export": "tests.taches", "format": fmt, **filters})


def _csv_rows(client, job):
    response = client.get(reverse("core:export_download", args=[job.pk]))
    assert response.status_code == 200
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [("chef", ["'=HYPERLINK(1)", "Calais 1"]), ("lecteur", ["Lecteur 1"]), ("autre_chef", [])],
)
def test_job_writes_only_what_the_requester_may_see(world, client, run_jobs, role, expected):
    _own_jobs(world)
    response = _start(client, world.users[role])
    job = Job.objects.get(kind=export_jobs.JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("core:export_detail", args=[job.pk])
    assert job.owner == world.users[role]
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    rows = _csv_rows(client, job)
    assert rows[0] == ["Libellé", "Vu"]
    assert [r[0] for r in rows[1:]] == expected  # the formula cell is neutralised


@pytest.mark.django_db
def test_admin_sees_every_row_and_filters_are_applied(world, client, run_jobs):
    _own_jobs(world)
    _start(client, world.users["admin"], q="1")
    run_jobs()
    rows = _csv_rows(client, Job.objects.get(kind=export_jobs.JOB_KIND))
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(1)", "Calais 1", "Lecteur 1"]


@pytest.mark.django_db
def test_progress_is_recorded_while_writing(world, client, run_jobs, monkeypatch):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)
    for i in range(4):
        Job.objects.create(kind="tests.noop", label=f"T{i}", owner=world.users["chef"])
    SEEN_DONE.clear()
    _start(client, world.users["chef"])
    run_jobs()
    job = Job.objects.get(kind=export_jobs.JOB_KIND)
    assert SEEN_DONE == [0, 1, 2, 3]
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.message == "4 lignes exportées."
    page = client.get(reverse("core:export_detail", args=[job.pk]))
    assert "Télécharger le fichier (taches.csv)" in page.content.decode()


@pytest.mark.django_db
def test_xlsx_is_neutralised_too(world, client, run_jobs):
    _own_jobs(world)
    _start(client, world.users["chef"], fmt="xlsx")
    run_jobs()
    job = Job.objects.get(kind=export_jobs.JOB_KIND)
    response = client.get(reverse("core:export_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet["A"]] == ["Libellé", "'=HYPERLINK(1)", "Calais 1"]


@pytest.mark.django_db
def test_download_refused_to_another_user_and_to_anonymous(world, client, run_jobs):
    _own_jobs(world)
    _start(client, world.users["chef"])
    run_jobs()
    job = Job.objects.get(kind=export_jobs.JOB_KIND)
    for name in ("core:export_download", "core:export_detail"):
        url = reverse(name, args=[job.pk])
        client.force_login(world.users["autre_chef"])
        assert client.get(url).status_code == 403
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/" in response["Location"]


@pytest.mark.django_db
def test_anonymous_cannot_start_an_export(world, client):
    response = client.post(reverse("core:export_start"), {"export": "tests.taches", "format": "csv"})
    assert response.status_code == 302
    assert not Job.objects.filter(kind=export_jobs.JOB_KIND).exists()


@pytest.mark.django_db
def test_bad_format_is_a_clear_french_error(world, client):
    response = _start(client, world.users["chef"], fmt="<b>pdf</b>")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "Format d'export inconnu : <b>pdf</b> (formats : csv, xlsx)." in response.content.decode()
    assert not Job.objects.filter(kind=export_jobs.JOB_KIND).exists()


@pytest.mark.django_db
def test_unknown_export_is_404(world, client):
    client.force_login(world.users["chef"])
    response = client.post(reverse("core:export_start"), {"export": "nimporte.quoi", "format": "csv"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_expired_files_are_deleted(world, client, run_jobs):
    _own_jobs(world)
    _start(client, world.users["chef"])
    _start(client, world.users["chef"])
    run_jobs()
    old, recent = Job.objects.filter(kind=export_jobs.JOB_KIND).order_by("created_at")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - export_jobs.RETENTION - timedelta(hours=1))
    assert export_jobs.purge_expired() == 1
    old.refresh_from_db()
    assert export_jobs.result_path(old) is None and export_jobs.result_path(recent) is not None
    assert client.get(reverse("core:export_download", args=[old.pk])).status_code == 404
    assert "Le fichier a été supprimé" in client.get(reverse("core:export_detail", args=[old.pk])).content.decode()
