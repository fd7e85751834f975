from datetime import timedelta

import pytest
from django.utils import timezone

from quartiers.core import jobs
from quartiers.core.models import Job


@jobs.handler("tests.count", resumable=True)
def count_rows(job):
    start = job.state.get("next", 0)
    total = job.params["total"]
    for i in range(start, total):
        if job.params.get("fail_at") == i:
            raise jobs.JobError("Ligne 3 illisible.")
        job.progress(i + 1, total, state={"next": i + 1})
    job.finish(result={"lignes": total})


@jobs.handler("tests.crash")
def crash(job):
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_job_runs_to_done_with_progress(run_jobs):
    job = jobs.enqueue("tests.count", label="Compter", params={"total": 5})
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.result == {"lignes": 5}


@pytest.mark.django_db
def test_job_error_message_is_kept(run_jobs):
    job = jobs.enqueue("tests.count", params={"total": 5, "fail_at": 3})
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == "Ligne 3 illisible."
    assert job.done == 3


@pytest.mark.django_db
def test_unexpected_crash_fails_with_french_message(run_jobs):
    job = jobs.enqueue("tests.crash")
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Erreur inattendue" in job.message


@pytest.mark.django_db
def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        jobs.enqueue("n'existe pas")


@pytest.mark.django_db
def test_stale_jobs_are_resumed_or_failed(django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(minutes=10)
    resumable = Job.objects.create(
        kind="tests.count",
        label="r",
        params={"total": 4},
        status=Job.Status.RUNNING,
        state={"next": 2},
        done=2,
        heartbeat_at=old,
        attempts=1,
    )
    other = Job.objects.create(kind="tests.crash", label="c", status=Job.Status.RUNNING, heartbeat_at=old)
    fresh = Job.objects.create(kind="tests.crash", label="f", status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    assert jobs.recover_stale() == (1, 1)
    other.refresh_from_db()
    fresh.refresh_from_db()
    assert other.status == Job.Status.FAILED and "interrompu" in other.message
    assert fresh.status == Job.Status.RUNNING
    jobs.run_pending()
    resumable.refresh_from_db()
    assert resumable.status == Job.Status.DONE and resumable.done == 4 and resumable.attempts == 2


@pytest.mark.django_db
def test_job_page_json(world, login):
    job = Job.objects.create(kind="tests.count", label="x", owner=world.users["chef"], done=3, total=12)
    response = login(world.users["chef"]).get(job.get_absolute_url(), HTTP_ACCEPT="application/json")
    assert response.json()["percent"] == 25


@pytest.mark.django_db
def test_a_job_this_worker_runs_is_never_recovered_even_without_heartbeat(monkeypatch):
    # SQLite: a long import holds the write lock, so the heartbeat thread cannot write; the job is still alive.
    old = timezone.now() - timedelta(minutes=10)
    job = Job.objects.create(kind="tests.crash", label="import long", status=Job.Status.RUNNING, heartbeat_at=old)
    monkeypatch.setattr(jobs, "RUNNING_HERE", {str(job.pk)})
    assert jobs.recover_stale() == (0, 0)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
