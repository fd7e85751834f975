from quartiers.core import jobs
from tests.permission_matrix import LOGIN, PUBLIC, Case, expect


def _job_of_chef(w):
    jobs.HANDLERS.setdefault("tests.noop", lambda job: None)
    return [jobs.Job.objects.create(kind="tests.noop", label="Test", owner=w.users["chef"]).pk]


CASES = [
    Case("core:health", PUBLIC),
    Case("core:openapi", PUBLIC),
    Case("api:openapi-json", PUBLIC),
    Case("api:docs", PUBLIC),
    Case("api:api-root", expect(302, 302, 302, 302, 302, 302)),
    Case("core:job_detail", expect(LOGIN, 404, 404, 404, 200, 200), args=_job_of_chef),
]


def _export_of_chef(w):
    """A finished « export of everything » of the chef's, with its file on disk."""
    from django.conf import settings
    from django.utils import timezone

    from quartiers.core import export_jobs

    job = jobs.Job.objects.create(
        kind=export_jobs.JOB_KIND,
        label="Export : test",
        owner=w.users["chef"],
        status=jobs.Job.Status.DONE,
        params={"export": "territories.qpv_indicateurs", "format": "csv", "detail_url": "core:export_detail"},
        finished_at=timezone.now(),
    )
    path = export_jobs.root() / str(job.pk) / "qpv.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\ufeffCode\r\n".encode())
    job.result_file = str(path.relative_to(settings.MEDIA_ROOT))
    job.save(update_fields=["result_file"])
    return [job.pk]


# An export's page and file are its requester's (and the administrators'): 403 for anyone else.
CASES += [
    Case("core:export_detail", expect(LOGIN, 403, 403, 403, 200, 200), args=_export_of_chef),
    Case("core:export_download", expect(LOGIN, 403, 403, 403, 200, 200), args=_export_of_chef),
    Case(
        "core:export_start",
        expect(LOGIN, 302, 302, 302, 302, 302),
        method="post",
        data={"export": "territories.qpv_indicateurs", "format": "xlsx"},
    ),
]
