"""Open data and import pages of the programming: the SCDL « subventions » files per financer and year, and the
import of an existing programming (upload → preview and column mapping → report, rejected rows as CSV)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_safe

from quartiers.core import exports
from quartiers.core.permissions import authorize

from .. import import_files, importer, scdl
from ..import_forms import MappingForm, UploadForm, importable_contracts, initial_from
from ..models import Call

PREVIEW_ROWS = 5


@require_safe
def opendata(request):
    """The subsidies the user may publish, per financer and year, with those that cannot be published and why."""
    authorize(request.user, "view", Call)
    found = scdl.publications(request.user)
    fmt = request.GET.get("format")
    if fmt:
        return exports.export_response(scdl.refusal_rows(found), scdl.LIST_COLUMNS, "subventions-scdl-etat", fmt)
    return render(
        request,
        "programming/opendata/index.html",
        {
            "publications": found,
            "refused": [(p, f, reason) for p in found for f, reason in p.refused],
            "version": scdl.SCHEMA_VERSION,
            "can_import": bool(importable_contracts(request.user)),
        },
    )


@require_safe
def scdl_file(request, organisation, year):
    authorize(request.user, "view", Call)
    found = scdl.publication(request.user, organisation, year)
    if found is None or not found.rows:
        raise Http404("Aucune subvention publiable pour ce financeur et cette année.")
    response = HttpResponse(scdl.csv_text(found.rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


def import_upload(request):
    """Step 1: the contract and the file (checked, read once, kept on disk for the mapping)."""
    contracts = importable_contracts(request.user)
    if not contracts:
        authorize(request.user, "create", Call)  # anonymous → login page
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = import_files.save(request.user, form.cleaned_data["contract"], upload.name, form.data_bytes)
        return redirect("programming:import_mapping", token=token)
    return render(request, "programming/opendata/import_upload.html", {"form": form})


def _pending(request, token):
    authorize(request.user, "view", Call)  # anonymous → login page; the file itself is its uploader's
    pending = import_files.load(request.user, token)
    if pending is None:
        raise Http404("Ce fichier n'existe pas ou a été déposé par quelqu'un d'autre.")
    meta, data = pending
    contract = {c.pk: c for c in importable_contracts(request.user)}.get(meta["contract"])
    if contract is None:
        raise PermissionDenied
    try:
        table = importer.read(data, meta["filename"])
    except importer.ImportFileError as error:
        raise Http404(str(error)) from None
    return meta, data, contract, table


def _remembered(meta, headers):
    saved = meta.get("mapping")
    if not saved:
        return importer.guess_mapping(headers)
    financers = {int(pk): column for pk, column in saved.get("financers", {}).items()}
    return importer.Mapping(saved.get("columns", {}), financers, saved.get("default_year"))


def import_mapping(request, token):
    """Step 2: the first rows, each of our fields chosen among the file's columns, then preview or import."""
    meta, data, contract, table = _pending(request, token)
    report = error = None
    if request.method == "POST":
        form = MappingForm(request.POST, headers=table.headers)
        if form.is_valid():
            report, error = _run(request, token, meta, data, contract, form)
            if report and report.written:
                messages.success(request, report.summary())
    else:
        form = MappingForm(headers=table.headers, initial=initial_from(_remembered(meta, table.headers)))
    preview = [[row.get(h, "") for h in table.headers] for _, row, _ in list(table.rows())[:PREVIEW_ROWS]]
    return render(
        request,
        "programming/opendata/import_mapping.html",
        {
            "form": form,
            "token": token,
            "filename": meta["filename"],
            "contract": contract,
            "headers": table.headers,
            "preview": preview,
            "rows": len(table),
            "notes": table.notes(),
            "report": report,
            "error": error,
        },
    )


def _run(request, token, meta, data, contract, form):
    """Preview (dry run) or import; returns (report, error). The mapping and rejected rows are kept by the file."""
    mapping = form.mapping()
    import_files.remember(
        token,
        "mapping",
        {"columns": mapping.columns, "financers": mapping.financers, "default_year": mapping.default_year},
    )
    try:
        report = importer.import_programming(
            contract,
            data,
            mapping,
            actor=request.user,
            filename=meta["filename"],
            valid_only=form.cleaned_data["valid_only"],
            dry_run=request.POST.get("action") != "importer",
        )
    except importer.ImportFileError as exc:
        return None, str(exc)
    rejected = [{"line": r.line, "label": r.label, "reason": r.reason, "values": r.values} for r in report.rejected]
    import_files.remember(token, "rejected", rejected)
    return report, None


@require_safe
def import_rejected(request, token):
    """The rejected rows of the last preview or import, with their reason and their cells, to correct them."""
    meta, _data, _contract, table = _pending(request, token)
    rows = meta.get("rejected", [])
    columns = [("Ligne", "line"), ("Motif du rejet", "reason")] + [
        (header, lambda r, h=header: r["values"].get(h, "")) for header in table.headers
    ]
    return exports.export_response(rows, columns, "programmation-lignes-rejetees", request.GET.get("format"))


urlpatterns = [
    path("donnees-ouvertes/", opendata, name="opendata"),
    path("donnees-ouvertes/<int:organisation>/<int:year>/subventions.csv", scdl_file, name="scdl_file"),
    path("import/", import_upload, name="import"),
    path("import/<uuid:token>/", import_mapping, name="import_mapping"),
    path("import/<uuid:token>/rejets/", import_rejected, name="import_rejected"),
]
