"""State changes of the programming: every transition of the workflow (workflow.TRANSITIONS) is one function
here — permission-checked, in one transaction, audited; an illegal one is refused with a French ValidationError
and writes nothing. Budget lines are added through `add_budget_line`, which reads French amounts."""

from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.core.audit import record
from quartiers.core.permissions import authorize

from .models import Application, BudgetLine
from .money import euros, parse_amount
from .workflow import CARRIER, TRANSITIONS


def budget_gap_message(application):
    """None when the forecast budget balances, else the French sentence naming the gap."""
    totals = application.budget_totals()
    expenses, income = totals[BudgetLine.Side.EXPENSE], totals[BudgetLine.Side.INCOME]
    if expenses == income:
        return None
    if expenses > income:
        gap = f"les charges ({euros(expenses)}) dépassent les produits ({euros(income)}) de {euros(expenses - income)}"
    else:
        gap = f"les produits ({euros(income)}) dépassent les charges ({euros(expenses)}) de {euros(income - expenses)}"
    return f"Le budget prévisionnel n'est pas équilibré : {gap}."


def _require_balanced_budget(application):
    if not application.budget_lines.exists():
        raise ValidationError("Le budget prévisionnel est vide : saisissez les charges et les produits de l'action.")
    message = budget_gap_message(application)
    if message:
        raise ValidationError(message, code="budget_unbalanced")


# Checks a transition needs beyond the table (its name → a function of the locked application).
PRECONDITIONS = {"submit": _require_balanced_budget}


def run_transition(user, application, name):
    """Move `application` along the transition `name`, or refuse it and write nothing."""
    transition = TRANSITIONS[name]
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("call", "carrier").get(pk=application.pk)
        authorize(user, "contribute" if transition.actor == CARRIER else "view", locked)
        if transition.actor != CARRIER:
            authorize(user, "change", locked.call)
        if locked.status not in transition.sources:
            raise ValidationError(
                f"Action « {transition.label} » impossible : le dossier est « {locked.get_status_display()} ».",
                code="illegal_transition",
            )
        if name in PRECONDITIONS:
            PRECONDITIONS[name](locked)
        before = locked.status
        locked.status = transition.target
        locked.save(update_fields=["status", "updated_at"])
        record(user, f"dossier : {transition.label.lower()}", locked, {"statut": [before, locked.status]})
    application.status, application.updated_at = locked.status, locked.updated_at
    return application


def _transition_service(name):
    def service(user, application):
        return run_transition(user, application, name)

    service.__name__ = service.__qualname__ = name
    service.__doc__ = (
        f"{TRANSITIONS[name].label} ({', '.join(TRANSITIONS[name].sources)} → {TRANSITIONS[name].target})."
    )
    return service


submit = _transition_service("submit")
start_instruction = _transition_service("start_instruction")
request_information = _transition_service("request_information")
record_opinions = _transition_service("record_opinions")
accept = _transition_service("accept")
refuse = _transition_service("refuse")
postpone = _transition_service("postpone")
resume = _transition_service("resume")
sign_agreement = _transition_service("sign_agreement")
record_payment = _transition_service("record_payment")
file_report = _transition_service("file_report")
close = _transition_service("close")


# Where the forecast budget may still change: before it is submitted, or when the dossier came back to complete.
BUDGET_OPEN = {Application.Status.DRAFT, Application.Status.INCOMPLETE}


def add_budget_line(user, application, *, side, account_class, amount, label="", financer="", call_financer=None):
    """Add one forecast line; `amount` may be a French string (« 1 250,50 »)."""
    authorize(user, "change", application)
    if application.status not in BUDGET_OPEN:
        raise ValidationError("Le budget ne se modifie plus une fois le dossier déposé.")
    line = BudgetLine(
        application=application,
        side=side,
        account_class=str(account_class),
        label=label,
        financer=financer,
        call_financer=call_financer,
        amount=parse_amount(amount),
    )
    line.full_clean()
    with transaction.atomic():
        line.save()
        record(user, "budget : ligne ajoutée", application, {"compte": line.account_class, "montant": str(line.amount)})
    return line


def set_targets(user, application, *, qpvs=(), objectives=()):
    """Set the targeted QPVs and objectives, only among the call's contract's own."""
    authorize(user, "change", application)
    qpvs, objectives = list(qpvs), list(objectives)
    if set(q.pk for q in qpvs) - set(application.allowed_qpvs().values_list("pk", flat=True)):
        raise ValidationError({"qpvs": "Un dossier ne cible que des quartiers du contrat de ville de l'appel."})
    if set(o.pk for o in objectives) - set(application.allowed_objectives().values_list("pk", flat=True)):
        raise ValidationError({"objectives": "Un dossier ne sert que des objectifs du contrat de ville de l'appel."})
    with transaction.atomic():
        application.qpvs.set(qpvs)
        application.objectives.set(objectives)
        record(user, "dossier : cibles", application, {"qpv": [q.code for q in qpvs]})
    return application


# — p-follow: conventionné only when every granted funding has its convention (followup_services.sign_agreement) —
def _require_conventions(application):
    missing = application.fundings.filter(granted_amount__gt=0, convention__isnull=True)
    names = [str(f.call_financer.organisation) for f in missing.select_related("call_financer__organisation")]
    if names:
        raise ValidationError(f"Convention manquante pour : {', '.join(names)}.", code="convention_missing")


PRECONDITIONS["sign_agreement"] = _require_conventions
