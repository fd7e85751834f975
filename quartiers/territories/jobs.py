"""Background imports of reference files uploaded by an administrator (loaded by `quartiers.core.jobs`)."""

from pathlib import Path

from quartiers.core import jobs
from quartiers.territories import exports, importers  # noqa: F401  (exports registers « tout »)


@jobs.handler("territories.import")
def run_import(job):
    params = job.params
    path = Path(params["path"])
    if not path.exists():
        raise jobs.JobError("Le fichier déposé n'existe plus ; déposez-le à nouveau.")
    job.progress(0, 1, message=f"Import de {params['name']} en cours…")
    try:
        if params["kind"] == "qpv":
            generation = int(params["generation"]) if params.get("generation") else None
            report = importers.import_qpv(path, generation, filename=params["name"], source_label=params.get("source"))
        else:
            report = importers.import_indicateurs(path, filename=params["name"], source_label=params.get("source", ""))
    except importers.ImportFailure as exc:
        raise jobs.JobError(str(exc)) from None
    finally:
        path.unlink(missing_ok=True)
    job.progress(1, 1)
    job.finish(result={"compte_rendu": report.lines(limit=200)}, message=" ".join(report.lines(limit=5)))
