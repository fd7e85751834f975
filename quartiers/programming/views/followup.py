"""Follow-up pages of the programming: a dossier's conventions, payment schedules and payments; the payments due
and late of a call; the multi-year views (a carrier's dossiers by year, an action's renewal chain)."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can

from .. import followup_services as followup
from ..exports import PAYMENT_COLUMNS
from ..followup_forms import ConventionForm, PaymentForm
from ..models import Application, Call, Carrier, Convention, Funding, Payment
from ..workflow import Status


def _today():
    return timezone.localdate()


def _followup_page(request, application, errors=None, forms=None, status=200):
    authorize(request.user, "view", application)
    instructor = can(request.user, "change", application.call)
    today = _today()
    fundings = list(followup.followup_fundings(application))
    rows = []
    for funding in fundings:
        convention = getattr(funding, "convention", None)
        payments = list(convention.payments.all()) if convention else []
        rows.append(
            {
                "funding": funding,
                "convention": convention,
                "payments": [(p, p.is_late(today)) for p in payments],
                "scheduled": sum((p.amount for p in payments), 0),
                "convention_form": (forms or {}).get(f"c{funding.pk}")
                or ConventionForm.for_convention(convention, prefix=f"c{funding.pk}"),
                "payment_form": (forms or {}).get(f"p{funding.pk}") or PaymentForm(prefix=f"p{funding.pk}"),
            }
        )
    context = {
        "application": application,
        "rows": rows,
        "instructor": instructor,
        "errors": errors or [],
        "can_sign": instructor and application.status == Status.ACCEPTED,
        "conventions_open": instructor and application.status in followup.CONVENTION_OPEN,
        "payments_open": instructor and application.status in followup.PAYMENTS_OPEN,
        "schedule_open": instructor and application.status in followup.SCHEDULE_OPEN,
    }
    return render(request, "programming/followup/application.html", context, status=status)


def _application(pk):
    return get_object_or_404(Application.objects.select_related("call", "carrier"), pk=pk)


@require_safe
def application_followup(request, pk):
    return _followup_page(request, _application(pk))


@require_POST
def convention_save(request, pk):
    funding = get_object_or_404(Funding.objects.select_related("application__call"), pk=pk)
    prefix = f"c{funding.pk}"
    form = ConventionForm(request.POST, prefix=prefix)
    form.is_valid()
    data = {name: request.POST.get(f"{prefix}-{name}", "") for name in form.fields}
    try:
        followup.save_convention(
            request.user,
            funding,
            signed_on=data["signed_on"],
            decision_reference=data["decision_reference"],
            decided_on=data["decided_on"],
            terms=data["terms"],
            nature=data["nature"],
            eu_notified=bool(data["eu_notified"]),
        )
    except ValidationError as error:
        return _followup_page(request, funding.application, error.messages, {prefix: form})
    messages.success(request, "Convention enregistrée.")
    return redirect("programming:followup", funding.application_id)


@require_POST
def payment_add(request, pk):
    convention = get_object_or_404(Convention.objects.select_related("funding__application__call"), pk=pk)
    prefix = f"p{convention.funding_id}"
    form = PaymentForm(request.POST, prefix=prefix)
    form.is_valid()
    try:
        followup.add_payment(
            request.user,
            convention,
            kind=request.POST.get(f"{prefix}-kind", ""),
            amount=request.POST.get(f"{prefix}-amount", ""),
            due_on=request.POST.get(f"{prefix}-due_on", ""),
        )
    except ValidationError as error:
        return _followup_page(request, convention.funding.application, error.messages, {prefix: form})
    messages.success(request, "Versement inscrit au calendrier.")
    return redirect("programming:followup", convention.funding.application_id)


@require_POST
def payment_paid(request, pk):
    payment = get_object_or_404(Payment.objects.select_related("convention__funding__application__call"), pk=pk)
    application = payment.convention.funding.application
    try:
        followup.mark_paid(
            request.user, payment, paid_on=request.POST.get("paid_on", ""), reference=request.POST.get("reference", "")
        )
    except ValidationError as error:
        return _followup_page(request, application, error.messages)
    messages.success(request, "Paiement enregistré.")
    return redirect("programming:followup", application.pk)


@require_POST
def sign_agreement(request, pk):
    application = _application(pk)
    try:
        followup.sign_agreement(request.user, application)
    except ValidationError as error:
        return _followup_page(request, application, error.messages)
    messages.success(request, "Dossier conventionné.")
    return redirect("programming:followup", application.pk)


@require_safe
def payments_due(request, pk):
    """The payments still due of a call, the late ones first flagged (the instructor's page)."""
    call = get_object_or_404(Call.objects.select_related("contract"), pk=pk)
    authorize(request.user, "change", call)
    today = _today()
    soon = today + dt.timedelta(days=30)
    rows = [(p, p.is_late(today)) for p in followup.payments_of_call(call)]
    if request.GET.get("format"):
        return export_response(rows, PAYMENT_COLUMNS, f"versements-appel-{call.pk}", request.GET["format"])
    context = {
        "call": call,
        "rows": rows,
        "late_count": sum(1 for _, late in rows if late),
        "soon": soon,
        "today": today,
    }
    return render(request, "programming/followup/payments_due.html", context)


@require_safe
def carrier_years(request, pk):
    carrier = get_object_or_404(Carrier, pk=pk)
    rows = followup.carrier_history(request.user, carrier)
    return render(request, "programming/followup/carrier_years.html", {"carrier": carrier, "rows": rows})


@require_safe
def renewal_chain(request, pk):
    application = _application(pk)
    rows = followup.renewal_chain(request.user, application)
    return render(request, "programming/followup/renewal_chain.html", {"application": application, "rows": rows})


urlpatterns = [
    path("suivi/dossiers/<int:pk>/", application_followup, name="followup"),
    path("suivi/financements/<int:pk>/convention/", convention_save, name="followup_convention"),
    path("suivi/conventions/<int:pk>/versements/", payment_add, name="followup_payment_add"),
    path("suivi/versements/<int:pk>/paye/", payment_paid, name="followup_payment_paid"),
    path("suivi/dossiers/<int:pk>/conventionner/", sign_agreement, name="followup_sign"),
    path("suivi/appels/<int:pk>/versements/", payments_due, name="followup_due"),
    path("suivi/porteurs/<int:pk>/", carrier_years, name="carrier_years"),
    path("suivi/dossiers/<int:pk>/reconductions/", renewal_chain, name="renewal_chain"),
]
