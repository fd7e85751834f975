"""After the decision: conventions, payment schedules and payments (views/followup.py calls these).

Each function: the permission asked of the policy (`authorize`), French errors before anything is written, one
transaction, the audit trail. The workflow's `sign_agreement` (every granted funding has its convention, checked
in services.PRECONDITIONS) and `record_payment` (the first payment made) run through `services.run_transition`.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from quartiers.core.audit import record
from quartiers.core.permissions import authorize
from quartiers.core.tabular import parse_date

from . import services
from .models import SUBSIDY_CLASS, Application, BudgetLine, Convention, Funding, Payment
from .money import euros, parse_amount
from .workflow import Status

# A convention is recorded once the dossier is decided (accepted) and stays editable until the dossier is paid.
CONVENTION_OPEN = {Status.ACCEPTED, Status.AGREED}
# The schedule is set with the convention, and may be completed until the dossier is soldé.
SCHEDULE_OPEN = {Status.ACCEPTED, Status.AGREED, Status.PAID, Status.REPORTED}
# Payments are made once the dossier is conventionné, until it is soldé.
PAYMENTS_OPEN = {Status.AGREED, Status.PAID, Status.REPORTED}
# The balance (solde) is paid after the bilan.
AFTER_REPORT = {Status.REPORTED}


def read_date(value, label):
    """A date from a form (jj/mm/aaaa or aaaa-mm-jj), None when empty; a French error otherwise."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        raise ValidationError(f"{label} « {value} » n'est pas une date (jj/mm/aaaa).") from None


def granted_fundings(application):
    return application.fundings.filter(granted_amount__gt=0)


def followup_fundings(application):
    """The granted fundings of a dossier with their convention and payments (a constant number of queries)."""
    return (
        granted_fundings(application)
        .select_related("call_financer__organisation", "convention")
        .prefetch_related(Prefetch("convention__payments", queryset=Payment.objects.order_by("due_on", "pk")))
    )


def save_convention(user, funding, *, signed_on, decision_reference="", decided_on=None, terms, nature, eu_notified):
    """Record (or correct) the convention of a granted funding."""
    funding = Funding.objects.select_related("application__call", "call_financer").get(pk=funding.pk)
    convention = Convention.objects.filter(funding=funding).first()
    authorize(user, "change" if convention else "create", convention or Convention(funding=funding))
    if funding.application.status not in CONVENTION_OPEN:
        raise ValidationError(
            "La convention s'enregistre une fois le dossier accepté et avant le premier paiement "
            f"(le dossier est « {funding.application.get_status_display()} »)."
        )
    signed = read_date(signed_on, "La date de la convention")
    if signed is None:
        raise ValidationError("La date de la convention est obligatoire.")
    values = {
        "signed_on": signed,
        "decision_reference": (decision_reference or "").strip(),
        "decided_on": read_date(decided_on, "La date de la décision"),
        "terms": terms,
        "nature": nature,
        "eu_notified": bool(eu_notified),
    }
    convention = convention or Convention(funding=funding)
    before = {k: str(getattr(convention, k)) for k in values} if convention.pk else {}
    for key, value in values.items():
        setattr(convention, key, value)
    convention.full_clean()
    with transaction.atomic():
        convention.save()
        record(
            user,
            "convention enregistrée",
            funding.application,
            {k: [before.get(k), str(v)] for k, v in values.items() if before.get(k) != str(v)},
        )
    return convention


def scheduled_total(convention, exclude=None):
    rows = convention.payments.exclude(pk=exclude.pk if exclude else None)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def add_payment(user, convention, *, kind, amount, due_on):
    """Add one planned payment (avance, acompte, solde) to the schedule; never above the granted amount."""
    convention = Convention.objects.select_related("funding__application__call").get(pk=convention.pk)
    payment = Payment(convention=convention, kind=kind)
    authorize(user, "create", payment)
    application = convention.funding.application
    if application.status not in SCHEDULE_OPEN:
        raise ValidationError(
            f"Le calendrier des versements se tient une fois le dossier accepté (le dossier est "
            f"« {application.get_status_display()} »)."
        )
    payment.amount = parse_amount(amount, "Le montant du versement")
    payment.due_on = read_date(due_on, "L'échéance")
    if payment.due_on is None:
        raise ValidationError("L'échéance du versement est obligatoire.")
    _check_schedule(convention, payment)
    payment.full_clean()
    with transaction.atomic():
        Convention.objects.select_for_update().filter(pk=convention.pk).first()
        _check_schedule(convention, payment)  # again under the lock: two tabs cannot overshoot together
        payment.save()
        record(
            user,
            "versement prévu",
            application,
            {"versement": payment.get_kind_display(), "montant": str(payment.amount), "echeance": str(payment.due_on)},
        )
    return payment


def _check_schedule(convention, payment):
    granted = convention.funding.granted_amount or Decimal("0")
    total = scheduled_total(convention) + payment.amount
    if total > granted:
        raise ValidationError(
            f"Le calendrier des versements ({euros(total)}) dépasserait le montant accordé ({euros(granted)}) "
            f"de {euros(total - granted)}."
        )
    existing = list(convention.payments.values_list("kind", "due_on"))
    if convention.terms == Convention.Terms.SINGLE and existing:
        raise ValidationError("La convention prévoit un versement unique : il est déjà inscrit au calendrier.")
    if payment.kind == Payment.Kind.BALANCE and any(k == Payment.Kind.BALANCE for k, _ in existing):
        raise ValidationError("Le solde est déjà inscrit au calendrier.")
    if payment.kind != Payment.Kind.BALANCE and any(
        k == Payment.Kind.BALANCE and due < payment.due_on for k, due in existing
    ):
        raise ValidationError("Un versement ne peut pas être prévu après le solde.")
    if payment.kind == Payment.Kind.BALANCE and any(due > payment.due_on for _, due in existing):
        raise ValidationError("Le solde vient en dernier : son échéance suit celle des autres versements.")


def mark_paid(user, payment, *, paid_on, reference=""):
    """Record that a planned payment was made; the first one moves the dossier to « payé »."""
    payment = Payment.objects.select_related("convention__funding__application__call").get(pk=payment.pk)
    authorize(user, "change", payment)
    application = payment.convention.funding.application
    if application.status not in PAYMENTS_OPEN:
        raise ValidationError(f"Aucun paiement ne s'enregistre sur un dossier « {application.get_status_display()} ».")
    if payment.paid_on:
        raise ValidationError(f"Ce versement est déjà payé (le {payment.paid_on:%d/%m/%Y}).")
    day = read_date(paid_on, "La date de paiement")
    if day is None:
        raise ValidationError("La date de paiement est obligatoire.")
    if day < payment.convention.signed_on:
        raise ValidationError("Un paiement ne peut pas précéder la convention.")
    if payment.kind == Payment.Kind.BALANCE and application.status not in AFTER_REPORT:
        raise ValidationError("Le solde se paie après le dépôt du bilan.")
    with transaction.atomic():
        payment.paid_on, payment.reference = day, (reference or "").strip()
        payment.full_clean()
        payment.save(update_fields=["paid_on", "reference"])
        record(user, "versement payé", application, {"versement": payment.get_kind_display(), "paye_le": str(day)})
        if application.status == Status.AGREED:
            services.run_transition(user, application, "record_payment")
    return payment


def sign_agreement(user, application):
    """Conventionné: every granted funding has its convention (services.PRECONDITIONS checks it under the lock)."""
    return services.run_transition(user, application, "sign_agreement")


def payments_of_call(call):
    """The payments still due of a call, earliest first, with what the page shows (constant queries)."""
    return (
        Payment.objects.filter(convention__funding__application__call=call, paid_on__isnull=True)
        .select_related("convention__funding__application__carrier", "convention__funding__call_financer__organisation")
        .order_by("due_on", "pk")
    )


# — Multi-year views: a carrier's dossiers by year, an action's renewal chain —


def _with_amounts(queryset):
    """Dossiers annotated with requested, granted and paid amounts (subqueries: a constant number of queries)."""

    def total(model, field, group, **filters):
        rows = model.objects.filter(**{group: OuterRef("pk")}, **filters).order_by().values(group)
        rows = rows.annotate(t=Sum(field)).values("t")
        return Coalesce(Subquery(rows, output_field=DecimalField()), Value(Decimal("0")), output_field=DecimalField())

    return queryset.annotate(
        requested=total(BudgetLine, "amount", "application", account_class=SUBSIDY_CLASS, call_financer__isnull=False),
        granted=total(Funding, "granted_amount", "application"),
        paid=total(Payment, "amount", "convention__funding__application", paid_on__isnull=False),
    ).select_related("call", "report")


def carrier_history(user, carrier):
    """The carrier's dossiers the user may see, by year (most recent first), with their amounts and bilan."""
    authorize(user, "view", carrier)
    rows = Application.objects.visible_to(user).filter(carrier=carrier).order_by("-call__year", "title")
    return _history_rows(rows)


def _history_rows(rows):
    """The rows with `bilan` (the Report or None) and `qpv_percent` (None while unknown) set for the page."""
    out = []
    for application in _with_amounts(rows):
        report = getattr(application, "report", None) if hasattr(application, "report") else None
        share = report.qpv_share() if report else None
        application.bilan = report
        application.qpv_percent = None if share is None else round(share * 100)
        out.append(application)
    return out


def renewal_chain(user, application, limit=50):
    """The dossiers of one action from its first year to its last renewals (the ones the user may see)."""
    authorize(user, "view", application)
    first, seen = application, {application.pk}
    while first.renewal_of_id and first.renewal_of_id not in seen and len(seen) < limit:
        seen.add(first.renewal_of_id)
        first = Application.objects.get(pk=first.renewal_of_id)
    chain, frontier = {first.pk}, [first.pk]
    while frontier and len(chain) < limit:
        frontier = list(
            Application.objects.filter(renewal_of__in=frontier).exclude(pk__in=chain).values_list("pk", flat=True)
        )
        chain.update(frontier)
    rows = Application.objects.visible_to(user).filter(pk__in=chain).order_by("call__year", "pk")
    return _history_rows(rows)
