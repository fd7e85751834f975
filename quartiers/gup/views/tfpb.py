"""TFPB agreements: list, export, creation, detail with the action plan by axis, bilan, new action."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from quartiers.accounts.models import Organisation
from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can
from quartiers.gup import services
from quartiers.gup.forms import TfpbActionForm, TfpbAgreementForm, TfpbBilanForm
from quartiers.gup.models import Report, TfpbAgreement, TfpbAxis, Walk
from quartiers.gup.views.common import contributable_qpvs, form_error

TFPB_COLUMNS = [
    ("Année", "year"),
    ("Bailleur", "bailleur.name"),
    ("Code QPV", "qpv.code"),
    ("Quartier", "qpv.nom"),
    ("Commune", "commune.nom"),
    ("Abattement (€)", "abatement_amount"),
    ("Logements", "housing_count"),
    ("Bilan", "bilan"),
]


def _tfpb_filtered(request):
    qs = TfpbAgreement.objects.visible_to(request.user).select_related("bailleur", "qpv", "commune")
    if request.GET.get("annee", "").isdigit():
        qs = qs.filter(year=int(request.GET["annee"]))
    if request.GET.get("qpv"):
        qs = qs.filter(qpv__code=request.GET["qpv"])
    return qs


@require_safe
def tfpb_list(request):
    authorize(request.user, "view", None)
    agreements = _tfpb_filtered(request).annotate(n_actions=Count("actions"))
    return render(
        request,
        "gup/tfpb_list.html",
        {
            "agreements": agreements,
            "can_create": can(request.user, "contribute", None),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
def tfpb_export(request):
    authorize(request.user, "view", None)
    return export_response(_tfpb_filtered(request), TFPB_COLUMNS, "conventions-tfpb", request.GET.get("format"))


def tfpb_create(request):
    authorize(request.user, "contribute", None)
    bailleurs = Organisation.objects.filter(kind=Organisation.Kind.BAILLEUR).order_by("name")
    form = TfpbAgreementForm(request.POST or None, bailleurs=bailleurs, qpvs=contributable_qpvs(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.create_tfpb_agreement(request.user, form.save(commit=False))
            messages.success(request, "Convention TFPB enregistrée : ajoutez son plan d'actions.")
            return redirect(agreement)
        except services.GupError as exc:
            form_error(form, exc)
    return render(request, "gup/tfpb_form.html", {"form": form, "title": "Nouvelle convention TFPB"})


def _agreement_or_404(request, pk):
    qs = TfpbAgreement.objects.visible_to(request.user).select_related("bailleur", "qpv", "qpv__departement", "commune")
    return get_object_or_404(qs, pk=pk)


def _plan(agreement):
    """The action plan by axis of the national frame, with planned and spent amounts."""
    actions = list(
        agreement.actions.prefetch_related(
            Prefetch("reports", queryset=Report.objects.only("pk", "reference", "status", "category")),
            Prefetch("walks", queryset=Walk.objects.only("pk", "title", "date")),
        )
    )
    axes = []
    for value, label in TfpbAxis.choices:
        items = [a for a in actions if a.axis == value]
        axes.append(
            {
                "label": label,
                "actions": items,
                "planned": sum(a.planned_amount for a in items),
                "spent": sum(a.spent_amount or 0 for a in items),
            }
        )
    return actions, axes


@require_safe
def tfpb_detail(request, pk):
    authorize(request.user, "view", None)
    agreement = _agreement_or_404(request, pk)
    actions, axes = _plan(agreement)
    return render(
        request,
        "gup/tfpb_detail.html",
        {
            "agreement": agreement,
            "axes": axes,
            "planned": sum(a.planned_amount for a in actions),
            "spent": sum(a.spent_amount or 0 for a in actions),
            "done": sum(1 for a in actions if a.done),
            "total_actions": len(actions),
            "can_change": can(request.user, "change", agreement),
        },
    )


def tfpb_edit(request, pk):
    authorize(request.user, "view", None)
    agreement = _agreement_or_404(request, pk)
    authorize(request.user, "change", agreement)
    form = TfpbBilanForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        services.save_tfpb_bilan(request.user, form.save(commit=False))
        messages.success(request, "Convention mise à jour.")
        return redirect(agreement)
    return render(request, "gup/tfpb_form.html", {"form": form, "title": f"Bilan — {agreement}"})


def tfpb_action_create(request, pk):
    authorize(request.user, "view", None)
    agreement = _agreement_or_404(request, pk)
    authorize(request.user, "change", agreement)
    form = TfpbActionForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_tfpb_action(request.user, agreement, form.save(commit=False), data["reports"], data["walks"])
        messages.success(request, "Action ajoutée au plan.")
        return redirect(agreement)
    return render(request, "gup/tfpb_form.html", {"form": form, "title": f"Nouvelle action — {agreement}"})
