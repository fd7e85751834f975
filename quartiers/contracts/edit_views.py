"""Pages that edit a followed contract (tree, information, documents) and correct commitments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import authorize

from . import edits
from .forms import ContractInfoForm, CorrectionForm, DocumentForm, ObjectiveForm, PillarForm, RenameForm
from .models import Measurement, Objective, Pillar
from .views import _add_errors, _contract, _status, _updatable

NODE_MODELS = {"pilier": Pillar, "objectif": Objective}


def _editable_contract(request, pk):
    contract = _contract(request, pk)
    # Contracts have no owner organisation: only chefs de projet of the territory and admins pass.
    authorize(request.user, "change", contract)
    return contract


def _tree(contract):
    strategic = Objective.objects.filter(level=Objective.Level.STRATEGIC).prefetch_related(
        Prefetch("children", queryset=Objective.objects.order_by("order", "title", "pk"))
    )
    return list(
        contract.pillars.order_by("cross_cutting", "order", "title", "pk").prefetch_related(
            Prefetch("objectives", queryset=strategic.order_by("order", "title", "pk"), to_attr="strategic")
        )
    )


@require_safe
def structure(request, pk):
    return _structure_page(request, pk)


def _structure_page(request, pk, forms=None, error=None):
    # Also shown again, with its errors, by the POST views below.
    """The strategic tree with its editing forms (one page, one form per action)."""
    contract = _editable_contract(request, pk)
    pillars = _tree(contract)
    forms = forms or {}
    context = {
        "contract": contract,
        "pillars": pillars,
        "pillar_form": forms.get("pillar") or PillarForm(auto_id="id_pilier_%s"),
        "objective_form": forms.get("objective") or ObjectiveForm(pillars=pillars, auto_id="id_objectif_%s"),
        "rename": forms.get("rename"),
        "error": error,
    }
    return render(request, "contracts/structure.html", context, status=400 if (forms or error) else 200)


@require_POST
def pillar_add(request, pk):
    contract = _editable_contract(request, pk)
    form = PillarForm(request.POST, auto_id="id_pilier_%s")
    if form.is_valid():
        try:
            edits.add_pillar(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Élément ajouté à la structure.")
            return redirect("contracts:structure", pk)
    return _structure_page(request, pk, forms={"pillar": form})


@require_POST
def objective_add(request, pk):
    contract = _editable_contract(request, pk)
    form = ObjectiveForm(request.POST, pillars=_tree(contract), auto_id="id_objectif_%s")
    if form.is_valid():
        try:
            edits.add_objective(request.user, contract, title=form.cleaned_data["title"], **form.target())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Objectif ajouté.")
            return redirect("contracts:structure", pk)
    return _structure_page(request, pk, forms={"objective": form})


def _node(contract, kind, node_pk):
    model = NODE_MODELS.get(kind)
    if model is None:
        raise Http404
    lookup = {"contract": contract} if model is Pillar else {"pillar__contract": contract}
    return get_object_or_404(model, pk=node_pk, **lookup)


def node_rename(request, pk, kind, node_pk):
    contract = _editable_contract(request, pk)
    node = _node(contract, kind, node_pk)
    form = RenameForm(request.POST or None, initial={"title": node.title})
    if request.method == "POST" and form.is_valid():
        try:
            edits.rename_node(request.user, contract, node, form.cleaned_data["title"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Intitulé modifié.")
            return redirect("contracts:structure", pk)
    return render(
        request,
        "contracts/node_form.html",
        {"contract": contract, "node": node, "form": form, "label": edits._label(node)},
        status=_status(form),
    )


@require_POST
def node_move(request, pk, kind, node_pk):
    contract = _editable_contract(request, pk)
    node = _node(contract, kind, node_pk)
    try:
        edits.move_node(request.user, contract, node, request.POST.get("direction", ""))
    except ValidationError as exc:
        return _structure_page(request, pk, error=" ".join(exc.messages))
    messages.success(request, f"« {node.title} » déplacé.")
    return redirect("contracts:structure", pk)


def node_delete(request, pk, kind, node_pk):
    """Confirmation page, then removal — refused while commitments point to the element."""
    contract = _editable_contract(request, pk)
    node = _node(contract, kind, node_pk)
    blocking = list(edits.blocking_commitments(node).select_related("organisation")[:20])
    error = None
    if request.method == "POST":
        try:
            edits.remove_node(request.user, contract, node)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"« {node.title} » supprimé de la structure.")
            return redirect("contracts:structure", pk)
    return render(
        request,
        "contracts/confirm_delete.html",
        {
            "contract": contract,
            "back": reverse("contracts:structure", args=[pk]),
            "title": f"Supprimer {_article(edits._label(node))} « {node.title} »",
            "explanation": "Les objectifs rattachés à cet élément sont supprimés avec lui.",
            "blocking": blocking,
            "error": error,
            "submit": "Supprimer",
        },
        status=400 if error else 200,
    )


def _article(label):
    return f"l'{label}" if label[0] in "aeiou" else f"le {label}"


def contract_edit(request, pk):
    contract = _editable_contract(request, pk)
    initial = {
        "local_pilot": contract.local_pilot,
        "state_pilot": contract.state_pilot,
        "signed_on": contract.signed_on,
        "summary": contract.summary,
        "qpvs": list(contract.qpvs.all()),
    }
    form = ContractInfoForm(request.POST or None, contract=contract, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            edits.update_contract_info(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Contrat mis à jour.")
            return redirect("contracts:detail", pk)
    return render(
        request,
        "contracts/simple_form.html",
        {"contract": contract, "form": form, "title": "Modifier le contrat", "submit": "Enregistrer"},
        status=_status(form),
    )


def document_add(request, pk):
    contract = _editable_contract(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            edits.add_document(
                request.user,
                contract,
                **{k: form.cleaned_data[k] for k in ("title", "published_on")},
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Document ajouté.")
            return redirect("contracts:detail", pk)
    return render(
        request,
        "contracts/simple_form.html",
        {
            "contract": contract,
            "form": form,
            "title": "Ajouter un document",
            "submit": "Déposer le document",
            "multipart": True,
        },
        status=_status(form),
    )


@require_safe
def document_download(request, pk, document_pk):
    contract = _contract(request, pk)
    document = get_object_or_404(contract.documents.exclude(file=""), pk=document_pk)
    with document.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
    return response


def measurement_delete(request, pk, indicator_pk, measurement_pk):
    commitment = _updatable(request, pk)
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator__commitment"),
        pk=measurement_pk,
        indicator_id=indicator_pk,
        indicator__commitment=commitment,
    )
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        edits.delete_measurement(request.user, measurement, form.cleaned_data["reason"])
        messages.success(request, "Valeur mesurée supprimée (la suppression est inscrite au journal).")
        return redirect("contracts:commitment_detail", pk)
    return _confirm(
        request,
        commitment,
        form,
        f"Supprimer la valeur {floatformat(measurement.value, '-2g')} du {measurement.measured_on:%d/%m/%Y} "
        f"({measurement.indicator.label})",
    )


def evidence_delete(request, pk, evidence_pk):
    commitment = _updatable(request, pk)
    evidence = get_object_or_404(commitment.evidence.filter(removed_at__isnull=True), pk=evidence_pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        edits.remove_evidence(request.user, evidence, form.cleaned_data["reason"])
        messages.success(request, "Pièce retirée (elle reste dans l'historique de l'engagement).")
        return redirect("contracts:commitment_detail", pk)
    return _confirm(request, commitment, form, f"Retirer la pièce « {evidence.title} »")


def _confirm(request, commitment, form, title):
    return render(
        request,
        "contracts/confirm_delete.html",
        {
            "contract": commitment.contract,
            "commitment": commitment,
            "back": reverse("contracts:commitment_detail", args=[commitment.pk]),
            "title": title,
            "explanation": "La correction est inscrite au journal avec votre nom, la date et le motif.",
            "form": form,
            "submit": "Confirmer la suppression",
        },
        status=_status(form),
    )
