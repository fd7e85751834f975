"""The QPV share of a bilan's beneficiaries, from an address list that is never kept.

The carrier uploads the list (`start`): it is checked (`core.filetypes.check_upload`) and written to a temporary
folder of its own under MEDIA_ROOT/programmation-qpv/, and a background job is queued. The job (`run`, kind
`programming.part_qpv`) reads it with `core.tabular.read_table`, has the eligibility module count the addresses
(`eligibility.hooks.count_in_qpv`: in a QPV, outside, indéterminé) and deletes the folder at the end — on success
and on failure. Only the three counts and the date are kept on the bilan; the job's params, state, result and
message hold no address. Not resumable: a worker killed mid-list fails the job (the counts are saved in one
transaction at the end, so nothing is half-written) and any folder left behind is purged after 24 hours.
"""

import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quartiers.core import filetypes, jobs
from quartiers.core.audit import record
from quartiers.core.models import Job
from quartiers.core.permissions import authorize
from quartiers.core.tabular import TabularError, read_table
from quartiers.eligibility import hooks as eligibility

from .bilans_services import check_open
from .models import Application, Report

QPV_JOB = "programming.part_qpv"
QPV_FOLDER = "programmation-qpv"
QPV_RETENTION_SECONDS = 24 * 3600


def qpv_root():
    return Path(settings.MEDIA_ROOT) / QPV_FOLDER


def start(user, application, uploaded, columns):
    """Keep the uploaded list only in a job's temporary folder and queue the job; returns the job."""
    application = Application.objects.select_related("call").get(pk=application.pk)
    # The carrier writes its bilan (`create` on a bilan: `contribute` on the dossier), whether it exists yet or not.
    authorize(user, "create", Report(application=application))
    check_open(application)
    kind = filetypes.check_upload(uploaded, purpose="tableau")
    purge_qpv_uploads()
    token = str(uuid.uuid4())
    folder = qpv_root() / token
    folder.mkdir(parents=True)
    source = folder / ("liste.xlsx" if kind is filetypes.XLSX else "liste.csv")
    columns = {k: (v or "").strip()[:200] for k, v in columns.items() if (v or "").strip()}
    try:
        with open(source, "wb") as fh:
            for chunk in uploaded.chunks():
                fh.write(chunk)
        job = jobs.enqueue(
            QPV_JOB,
            owner=user,
            label=f"Part QPV des bénéficiaires — {application.title}"[:200],
            params={"application": application.pk, "token": token, "file": source.name, "columns": columns},
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    record(user, "bilan : liste d'adresses déposée pour la part QPV", application, {"tache": str(job.pk)})
    return job


def last_job(user, application):
    """The latest QPV-share job of this dossier the user may see (its owner's, or an administrator's), or None."""
    jobs_seen = Job.objects.visible_to(user).filter(kind=QPV_JOB, params__application=application.pk)
    return jobs_seen.order_by("-created_at").first()


def qpv_folder(token):
    return qpv_root() / str(uuid.UUID(str(token)))


def purge_qpv_uploads(now=None):
    """Delete every waiting list older than QPV_RETENTION_SECONDS (a job that never ran, a worker killed)."""
    now = now or time.time()
    root = qpv_root()
    if not root.exists():
        return 0
    removed = 0
    for entry in root.iterdir():
        if now - entry.stat().st_mtime > QPV_RETENTION_SECONDS:
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


def save_qpv_counts(user, application_pk, counts):
    """Keep the three counts (and the date) on the bilan: nothing else of the list."""
    with transaction.atomic():
        application = Application.objects.get(pk=application_pk)
        report, _ = Report.objects.select_for_update().get_or_create(application=application)
        report.qpv_inside, report.qpv_outside = counts.inside, counts.outside
        report.qpv_undetermined, report.qpv_computed_at = counts.undetermined, timezone.now()
        report.save()
        record(
            user,
            "bilan : part QPV calculée",
            application,
            {"en_qpv": counts.inside, "hors_qpv": counts.outside, "indetermine": counts.undetermined},
        )
    return report


def choose_columns(headers, chosen):
    """The user's column choice, completed by the usual French names; a French error when no address column.
    The messages never quote the headers: in a file without a header row, they would be an address."""
    unknown = [name for name in chosen.values() if name not in headers]
    if unknown:
        raise jobs.JobError(
            f"Colonne introuvable dans le fichier : « {unknown[0]} » (le nom doit être celui de la ligne d'en-têtes, "
            "à l'identique). Aucun décompte n'a été enregistré et la liste a été supprimée."
        )
    mapping = {**eligibility.detect_address_columns(headers), **chosen} if not chosen.get("adresse") else dict(chosen)
    if not mapping.get("adresse"):
        raise jobs.JobError(
            "Aucune colonne d'adresse reconnue : indiquez son nom dans le formulaire (le fichier a-t-il une ligne "
            "d'en-têtes ?). Aucun décompte n'a été enregistré et la liste a été supprimée."
        )
    return mapping


@jobs.handler(QPV_JOB)
def run(job):
    params = job.params
    folder = qpv_folder(params["token"])
    try:
        path = folder / params["file"]
        if not path.exists():
            raise jobs.JobError("La liste déposée n'existe plus (supprimée après 24 h) : déposez-la à nouveau.")
        try:
            table = read_table(path)
        except TabularError as error:
            raise jobs.JobError(f"{error} Aucun décompte n'a été enregistré.") from None
        mapping = choose_columns(table.headers, params.get("columns") or {})
        rows = [row for _number, row, _ragged in table.rows()]
        total = len(rows)
        if not total:
            raise jobs.JobError("Le fichier ne contient aucune ligne d'adresse.")

        def progress(done):
            job.progress(done, total, message=f"{done} adresses traitées sur {total}.")

        progress(0)
        counts = eligibility.count_in_qpv(rows, mapping, on_progress=progress)
        del rows, table
        save_qpv_counts(job.owner, params["application"], counts)
        job.finish(
            result={
                "en_qpv": counts.inside,
                "hors_qpv": counts.outside,
                "indetermine": counts.undetermined,
                "commandes": counts.commands(),
            },
            message=_summary(counts),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _summary(counts):
    text = (
        f"{counts.total} adresses : {counts.inside} en QPV, {counts.outside} hors QPV, "
        f"{counts.undetermined} indéterminée(s). La liste a été supprimée."
    )
    commands = counts.commands()
    if commands:
        text += " Pour déterminer les adresses indéterminées : " + ", ".join(f"« {c} »" for c in commands) + "."
    return text
