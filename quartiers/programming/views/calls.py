"""The programming's index, the calls for projects (create, edit, financers, page) and the register of carrying
structures. Thin views: the policy through `authorize` / `visible_to`, every save through `services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from quartiers.accounts.models import Organisation
from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can

from .. import services
from ..committee import CallInstruction
from ..exports import CARRIER_COLUMNS
from ..forms import CallForm, CarrierForm, FinancerForm
from ..models import Application, Call, CallFinancer, Carrier


def add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def form_status(form):
    return 400 if form.is_bound and form.errors else 200


def _dossier_counts(user):
    """{call id: number of dossiers `user` may see} in one query."""
    rows = Application.objects.visible_to(user).values("call").annotate(n=Count("pk"))
    return {row["call"]: row["n"] for row in rows}


@require_safe
def index(request):
    authorize(request.user, "view", Call)
    today = timezone.localdate()
    counts = _dossier_counts(request.user)
    calls = list(Call.objects.visible_to(request.user).select_related("contract").order_by("-year", "title"))
    steered = set(Call.objects.editable_by(request.user).values_list("pk", flat=True))
    for call in calls:
        call.dossier_count = counts.get(call.pk, 0)
        call.open_now = call.is_open(today)
        call.steered = call.pk in steered
    mine = (
        Application.objects.contributable_by(request.user)
        .select_related("call", "carrier")
        .order_by("-call__year", "title")
    )
    context = {
        "calls": calls,
        "open_calls": [c for c in calls if c.open_now],
        "my_applications": list(mine),
        "steered_calls": [c for c in calls if c.steered],
        "may_create_call": can(request.user, "change", Call),
        "may_see_carriers": can(request.user, "create", Carrier()),
    }
    return render(request, "programming/index.html", context)


def get_call(request, pk, verb="view"):
    authorize(request.user, "view", Call)
    call = get_object_or_404(Call.objects.select_related("contract"), pk=pk)
    authorize(request.user, verb, call)
    return call


@require_safe
def call_detail(request, pk):
    call = get_call(request, pk)
    today = timezone.localdate()
    financers = call.financers.select_related("organisation")
    applications = (
        Application.objects.visible_to(request.user).filter(call=call).select_related("carrier").order_by("title")
    )
    context = {
        "call": call,
        "open_now": call.is_open(today),
        "today": today,
        "financers": financers,
        "total_envelope": sum(f.envelope for f in financers),
        "priorities": call.priorities.select_related("pillar").order_by("pillar__order", "title"),
        "applications": applications,
        "may_change": can(request.user, "change", call),
        "may_apply": call.is_open(today) and can(request.user, "contribute", Application),
        "links": _call_links(request.user, call),
    }
    return render(request, "programming/calls/detail.html", context)


def _call_links(user, call):
    """The call's working pages the user may open (each asks the rule its target view checks)."""
    return {
        "instruction": can(user, "view", CallInstruction(call)),
        "payments": can(user, "change", call),
        "import": can(user, "create", Call(contract=call.contract)),
    }


def _call_form_page(request, form, call=None):
    title = "Modifier l'appel à projets" if call else "Nouvel appel à projets"
    return render(
        request, "programming/calls/form.html", {"form": form, "call": call, "title": title}, status=form_status(form)
    )


def _save_call(request, form):
    try:
        call = services.save_call(request.user, form.save(commit=False), priorities=form.cleaned_data["priorities"])
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    return call


def call_create(request):
    authorize(request.user, "change", Call)  # a chef de projet somewhere; the form limits the contracts
    form = CallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        call = _save_call(request, form)
        if call:
            messages.success(request, "Appel à projets créé. Ajoutez ses financeurs et leur enveloppe.")
            return redirect("programming:call_detail", call.pk)
    return _call_form_page(request, form)


def call_edit(request, pk):
    call = get_call(request, pk, "change")
    form = CallForm(request.POST or None, instance=call, user=request.user)
    if request.method == "POST" and form.is_valid():
        if _save_call(request, form):
            messages.success(request, "Appel à projets enregistré.")
            return redirect("programming:call_detail", call.pk)
    return _call_form_page(request, form, call)


def call_financer(request, pk):
    """Add a financer to the call with its envelope, or change the envelope of one already there."""
    call = get_call(request, pk, "change")
    organisations = Organisation.objects.order_by("name")
    form = FinancerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_call_financer(request.user, call, data["organisation"], data["envelope"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Financeur « {data['organisation'].name} » enregistré.")
            return redirect("programming:call_detail", call.pk)
    financers = CallFinancer.objects.filter(call=call).select_related("organisation")
    context = {"form": form, "call": call, "financers": financers}
    return render(request, "programming/calls/financer_form.html", context, status=form_status(form))


# — The register of carrying structures —


@require_safe
def carrier_list(request):
    authorize(request.user, "view", Carrier)
    carriers = Carrier.objects.visible_to(request.user).select_related("organisation").order_by("name")
    editable = set(Carrier.objects.editable_by(request.user).values_list("pk", flat=True))
    counts = dict(
        Application.objects.visible_to(request.user).values_list("carrier").annotate(n=Count("pk")).order_by()
    )
    rows = [{"carrier": c, "editable": c.pk in editable, "dossiers": counts.get(c.pk, 0)} for c in carriers]
    if request.GET.get("format"):
        return export_response(rows, CARRIER_COLUMNS, "structures-porteuses", request.GET["format"])
    context = {"rows": rows, "may_create": can(request.user, "create", Carrier())}
    return render(request, "programming/carriers/list.html", context)


def _carrier_form_page(request, form, carrier=None):
    title = f"Modifier « {carrier.name} »" if carrier else "Nouvelle structure porteuse"
    context = {"form": form, "carrier": carrier, "title": title}
    return render(request, "programming/carriers/form.html", context, status=form_status(form))


def _carrier_form(request, carrier):
    organisations = services.carrier_organisations(request.user)
    # A new structure is attached to the user's organisation by default: its members then follow its dossiers.
    own = list(organisations[:2])
    initial = {"organisation": own[0]} if carrier.pk is None and len(own) == 1 else None
    form = CarrierForm(request.POST or None, instance=carrier, initial=initial, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_carrier(request.user, form.save(commit=False))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Structure « {saved.name} » enregistrée.")
            return redirect("programming:carrier_list")
    return _carrier_form_page(request, form, carrier if carrier.pk else None)


def carrier_create(request):
    carrier = Carrier()
    authorize(request.user, "create", carrier)
    return _carrier_form(request, carrier)


def carrier_edit(request, pk):
    authorize(request.user, "view", Carrier)
    carrier = get_object_or_404(Carrier.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "change", carrier)
    return _carrier_form(request, carrier)


urlpatterns = [
    path("", index, name="index"),
    path("appels/nouveau/", call_create, name="call_create"),
    path("appels/<int:pk>/", call_detail, name="call_detail"),
    path("appels/<int:pk>/modifier/", call_edit, name="call_edit"),
    path("appels/<int:pk>/financeurs/", call_financer, name="call_financer"),
    path("porteurs/", carrier_list, name="carrier_list"),
    path("porteurs/nouveau/", carrier_create, name="carrier_create"),
    path("porteurs/<int:pk>/modifier/", carrier_edit, name="carrier_edit"),
]
