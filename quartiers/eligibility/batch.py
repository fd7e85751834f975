"""Batch eligibility: uploaded files, the background job that writes the result, and the 24-hour purge.

Personal data: an uploaded file and its result live under MEDIA_ROOT/eligibilite/<jeton>/ only until the
result is downloaded or for `RETENTION` at most (`purge_expired`, run when a batch page loads and when a
job starts). A result is written to `resultat.csv.part` and renamed `resultat.csv` only once every row is
done: a partial file is never offered for download.
"""

import json
import os
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404

from quartiers.core import filetypes, jobs
from quartiers.core.models import Job
from quartiers.core.permissions import is_admin
from quartiers.core.tabular import TabularError
from quartiers.eligibility import answers
from quartiers.eligibility.files import CsvOut, StreamTable, as_row

# The kind is stored in the jobs table (queued and past jobs): it keeps the name it had before the app split.
JOB_KIND = "geocoding.eligibilite"
RETENTION = timedelta(hours=24)
CHUNK_ROWS = 500
RESULT_NAME = "resultat.csv"


def max_upload_bytes():
    return filetypes.max_size("tableau")


def root():
    return Path(settings.MEDIA_ROOT) / "eligibilite"


def batch_dir(token):
    try:
        token = str(uuid.UUID(str(token)))
    except ValueError:
        raise Http404 from None
    return root() / token


# ---- uploads ----


def save_upload(uploaded, owner):
    """Store an uploaded file, read its headers and count its rows. Raises TabularError (French)."""
    size = getattr(uploaded, "size", 0) or 0
    if size > max_upload_bytes():
        raise TabularError(too_big_message(size))
    if size == 0:
        raise TabularError("Le fichier est vide.")
    try:  # the one upload rule again (the form checked it; the API and scripts call this service too)
        kind = filetypes.check_upload(uploaded, purpose="tableau")
    except ValidationError as error:
        raise TabularError(error.messages[0]) from None
    token = str(uuid.uuid4())
    folder = root() / token
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".xlsx" if kind is filetypes.XLSX else ".csv"  # the content decides
    source = folder / f"source{suffix}"
    try:
        with open(source, "wb") as fh:
            for chunk in uploaded.chunks():
                fh.write(chunk)
        table = StreamTable(source)
        rows = table.count()
        if rows == 0:
            raise TabularError("Le fichier ne contient que la ligne d'en-têtes : aucune adresse à traiter.")
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    meta = {
        "owner": owner.pk,
        "filename": Path(uploaded.name).name[:200],
        "source": source.name,
        "size": size,
        "rows": rows,
        "headers": table.headers,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "created": time.time(),
        **_reading(table),
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return token, meta


def _reading(table):
    """How the file was read, kept in the metadata and shown on the mapping page."""
    return {"header_line": table.header_line, "title_lines": table.title_lines[:5], "nul_bytes": table.nul_bytes}


def set_header_line(token, meta, header_line):
    """The user chose the header row in the preview: read the headers there, count the rows again."""
    table = StreamTable(
        batch_dir(token) / meta["source"], delimiter=meta.get("delimiter") or None, header_line=header_line
    )
    rows = table.count()
    if rows == 0:
        raise TabularError(f"Aucune ligne sous la ligne {header_line} : choisissez une ligne d'en-têtes plus haute.")
    meta.update(headers=table.headers, rows=rows, **_reading(table))
    (batch_dir(token) / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return meta


def first_lines(token, meta, limit=8):
    """The first lines of the file as they are (title rows included), to choose the header row."""
    table = StreamTable(batch_dir(token) / meta["source"], delimiter=meta.get("delimiter") or None)
    out = []
    for number, values in enumerate(table.raw_records(), start=1):
        out.append((number, values[:12]))
        if number >= limit:
            break
    return out


def too_big_message(size):
    return (
        f"Le fichier pèse {_human_size(size)} : la limite est de {_human_size(max_upload_bytes())} par envoi. "
        "Découpez-le, ou faites-le traiter sur le serveur avec la commande « quartiers eligibilite »."
    )


def load_upload(token, user):
    """The upload's metadata, for its owner or an administrator only (404 otherwise)."""
    folder = batch_dir(token)
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        raise Http404("Fichier introuvable ou déjà supprimé.") from None
    if meta.get("owner") != user.pk and not is_admin(user):
        raise Http404
    return meta


def preview(token, meta, limit=5):
    table = _table(token, meta)
    rows = []
    for _number, values in table.records():
        if not any(v.strip() for v in values):
            continue
        rows.append(as_row(table.headers, values)[0])
        if len(rows) >= limit:
            break
    return [[row.get(h, "") for h in table.headers] for row in rows]


def _table(token, meta):
    return StreamTable(
        batch_dir(token) / meta["source"],
        delimiter=meta.get("delimiter") or None,
        header_line=meta.get("header_line") or None,
    )


def start(token, meta, mapping, generation, user):
    label = f"Éligibilité QPV de « {meta['filename']} »"
    params = {
        "token": token,
        "mapping": mapping,
        "generation": generation,
        "filename": meta["filename"],
        "detail_url": "eligibility:batch_detail",
    }
    job = jobs.enqueue(JOB_KIND, owner=user, label=label[:200], params=params)
    meta["job"] = str(job.pk)
    (batch_dir(token) / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))
    return job


# ---- the job ----


def run(job):
    purge_expired()
    params = job.params
    folder = batch_dir(params["token"])
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise jobs.JobError("Le fichier déposé n'existe plus (supprimé après 24 h) : déposez-le à nouveau.")
    meta = json.loads(meta_path.read_text())
    partial = folder / (RESULT_NAME + ".part")
    state = dict(job.state or {})
    start_row = int(state.get("next_row", 0))
    offset = int(state.get("offset", 0))
    try:
        table = _table(params["token"], meta)
        with open(partial, "r+b" if partial.exists() else "w+b") as fh:
            # Resume: drop whatever was written after the last saved state, then continue from its row.
            fh.truncate(offset if start_row else 0)
            fh.seek(0, os.SEEK_END)

            def on_chunk(done, summary, names):
                state.update(next_row=done, offset=fh.tell(), summary=summary, names=names)
                job.progress(done, meta["rows"], state=state, message=f"{done} lignes traitées sur {meta['rows']}.")

            summary = run_table(
                table,
                params["mapping"],
                params.get("generation"),
                fh,
                start=start_row,
                summary=state.get("summary"),
                names=state.get("names"),
                on_chunk=on_chunk,
            )
    except TabularError as exc:
        partial.unlink(missing_ok=True)
        raise jobs.JobError(f"{exc} Aucun résultat n'a été produit.") from None
    final = folder / RESULT_NAME
    partial.rename(final)
    job.finish(
        result={"summary": summary, "filename": meta["filename"]},
        result_file=str(final.relative_to(settings.MEDIA_ROOT)),
        message=f"{summary['lignes']} lignes traitées.",
    )


def run_table(
    table,
    mapping,
    generation,
    out_fh,
    start=0,
    summary=None,
    names=None,
    on_chunk=None,
    geocoder=None,
    chunk_rows=CHUNK_ROWS,
):
    """Write the result of `table` (a StreamTable) to the binary file `out_fh`; return the summary."""
    writer = CsvOut(out_fh)
    headers = table.headers
    if start == 0:
        writer.header(answers.output_headers(headers))
        writer.flush()
    summary = summary or answers.new_summary()
    names = names or {}
    pending = []
    done = start

    def flush_chunk():
        rows = [r for r, ragged in pending if not ragged]
        results = iter(answers.process_chunk(rows, mapping, generation, geocoder)) if rows else iter(())
        for row, ragged in pending:
            if ragged:
                res = dict.fromkeys(answers.OUTPUT_COLUMNS, "")
                res["statut"] = "ligne_irreguliere"
            else:
                row, res = next(results)
            answers.add_to_summary(summary, res, names)
            cells = [row.get(h, "") for h in headers]
            if ragged:
                cells[-1] = ";".join([cells[-1], *row["\x00extra"]])
            writer.row(cells + [res[c] for c in answers.OUTPUT_COLUMNS])
        writer.flush()
        pending.clear()

    for number, values in table.records():
        if number <= start:
            continue
        done = number
        if not any(v.strip() for v in values):
            continue
        pending.append(as_row(headers, values))
        if len(pending) >= chunk_rows:
            flush_chunk()
            if on_chunk:
                on_chunk(done, summary, names)
    if pending:
        flush_chunk()
    if on_chunk:
        on_chunk(done, summary, names)
    return answers.finish_summary(summary, names)


jobs.handler(JOB_KIND, resumable=True)(run)


# ---- results and the purge ----


def job_for(user, pk):
    job = Job.objects.visible_to(user).filter(pk=pk, kind=JOB_KIND).first()
    if job is None:
        raise Http404
    return job


def result_path(job):
    if job.status != Job.Status.DONE or not job.result_file:
        return None
    path = Path(settings.MEDIA_ROOT) / job.result_file
    return path if path.exists() else None


def take_result(job):
    """Open the result for download and delete the batch folder at once: the open handle still streams it."""
    path = result_path(job)
    if path is None:
        return None
    fh = open(path, "rb")  # noqa: SIM115 - closed by the FileResponse
    shutil.rmtree(path.parent, ignore_errors=True)
    result = dict(job.result)
    result["telecharge"] = True
    Job.objects.filter(pk=job.pk).update(result=result)
    return fh


def purge_expired(now=None):
    """Delete every batch folder older than RETENTION (unless its job is still running). Returns how many."""
    now = now or time.time()
    folder = root()
    if not folder.exists():
        return 0
    running = {
        str(pk) for pk in Job.objects.filter(kind=JOB_KIND, status=Job.Status.RUNNING).values_list("pk", flat=True)
    }
    removed = 0
    for entry in folder.iterdir():
        try:
            meta = json.loads((entry / "meta.json").read_text())
            created = float(meta.get("created", 0))
        except (OSError, ValueError):
            meta, created = {}, entry.stat().st_mtime
        if now - created < RETENTION.total_seconds() or meta.get("job") in running:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def _human_size(size):
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} Go".replace(".", ",")
    if size >= 1024**2:
        return f"{size / 1024**2:.0f} Mo"
    return f"{max(1, size // 1024)} Ko"
