"""Instruction pages of the programming (see views/__init__.py): the instructor's list of a call's dossiers, the
call's grid, the instruction page of a dossier (scores, financers' opinions, workflow, requests for information)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can

from .. import instruction_services as instruction
from ..committee import CallInstruction
from ..exports import INSTRUCTION_COLUMNS
from ..models import Application, Call, CallFinancer, Carrier, Criterion, Funding
from ..workflow import TRANSITIONS, Status

LIST_FILTERS = ("status", "pillar", "qpv", "carrier")
GRID_DEFAULTS = {"label": "", "weight": "1", "position": "0"}


def _call(request, pk):
    call = get_object_or_404(Call.objects.select_related("contract"), pk=pk)
    authorize(request.user, "view", CallInstruction(call))
    return call


def _application(request, pk):
    application = get_object_or_404(Application.objects.select_related("call__contract", "carrier"), pk=pk)
    authorize(request.user, "view", CallInstruction(application.call))
    return application


def _filters(request, call):
    """The list's filters from the query string; an unknown value is ignored (the list stays whole)."""
    values = {key: request.GET.get(key, "").strip() for key in LIST_FILTERS}
    if values["status"] not in Status.values:
        values["status"] = ""
    for key in ("pillar", "qpv", "carrier"):
        if not values[key].isdigit():
            values[key] = ""
    return values


@require_safe
def instruction_list(request, pk):
    call = _call(request, pk)
    filters = _filters(request, call)
    rows = instruction.instruction_list(request.user, call, filters)
    if request.GET.get("format"):
        return export_response(rows, INSTRUCTION_COLUMNS, f"dossiers-appel-{call.pk}", request.GET["format"])
    contract = call.contract
    return render(
        request,
        "programming/instruction/list.html",
        {
            "call": call,
            "rows": rows,
            "filters": filters,
            "statuses": [s for s in Status.choices if s[0] != Status.DRAFT],
            "pillars": contract.pillars.all(),
            "qpvs": contract.qpvs.all(),
            "carriers": Carrier.objects.filter(applications__call=call).distinct(),
            "can_steer": can(request.user, "change", CallInstruction(call)),
            "export_query": _export_query(request),
        },
    )


def _export_query(request):
    """The page's filters, for its export links."""
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def _grid_page(request, call, error=None, status=200):
    return render(
        request,
        "programming/instruction/grid.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "error": error,
            "form": {key: request.POST.get(key, default) for key, default in GRID_DEFAULTS.items()},
        },
        status=status,
    )


@require_safe
def grid(request, pk):
    return _grid_page(request, _call(request, pk))


@require_POST
def criterion_add(request, pk):
    call = _call(request, pk)
    try:
        instruction.save_criterion(
            request.user,
            call,
            label=request.POST.get("label", ""),
            weight=request.POST.get("weight", "1"),
            position=request.POST.get("position", "0"),
        )
    except ValidationError as error:
        return _grid_page(request, call, error.messages[0], status=400)
    messages.success(request, "Critère ajouté à la grille.")
    return redirect("programming:instruction_grid", call.pk)


@require_POST
def criterion_edit(request, pk):
    criterion = get_object_or_404(Criterion.objects.select_related("call"), pk=pk)
    call = _call(request, criterion.call_id)
    try:
        if request.POST.get("delete"):
            instruction.delete_criterion(request.user, criterion)
        else:
            instruction.save_criterion(
                request.user,
                call,
                label=request.POST.get("label", ""),
                weight=request.POST.get("weight", "1"),
                position=request.POST.get("position", "0"),
                criterion=criterion,
            )
    except ValidationError as error:
        return _grid_page(request, call, error.messages[0], status=400)
    messages.success(request, "Grille mise à jour.")
    return redirect("programming:instruction_grid", call.pk)


def _detail_page(request, application, error=None, status=200):
    rows, total, maximum = instruction.grid(application)
    user = request.user
    financers = []
    for cf, requested, funding in instruction.financer_rows(application):
        funding = funding or Funding(application=application, call_financer=cf)  # no opinion yet: an empty one
        financers.append((cf, requested, funding, can(user, "change", funding)))
    transitions = [t for t in application.allowed_transitions(user) if t.name != "request_information"]
    return render(
        request,
        "programming/instruction/detail.html",
        {
            "application": application,
            "grid_rows": rows,
            "total": total,
            "maximum": maximum,
            "financers": financers,
            "opinions": Funding.Opinion.choices,
            "subsidies": instruction.budget_subsidies(application),
            "requests": instruction.information_requests(application),
            "transitions": transitions,
            "can_request": TRANSITIONS["request_information"] in application.allowed_transitions(user),
            "can_score": can(user, "change", CallInstruction(application.call)),
            "open": application.status in instruction.OPINION_OPEN,
            "error": error,
        },
        status=status,
    )


@require_safe
def detail(request, pk):
    return _detail_page(request, _application(request, pk))


def _attempt(request, application, action, success):
    try:
        action()
    except ValidationError as error:
        return _detail_page(request, application, error.messages[0], status=400)
    messages.success(request, success)
    return redirect("programming:instruction_detail", application.pk)


@require_POST
def assess(request, pk):
    application = _application(request, pk)
    entries = {
        key.removeprefix("score-"): (value, request.POST.get(f"comment-{key.removeprefix('score-')}", ""))
        for key, value in request.POST.items()
        if key.startswith("score-") and key.removeprefix("score-").isdigit()
    }
    return _attempt(
        request,
        application,
        lambda: instruction.save_assessments(request.user, application, entries),
        "Notes enregistrées.",
    )


@require_POST
def opinion(request, pk, financer):
    application = _application(request, pk)
    call_financer = get_object_or_404(CallFinancer.objects.select_related("organisation"), pk=financer)
    return _attempt(
        request,
        application,
        lambda: instruction.give_opinion(
            request.user,
            application,
            call_financer,
            opinion=request.POST.get("opinion", ""),
            proposed_amount=request.POST.get("proposed_amount", ""),
            comment=request.POST.get("comment", ""),
        ),
        f"Avis de {call_financer.organisation} enregistré.",
    )


@require_POST
def transition(request, pk, name):
    application = _application(request, pk)
    if name not in TRANSITIONS:
        return _detail_page(request, application, "Action inconnue.", status=400)
    return _attempt(
        request,
        application,
        lambda: instruction.run(request.user, application, name),
        f"« {TRANSITIONS[name].label} » : fait.",
    )


@require_POST
def request_information(request, pk):
    application = _application(request, pk)
    return _attempt(
        request,
        application,
        lambda: instruction.request_information(request.user, application, request.POST.get("message", ""), request),
        "Compléments demandés : le dossier est rendu au porteur, prévenu par courriel.",
    )


urlpatterns = [
    path("appels/<int:pk>/instruction/", instruction_list, name="instruction_list"),
    path("appels/<int:pk>/grille/", grid, name="instruction_grid"),
    path("appels/<int:pk>/grille/ajouter/", criterion_add, name="criterion_add"),
    path("grille/<int:pk>/", criterion_edit, name="criterion_edit"),
    path("dossiers/<int:pk>/instruction/", detail, name="instruction_detail"),
    path("dossiers/<int:pk>/instruction/notes/", assess, name="instruction_assess"),
    path("dossiers/<int:pk>/instruction/avis/<int:financer>/", opinion, name="instruction_opinion"),
    path("dossiers/<int:pk>/instruction/action/<slug:name>/", transition, name="instruction_transition"),
    path("dossiers/<int:pk>/instruction/complements/", request_information, name="instruction_request"),
]
