"""Importing members from a spreadsheet: upload → preview (a dry run, the file kept in the session) → confirm."""

import base64

from django.shortcuts import render

from quartiers.network import importers
from quartiers.network.forms import MemberImportForm

from ._common import get_network

IMPORT_SESSION_KEY = "network_member_import"


def _confirm(request, network, pending):
    """Import the file kept in the session for real; returns (report, error)."""
    if not pending:
        return None, "Aucun fichier en attente : déposez de nouveau le fichier."
    request.session.pop(IMPORT_SESSION_KEY, None)
    data = base64.b64decode(pending["data"])
    try:
        return importers.import_members(network, data, request.user, filename=pending["name"]), None
    except importers.ImportFileError as exc:
        return None, str(exc)


def _preview(request, network, form):
    """Dry-run the uploaded file and keep it in the session for the confirmation; returns (report, pending)."""
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        report = importers.import_members(network, data, request.user, filename=upload.name, dry_run=True)
    except importers.ImportFileError as exc:
        form.add_error("file", str(exc))
        return None, None
    pending = {"network": network.pk, "name": upload.name, "data": base64.b64encode(data).decode()}
    request.session[IMPORT_SESSION_KEY] = pending
    return report, pending


def member_import(request, slug):
    network = get_network(request, slug, "change")
    form = MemberImportForm()
    report = error = None
    pending = request.session.get(IMPORT_SESSION_KEY)
    if pending and pending.get("network") != network.pk:
        pending = None
    if request.method == "POST" and request.POST.get("confirmer"):
        report, error = _confirm(request, network, pending)
        pending = None
    elif request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            report, pending = _preview(request, network, form)
    return render(
        request,
        "network/member_import.html",
        {
            "network": network,
            "form": form,
            "report": report,
            "error": error,
            "pending_name": pending["name"] if pending and report and report.dry_run else "",
        },
    )
