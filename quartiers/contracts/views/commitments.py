"""The commitment pages: creation, follow-up (status, indicators, measured values, evidence) and corrections."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.models import AuditEvent
from quartiers.core.permissions import authorize, can

from .. import services
from ..charts import indicator_svg
from ..forms import CommitmentForm, CorrectionForm, EvidenceForm, IndicatorForm, MeasurementForm, StatusForm
from ..models import Commitment, Indicator, Measurement
from .common import add_errors, form_status, get_commitment, get_contract, updatable_commitment

# Audit actions shown on the commitment page: the correction history (the deleted values stay there).
CORRECTION_ACTIONS = ["valeur mesurée supprimée", "valeur mesurée corrigée", "pièce justificative retirée"]


def commitment_create(request, pk):
    contract = get_contract(request, pk)
    authorize(request.user, "change", contract)
    # Links from a measure or a company page prefill the kind, the measure and the organisation.
    initial = {k: request.GET[k] for k in ("kind", "measure", "organisation", "paqte_axis") if k in request.GET}
    form = CommitmentForm(request.POST or None, contract=contract, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.create_commitment(
                request.user, contract, indicator=form.indicator_data(), **form.commitment_data()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Engagement enregistré.")
            return redirect("contracts:commitment_detail", commitment.pk)
    return render(
        request, "contracts/commitment_form.html", {"contract": contract, "form": form}, status=form_status(form)
    )


@require_safe
def commitment_detail(request, pk):
    return _commitment_detail_page(request, pk)


def _commitment_detail_page(request, pk, forms=None):
    # Also shown again, with its errors, by the POST views below.
    commitment = get_commitment(request, pk)
    forms = forms or {}
    indicators = [
        {
            "indicator": i,
            "chart": indicator_svg(i, i.measurements.all()),
            "form": forms.get(i.pk) or MeasurementForm(auto_id=f"id_mesure{i.pk}_%s"),
        }
        for i in commitment.indicators.all()
    ]
    context = {
        "commitment": commitment,
        "contract": commitment.contract,
        "indicators": indicators,
        "history": commitment.history.select_related("actor"),
        "evidence": [e for e in commitment.evidence.all() if e.removed_at is None],
        "removed_evidence": [e for e in commitment.evidence.all() if e.removed_at is not None],
        "corrections": AuditEvent.objects.filter(
            object_type=Commitment._meta.label_lower, object_id=str(commitment.pk), action__in=CORRECTION_ACTIONS
        ).select_related("actor"),
        "can_update": can(request.user, "change", commitment),
        "status_form": forms.get("status") or StatusForm(initial={"status": commitment.status}),
        "indicator_form": forms.get("indicator") or IndicatorForm(auto_id="id_indicateur_%s"),
        "evidence_form": forms.get("evidence") or EvidenceForm(auto_id="id_piece_%s"),
    }
    return render(request, "contracts/commitment_detail.html", context, status=400 if forms else 200)


@require_POST
def commitment_status(request, pk):
    commitment = updatable_commitment(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(request.user, commitment, form.cleaned_data["status"], form.cleaned_data["comment"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Statut mis à jour.")
            return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={"status": form})


@require_POST
def measurement_add(request, pk, indicator_pk):
    commitment = updatable_commitment(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, commitment=commitment)
    form = MeasurementForm(request.POST, auto_id=f"id_mesure{indicator.pk}_%s")
    if form.is_valid():
        services.record_measurement(request.user, indicator, **form.cleaned_data)
        messages.success(request, "Valeur mesurée enregistrée.")
        return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={indicator.pk: form})


@require_POST
def indicator_add(request, pk):
    commitment = updatable_commitment(request, pk)
    form = IndicatorForm(request.POST, auto_id="id_indicateur_%s")
    if form.is_valid():
        services.add_indicator(request.user, commitment, **form.indicator_data())
        messages.success(request, "Indicateur ajouté.")
        return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={"indicator": form})


@require_POST
def evidence_add(request, pk):
    commitment = updatable_commitment(request, pk)
    form = EvidenceForm(request.POST, request.FILES, auto_id="id_piece_%s")
    if form.is_valid():
        try:
            services.add_evidence(
                request.user, commitment, title=form.cleaned_data["title"], uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Pièce justificative ajoutée.")
            return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={"evidence": form})


@require_safe
def evidence_download(request, pk, evidence_pk):
    commitment = get_commitment(request, pk)
    evidence = get_object_or_404(commitment.evidence.filter(removed_at__isnull=True), pk=evidence_pk)
    # Evidence is at most 10 Mo: read it whole, so the file is closed before the response leaves.
    with evidence.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=evidence.content_type)
    response["Content-Disposition"] = f'attachment; filename="piece-{evidence.pk}"'
    return response


def measurement_delete(request, pk, indicator_pk, measurement_pk):
    commitment = updatable_commitment(request, pk)
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator__commitment"),
        pk=measurement_pk,
        indicator_id=indicator_pk,
        indicator__commitment=commitment,
    )
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_measurement(request.user, measurement, form.cleaned_data["reason"])
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
    commitment = updatable_commitment(request, pk)
    evidence = get_object_or_404(commitment.evidence.filter(removed_at__isnull=True), pk=evidence_pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.remove_evidence(request.user, evidence, form.cleaned_data["reason"])
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
        status=form_status(form),
    )
