"""Exports of everything as background jobs: the worker writes the file, its page shows progress and the link.

An app declares what may be exported in full, in its `jobs.py` (the worker imports every app's `jobs`):

    from quartiers.core import export_jobs

    @export_jobs.exportable("gup.signalements", "Signalements GUP", basename="signalements",
                            filters=("statut", "q"))
    def reports(user, filters):
        # Runs in the worker, as the requester: the permission filter is applied here, every time.
        return Report.objects.visible_to(user).filter(...), COLUMNS

The page offers a form posting `export` (the name), `format` (csv | xlsx) and the current filters to
`core:export_start`; the job then runs `build(requester, filters)` and writes the same file as
`exports.export_response` (French Excel CSV or XLSX, cells neutralised) under MEDIA_ROOT/exports/<job>/.
Only the requester (and the administrators) may open the job page and download the file; files are
deleted `RETENTION` after the job ends (`purge_expired`, run whenever an export starts or its page loads).
"""

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from quartiers.core import jobs
from quartiers.core.exports import FORMATS, unknown_format, write_csv, write_xlsx
from quartiers.core.models import Job
from quartiers.core.permissions import authorize

JOB_KIND = "core.export"
RETENTION = timedelta(days=7)
PROGRESS_EVERY = 500  # rows between two progress saves: a save is a query
STREAM_ABOVE = 1024 * 1024  # bytes: a smaller file is sent in one piece
CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORTABLES = {}


@dataclass(frozen=True)
class Exportable:
    name: str
    label: str
    basename: str
    filters: tuple
    build: object


def exportable(name, label, basename=None, filters=()):
    """Register `build(user, filters) -> (objects, columns)` as the full export `name`."""

    def register(build):
        EXPORTABLES[name] = Exportable(name, label, basename or name.replace(".", "-"), tuple(filters), build)
        return build

    return register


def root():
    return Path(settings.MEDIA_ROOT) / "exports"


# ---- starting an export ----


def start(user, name, fmt, filters):
    """Queue the export `name` for `user`; returns the Job. Raises Http404 for an unknown export."""
    jobs._load_handlers()  # the exportables are registered by each app's jobs module
    spec = EXPORTABLES.get(name)
    if spec is None:
        raise Http404("Export inconnu.")
    kept = {key: filters.get(key, "") for key in spec.filters if filters.get(key)}
    purge_expired()
    return jobs.enqueue(
        JOB_KIND,
        owner=user,
        label=f"Export : {spec.label} ({fmt.upper()})",
        params={"export": name, "format": fmt, "filters": kept, "detail_url": "core:export_detail"},
    )


@require_POST
def export_start(request):
    authorize(request.user, "view", None)  # anonymous: to the login page
    fmt = (request.POST.get("format") or "csv").lower()
    if fmt not in FORMATS:
        return unknown_format(fmt, FORMATS)
    job = start(request.user, request.POST.get("export", ""), fmt, request.POST)
    return redirect(job)


# ---- the job ----


@jobs.handler(JOB_KIND)
def run_export(job):
    """Not resumable: the file is written to a `.part` and renamed at the end, so a killed run leaves no file."""
    params = job.params
    spec = EXPORTABLES.get(params.get("export"))
    if spec is None:
        raise jobs.JobError("Cet export n'existe plus ; relancez-le depuis la liste.")
    if job.owner is None or not job.owner.is_active:
        raise jobs.JobError("Le demandeur de cet export n'a plus de compte actif.")
    objects, columns = spec.build(job.owner, params.get("filters") or {})
    total = objects.count() if isinstance(objects, QuerySet) else len(objects)
    if isinstance(objects, QuerySet):
        objects = objects.iterator(chunk_size=2000)
    job.progress(0, total, message=f"0 ligne écrite sur {total}.")
    folder = root() / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{spec.basename}.{params['format']}"
    partial = final.with_name(final.name + ".part")

    def on_row(n):
        if n % PROGRESS_EVERY == 0:
            job.progress(n, total, message=f"{n} lignes écrites sur {total}.")

    if params["format"] == "xlsx":
        write_xlsx(partial, objects, columns, title=spec.basename, on_row=on_row)
    else:
        with open(partial, "w", encoding="utf-8-sig", newline="") as fh:
            write_csv(fh, objects, columns, on_row=on_row)
    os.replace(partial, final)
    job.progress(total, total)
    job.finish(
        result={"lignes": total, "fichier": final.name},
        result_file=str(final.relative_to(settings.MEDIA_ROOT)),
        message=f"{total} ligne{'s' if total > 1 else ''} exportée{'s' if total > 1 else ''}.",
    )


# ---- the page and the download ----


def _job_for(user, pk):
    """The requester's export job (or any, for an administrator); 403 for someone else's."""
    authorize(user, "view", None)
    job = get_object_or_404(Job, pk=pk, kind=JOB_KIND)
    if not Job.objects.visible_to(user).filter(pk=job.pk).exists():
        raise PermissionDenied
    return job


def result_path(job):
    if job.status != Job.Status.DONE or not job.result_file:
        return None
    path = Path(settings.MEDIA_ROOT) / job.result_file
    return path if path.is_file() else None


def expires_at(job):
    return job.finished_at + RETENTION if job.finished_at else None


@require_safe
def export_detail(request, pk):
    job = _job_for(request.user, pk)
    purge_expired()
    path = result_path(job)
    context = {"job": job, "filename": path.name if path else "", "expires_at": expires_at(job)}
    return render(request, "core/export_detail.html", context)


@require_safe
def export_download(request, pk):
    job = _job_for(request.user, pk)
    path = result_path(job)
    if path is None:
        raise Http404("Fichier indisponible : export non terminé ou supprimé après 7 jours.")
    ctype = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    if path.stat().st_size > STREAM_ABOVE:
        return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name, content_type=ctype)  # noqa: SIM115
    response = HttpResponse(path.read_bytes(), content_type=ctype)
    response["Content-Disposition"] = content_disposition_header(True, path.name)
    return response


def purge_expired(now=None):
    """Delete the folders of exports that ended more than RETENTION ago (or whose job is gone). Returns how many."""
    folder = root()
    if not folder.exists():
        return 0
    cutoff = (now or timezone.now()) - RETENTION
    names = {p.name for p in folder.iterdir() if p.is_dir()}
    recent = Q(finished_at__isnull=True) | Q(finished_at__gte=cutoff)
    live = {str(pk) for pk in Job.objects.filter(recent, pk__in=_uuids(names)).values_list("pk", flat=True)}
    removed = 0
    for name in names - live:
        shutil.rmtree(folder / name, ignore_errors=True)
        removed += 1
    return removed


def _uuids(names):
    out = []
    for name in names:
        try:
            out.append(uuid.UUID(name))
        except ValueError:
            continue
    return out
