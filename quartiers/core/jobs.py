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
A worker killed mid-job leaves it `en_cours`; `recover_stale()` (run when a worker starts) re-queues
jobs whose handler is `resumable` (they continue from `job.state`) and marks the others failed.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from quartiers.core.models import Job

log = logging.getLogger(__name__)
HANDLERS = {}
STALE_AFTER = timedelta(minutes=2)


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
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    _load_handlers()
    func = HANDLERS.get(job.kind)
    job.status = Job.Status.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or timezone.now()
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
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


def recover_stale(now=None):
    """Jobs left running by a dead worker: resume the resumable ones, fail the others. Never lose one."""
    _load_handlers()
    now = now or timezone.now()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    resumed = failed = 0
    for job in stale:
        func = HANDLERS.get(job.kind)
        if func is not None and getattr(func, "resumable", False) and job.attempts < 3:
            job.status = Job.Status.QUEUED
            job.message = "Reprise après l'arrêt du traitement."
            job.save(update_fields=["status", "message"])
            run_job.enqueue(str(job.pk))
            resumed += 1
        else:
            _fail(job, "Le traitement a été interrompu (arrêt du serveur) ; relancez-le.")
            failed += 1
    return resumed, failed


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
