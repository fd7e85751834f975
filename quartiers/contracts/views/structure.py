"""The pages that edit a contract's strategic tree: pillars and axes, strategic and operational objectives."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from .. import services
from ..forms import ObjectiveForm, PillarForm, RenameForm
from ..models import Objective, Pillar
from .common import add_errors, editable_contract, form_status

NODE_MODELS = {"pilier": Pillar, "objectif": Objective}


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
    contract = editable_contract(request, pk)
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
    contract = editable_contract(request, pk)
    form = PillarForm(request.POST, auto_id="id_pilier_%s")
    if form.is_valid():
        try:
            services.add_pillar(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Élément ajouté à la structure.")
            return redirect("contracts:structure", pk)
    return _structure_page(request, pk, forms={"pillar": form})


@require_POST
def objective_add(request, pk):
    contract = editable_contract(request, pk)
    form = ObjectiveForm(request.POST, pillars=_tree(contract), auto_id="id_objectif_%s")
    if form.is_valid():
        try:
            services.add_objective(request.user, contract, title=form.cleaned_data["title"], **form.target())
        except ValidationError as exc:
            add_errors(form, exc)
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
    contract = editable_contract(request, pk)
    node = _node(contract, kind, node_pk)
    form = RenameForm(request.POST or None, initial={"title": node.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_node(request.user, contract, node, form.cleaned_data["title"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Intitulé modifié.")
            return redirect("contracts:structure", pk)
    return render(
        request,
        "contracts/node_form.html",
        {"contract": contract, "node": node, "form": form, "label": services.label(node)},
        status=form_status(form),
    )


@require_POST
def node_move(request, pk, kind, node_pk):
    contract = editable_contract(request, pk)
    node = _node(contract, kind, node_pk)
    try:
        services.move_node(request.user, contract, node, request.POST.get("direction", ""))
    except ValidationError as exc:
        return _structure_page(request, pk, error=" ".join(exc.messages))
    messages.success(request, f"« {node.title} » déplacé.")
    return redirect("contracts:structure", pk)


def node_delete(request, pk, kind, node_pk):
    """Confirmation page, then removal — refused while commitments point to the element."""
    contract = editable_contract(request, pk)
    node = _node(contract, kind, node_pk)
    blocking = list(services.blocking_commitments(node).select_related("organisation")[:20])
    error = None
    if request.method == "POST":
        try:
            services.remove_node(request.user, contract, node)
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
            "title": f"Supprimer {_article(services.label(node))} « {node.title} »",
            "explanation": "Les objectifs rattachés à cet élément sont supprimés avec lui.",
            "blocking": blocking,
            "error": error,
            "submit": "Supprimer",
        },
        status=400 if error else 200,
    )


def _article(label):
    return f"l'{label}" if label[0] in "aeiou" else f"le {label}"
