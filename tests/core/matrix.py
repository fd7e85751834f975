from quartiers.core import jobs
from tests.permission_matrix import LOGIN, PUBLIC, Case, expect


def _job_of_chef(w):
    jobs.HANDLERS.setdefault("tests.noop", lambda job: None)
    return [jobs.Job.objects.create(kind="tests.noop", label="Test", owner=w.users["chef"]).pk]


CASES = [
    Case("core:health", PUBLIC),
    Case("core:openapi", PUBLIC),
    Case("core:job_detail", expect(LOGIN, 404, 404, 404, 200, 200), args=_job_of_chef),
]
