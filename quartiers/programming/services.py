"""State changes of the programming: every transition of the workflow (workflow.TRANSITIONS) is one function
here — permission-checked, in one transaction, audited; an illegal one is refused with a French ValidationError
and writes nothing. Budget lines are added through `add_budget_line`, which reads French amounts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.core import filetypes
from quartiers.core.audit import record
from quartiers.core.permissions import CHEF, PARTNER, authorize, is_admin, organisation_ids

from .models import Application, Attachment, BudgetLine, CallFinancer, Carrier
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


# — The pages of the calls, the carriers and the carrier's space (views/calls.py, views/applications.py) —


def _changes(obj, fields):
    return {name: str(getattr(obj, name)) for name in fields}


def save_call(user, call, *, priorities=()):
    """Create or change a call (its contract among those `user` steers), its priorities among the contract's
    objectives; the calendar in order (Call.clean)."""
    authorize(user, "create" if call.pk is None else "change", call)
    priorities = list(priorities)
    if any(objective.pillar.contract_id != call.contract_id for objective in priorities):
        raise ValidationError({"priorities": "Les priorités sont des objectifs du contrat de ville de l'appel."})
    call.full_clean()
    created = call.pk is None
    with transaction.atomic():
        call.save()
        call.priorities.set(priorities)
        record(user, "appel à projets : " + ("créé" if created else "modifié"), call, _changes(call, CALL_FIELDS))
    return call


CALL_FIELDS = ("title", "year", "opens_on", "closes_on", "technical_committee_on", "steering_committee_on")


def set_call_financer(user, call, organisation, envelope):
    """Add a financer to the call, or change its envelope (« 45 000,50 » accepted)."""
    authorize(user, "change", call)
    envelope = parse_amount(envelope, "L'enveloppe")
    with transaction.atomic():
        financer, created = CallFinancer.objects.update_or_create(
            call=call, organisation=organisation, defaults={"envelope": envelope}
        )
        action = "ajouté" if created else "enveloppe modifiée"
        record(user, f"appel à projets : financeur {action}", call, {organisation.name: str(envelope)})
    return financer


# The accounts that act for a carrier: rules.CARRIER_ROLES, repeated here because rules.py reaches this module (through
# committee.py) and the modules of an app form no cycle.
CARRIER_ROLES = (PARTNER, CHEF)


def carrier_organisations(user):
    """The organisations a carrier may be attached to by `user`: its own (an administrator: any)."""
    if is_admin(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=organisation_ids(user, CARRIER_ROLES))


def member_carriers(user):
    """The structures `user` acts for (deposits dossiers of): those of its organisations (an administrator: any)."""
    if is_admin(user):
        return Carrier.objects.order_by("name")
    return Carrier.objects.filter(organisation__in=organisation_ids(user, CARRIER_ROLES)).order_by("name")


def save_carrier(user, carrier):
    """Create or change a carrying structure; SIRET (Luhn, La Poste) and RNA checked by the model."""
    authorize(user, "create" if carrier.pk is None else "change", carrier)
    if carrier.organisation_id and not carrier_organisations(user).filter(pk=carrier.organisation_id).exists():
        raise ValidationError(
            {"organisation": "Vous ne pouvez rattacher la structure qu'à une organisation dont vous êtes membre."}
        )
    carrier.full_clean()
    created = carrier.pk is None
    with transaction.atomic():
        carrier.save()
        changes = _changes(carrier, ("name", "kind", "siret", "rna"))
        record(user, "porteur : " + ("créé" if created else "modifié"), carrier, changes)
    return carrier


# Where the dossier's content (texts, targets, budget, attachments) may still change.
CONTENT_OPEN = BUDGET_OPEN


def _require_open_content(application):
    if application.status not in CONTENT_OPEN:
        raise ValidationError("Le dossier ne se modifie plus une fois déposé (sauf s'il revient à compléter).")


def _check_targets(application, qpvs, objectives):
    if {q.pk for q in qpvs} - set(application.allowed_qpvs().values_list("pk", flat=True)):
        raise ValidationError({"qpvs": "Un dossier ne cible que des quartiers du contrat de ville de l'appel."})
    if {o.pk for o in objectives} - set(application.allowed_objectives().values_list("pk", flat=True)):
        raise ValidationError({"objectives": "Un dossier ne sert que des objectifs du contrat de ville de l'appel."})


APPLICATION_FIELDS = ("title", "description", "public", "starts_on", "ends_on")


def create_application(user, call, carrier, *, qpvs=(), objectives=(), today=None, **fields):
    """A new dossier (brouillon) of `carrier` in an open call; only a member of the structure may create it."""
    application = Application(call=call, carrier=carrier, created_by=user, **fields)
    authorize(user, "create", application)
    today = today or timezone.localdate()
    if not call.is_open(today):
        raise ValidationError("L'appel à projets n'est pas ouvert : aucun dossier ne peut y être déposé.")
    qpvs, objectives = list(qpvs), list(objectives)
    _check_targets(application, qpvs, objectives)
    application.full_clean()
    with transaction.atomic():
        application.save()
        application.qpvs.set(qpvs)
        application.objectives.set(objectives)
        record(user, "dossier : créé", application, _changes(application, APPLICATION_FIELDS))
    return application


def update_application(user, application, *, qpvs=(), objectives=(), **fields):
    authorize(user, "change", application)
    _require_open_content(application)
    for name, value in fields.items():
        setattr(application, name, value)
    qpvs, objectives = list(qpvs), list(objectives)
    _check_targets(application, qpvs, objectives)
    application.full_clean()
    with transaction.atomic():
        application.save()
        application.qpvs.set(qpvs)
        application.objectives.set(objectives)
        record(user, "dossier : modifié", application, _changes(application, APPLICATION_FIELDS))
    return application


def renewal_candidates(user, call):
    """The dossiers `user` may renew into `call`: its structures' dossiers of earlier calls of the same EPCI or
    commune's contracts, not renewed in this call yet."""
    contracts = (
        type(call.contract)
        .objects.filter(epci_id=call.contract.epci_id, commune_id=call.contract.commune_id)
        .values("pk")
    )
    renewed = Application.objects.filter(call=call, renewal_of__isnull=False).values("renewal_of")
    return (
        Application.objects.contributable_by(user)
        .filter(call__contract__in=contracts, call__year__lt=call.year)
        .exclude(pk__in=renewed)
        .select_related("call", "carrier")
        .order_by("-call__year", "title")
    )


def renew_application(user, previous, call, today=None):
    """The renewal of last year's dossier in `call`: texts, targets (those of the new call's contract) and the
    budget copied; a class-74 line of a financer of the old call goes to the same organisation in the new call,
    or becomes an « autre financeur » line naming it."""
    authorize(user, "contribute", previous)
    if not renewal_candidates(user, call).filter(pk=previous.pk).exists():
        raise ValidationError("Ce dossier ne peut pas être reconduit dans cet appel (déjà reconduit ou plus récent).")
    fields = {name: getattr(previous, name) for name in ("title", "description", "public")}
    qpvs = [q for q in previous.qpvs.all() if q in set(Application(call=call).allowed_qpvs())]
    objectives = [o for o in previous.objectives.all() if o in set(Application(call=call).allowed_objectives())]
    financers = {f.organisation_id: f for f in call.financers.all()}
    with transaction.atomic():
        application = create_application(
            user, call, previous.carrier, qpvs=qpvs, objectives=objectives, today=today, **fields
        )
        application.renewal_of = previous
        application.save(update_fields=["renewal_of"])
        for line in previous.budget_lines.select_related("call_financer__organisation"):
            copy = BudgetLine(
                application=application,
                side=line.side,
                account_class=line.account_class,
                label=line.label,
                financer=line.financer,
                amount=line.amount,
            )
            if line.call_financer_id:
                organisation = line.call_financer.organisation
                copy.call_financer = financers.get(organisation.pk)
                if copy.call_financer is None:
                    copy.financer, copy.label = BudgetLine.Financer.OTHER, organisation.name[:200]
            copy.save()
        record(user, "dossier : reconduit", application, {"reconduction de": str(previous.pk)})
    return application


def save_budget(user, application, lines):
    """Replace the forecast budget by `lines` [(side, class, financer label, CallFinancer, amount)]; it may be
    unbalanced while drafted (submitting refuses it)."""
    authorize(user, "change", application)
    if application.status not in BUDGET_OPEN:
        raise ValidationError("Le budget ne se modifie plus une fois le dossier déposé.")
    built = []
    for side, account_class, financer, call_financer, amount in lines:
        line = BudgetLine(
            application=application,
            side=side,
            account_class=account_class,
            financer=financer,
            call_financer=call_financer,
            amount=parse_amount(amount),
        )
        line.full_clean()
        built.append(line)
    with transaction.atomic():
        application.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(built)
        application.save(update_fields=["updated_at"])
        totals = {key: str(value) for key, value in application.budget_totals().items()}
        record(user, "budget prévisionnel : enregistré", application, totals)
    return application


def add_attachment(user, application, label, uploaded, kind):
    """Join a document (already checked by core.filetypes.check_upload: `kind`) to the dossier."""
    attachment = Attachment(application=application, label=label, uploaded_by=user)
    authorize(user, "create", attachment)
    _require_open_content(application)
    with transaction.atomic():
        attachment.file.save(filetypes.safe_name(uploaded.name, kind), uploaded, save=False)
        attachment.save()
        record(user, "dossier : pièce jointe ajoutée", application, {"pièce": label})
    return attachment


# — p-follow: conventionné only when every granted funding has its convention (followup_services.sign_agreement) —
def _require_conventions(application):
    missing = application.fundings.filter(granted_amount__gt=0, convention__isnull=True)
    names = [str(f.call_financer.organisation) for f in missing.select_related("call_financer__organisation")]
    if names:
        raise ValidationError(f"Convention manquante pour : {', '.join(names)}.", code="convention_missing")


PRECONDITIONS["sign_agreement"] = _require_conventions
