"""Background jobs: long work with a progress bar, on the django-tasks database queue.

Usage from a module:

    from quartiers.core import jobs

    @jobs.handler("geocoding.batch")
    def run_batch(job):            # called in the worker, inside no transaction
        for i, row in enumerate(rows_from(job.state.get("next_row", 0))):
            ...
            job.progress(i + 1, total, state={"next_row": i + 1})   # saves, heartbeats
        job.finish(result={"trouvees": 10}, result_file="media/relative/path.csv")

    job = jobs.enqueue("geocoding.batch", owner=request.user, label="Géocodage de f.csv", params={...})
    return redirect(job)            # the job page refreshes itself until done

A handler raising `jobs.JobError("message en français")` fails the job with that message; any
other exception fails it with a generic message (the traceback goes to the logs).
A worker killed mid-job (even `kill -9`) leaves it `en_cours` with a heartbeat that stops: while a job runs,
a thread of its worker refreshes `heartbeat_at` every `stale_after() / 4`, whatever the handler does. Every
worker runs `recover_stale()` when it starts and then every `stale_after() / 2`: a job whose heartbeat is
older than `stale_after()` (settings.JOBS_STALE_SECONDS) is re-queued when its handler is `resumable` (it
continues from `job.state`) and marked failed otherwise — never left « en cours ». A handler that is not
resumable must write in one transaction, so that a killed run leaves nothing half-written.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from quartiers.core.models import Job

log = logging.getLogger(__name__)
HANDLERS = {}
# Jobs this process is running: alive by definition, even when SQLite's write lock (held by a long import)
# keeps their heartbeat from being written.
RUNNING_HERE = set()


def stale_after():
    return timedelta(seconds=getattr(settings, "JOBS_STALE_SECONDS", 120))


class JobError(Exception):
    """A failure to show to the user as is (French)."""


def handler(kind, resumable=False):
    def register(func):
        func.resumable = resumable
        HANDLERS[kind] = func
        return func

    return register


def _progress(self, done, total=None, state=None, message=None):
    self.done = done
    if total is not None:
        self.total = total
    if state is not None:
        self.state = state
    if message is not None:
        self.message = message
    self.heartbeat_at = timezone.now()
    self.save(update_fields=["done", "total", "state", "message", "heartbeat_at"])


def _finish(self, result=None, result_file="", message=""):
    self.status = Job.Status.DONE
    self.result = result or {}
    self.result_file = result_file
    self.message = message
    self.finished_at = timezone.now()
    self.save()


def _get_absolute_url(self):
    # A module may show its own job page (e.g. a batch with its download link) via params["detail_url"].
    url_name = (self.params or {}).get("detail_url")
    return reverse(url_name, args=[self.pk]) if url_name else reverse("core:job_detail", args=[self.pk])


Job.progress = _progress
Job.finish = _finish
Job.get_absolute_url = _get_absolute_url


def enqueue(kind, owner=None, label="", params=None):
    if kind not in HANDLERS:
        raise ValueError(f"type de tâche inconnu : {kind}")
    job = Job.objects.create(kind=kind, owner=owner, label=label or kind, params=params or {})
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


@task()
def run_job(job_id):
    _load_handlers()
    now = timezone.now()
    # Claim the job: only a queued one, and only once (two workers, or a duplicate task, never run it twice).
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, attempts=F("attempts") + 1, started_at=Coalesce("started_at", now), heartbeat_at=now
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    RUNNING_HERE.add(str(job.pk))
    try:
        with _Heartbeat(job.pk):
            _run(job)
    finally:
        RUNNING_HERE.discard(str(job.pk))


def _run(job):
    func = HANDLERS.get(job.kind)
    try:
        if func is None:
            raise JobError(f"Type de tâche inconnu : {job.kind}.")
        func(job)
        job.refresh_from_db(fields=["status"])
        if job.status == Job.Status.RUNNING:
            job.finish(result=job.result)
    except JobError as exc:
        _fail(job, str(exc))
    except Exception:
        log.exception("job %s failed", job.pk)
        _fail(
            job,
            "Erreur inattendue pendant le traitement ; l'équipe technique a été prévenue par les journaux.",
        )


def _fail(job, message):
    job.status = Job.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])


class _Heartbeat:
    """Refreshes the job's heartbeat from a thread while the handler works, so only a dead worker goes stale."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self):
        self.thread.start()

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def _beat(self):
        interval = max(0.5, stale_after().total_seconds() / 4)
        try:
            while not self.stop.wait(interval):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    log.warning("battement de la tâche %s non écrit (base occupée), nouvel essai", self.job_id)
        finally:
            connection.close()  # this thread's own connection


def recover_stale(now=None):
    """Jobs left running by a dead worker: resume the resumable ones, fail the others. Never lose one."""
    _load_handlers()
    now = now or timezone.now()
    cutoff = now - stale_after()
    resumed = failed = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff).exclude(pk__in=RUNNING_HERE):
        func = HANDLERS.get(job.kind)
        # Conditional updates: another worker recovering at the same moment cannot resume the job twice.
        still_stale = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
        if func is not None and getattr(func, "resumable", False) and job.attempts < 3:
            if still_stale.update(status=Job.Status.QUEUED, message="Reprise après l'arrêt du traitement."):
                run_job.enqueue(str(job.pk))
                resumed += 1
        elif still_stale.update(
            status=Job.Status.FAILED,
            message="Le traitement a été interrompu (arrêt du serveur) ; rien n'a été enregistré, relancez-le.",
            finished_at=now,
        ):
            failed += 1
    return resumed, failed


def watch_stale(stop):
    """Run by each worker in a thread: recover the jobs of dead workers until `stop` is set."""
    interval = max(1.0, stale_after().total_seconds() / 2)
    while not stop.wait(interval):
        try:
            resumed, failed = recover_stale()
            if resumed or failed:
                log.warning("tâches interrompues : %s reprise(s), %s marquée(s) en échec", resumed, failed)
        except DatabaseError:
            log.exception("reprise des tâches interrompues impossible pour l'instant")
    connection.close()


def _load_handlers():
    # Handlers live in each app's `jobs` module; import them so the worker knows every kind.
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        if config.name.startswith("quartiers."):
            try:
                import_module(f"{config.name}.jobs")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.jobs":
                    raise


def run_pending():
    """Run every queued job inline (tests, and `quartiers demo` when no worker runs). Returns how many ran."""
    ran = 0
    for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("created_at").values_list("pk", flat=True):
        run_job.call(str(job_id))
        ran += 1
    return ran
