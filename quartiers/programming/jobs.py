"""Background jobs of the programming (loaded by the worker through `quartiers.core.jobs`).

`programming.part_qpv`: the QPV share of a bilan's beneficiaries. The uploaded address list is read here, its
addresses counted by the eligibility module (`eligibility.hooks.count_in_qpv`), and the file deleted at the end —
on success and on failure. Only the three counts and the date are kept on the bilan; the job's params, state,
result and message hold no address. Not resumable: a worker killed mid-list fails the job (nothing half-written:
the counts are saved in one transaction at the end) and the list is purged after 24 hours at most.
"""

import shutil

from quartiers.core import jobs
from quartiers.core.tabular import TabularError, read_table
from quartiers.eligibility import hooks as eligibility

from .bilans_services import QPV_JOB, qpv_folder, save_qpv_counts


def choose_columns(headers, chosen):
    """The user's column choice, completed by the usual French names; a French error when no address column."""
    unknown = [name for name in chosen.values() if name not in headers]
    if unknown:
        raise jobs.JobError(
            f"Colonne introuvable dans le fichier : « {unknown[0]} ». Colonnes lues : {', '.join(headers)[:300]}."
        )
    mapping = {**eligibility.detect_address_columns(headers), **chosen} if not chosen.get("adresse") else dict(chosen)
    if not mapping.get("adresse"):
        raise jobs.JobError(
            "Aucune colonne d'adresse reconnue : choisissez-la dans le formulaire (colonnes lues : "
            f"{', '.join(headers)[:300]})."
        )
    return mapping


@jobs.handler(QPV_JOB)
def qpv_share(job):
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
