"""Instruction of the dossiers of a call: the grid (criteria kept by the call's instructors), the scores given on it,
each financer's opinion and proposed amount, the requests for more information (the carrier is e-mailed after
commit), and the instructor's list of a call's dossiers. Every write: authorize, one transaction, audit."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from quartiers.accounts.models import Membership
from quartiers.core.audit import record
from quartiers.core.links import absolute_url
from quartiers.core.permissions import authorize

from . import services
from .models import MAX_SCORE, SUBSIDY_CLASS, Application, Assessment, BudgetLine, Criterion, Funding
from .models import InformationRequest as InfoRequest
from .money import euros, parse_amount
from .rules import CARRIER_ROLES
from .workflow import Status

# Opinions are given while the dossier is instructed; the grid is scored then too.
OPINION_OPEN = {Status.INSTRUCTION}
MAX_MESSAGE = 5000


# ---------------------------------------------------------------- the instructor's list


def instruction_list(user, call, filters):
    """The dossiers of `call` that `user` may see, filtered (status, pillar, QPV, carrier), in a constant number of
    queries: carrier joined, requested total annotated, QPVs prefetched."""
    rows = (
        Application.objects.visible_to(user)
        .filter(call=call)
        .exclude(status=Status.DRAFT)
        .select_related("carrier")
        .prefetch_related("qpvs")
        .annotate(
            requested=Sum(
                "budget_lines__amount",
                filter=Q(budget_lines__account_class=SUBSIDY_CLASS, budget_lines__call_financer__isnull=False),
            )
        )
        .order_by("carrier__name", "title")
    )
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("pillar"):
        rows = rows.filter(pk__in=Application.objects.filter(objectives__pillar=filters["pillar"]).values("pk"))
    if filters.get("qpv"):
        rows = rows.filter(pk__in=Application.objects.filter(qpvs=filters["qpv"]).values("pk"))
    if filters.get("carrier"):
        rows = rows.filter(carrier=filters["carrier"])
    return rows


# ---------------------------------------------------------------- the grid


def _weight(value):
    try:
        weight = int(str(value).strip())
    except ValueError:
        raise ValidationError("Le coefficient est un nombre entier (1 à 10).") from None
    if not 1 <= weight <= 10:
        raise ValidationError("Le coefficient va de 1 à 10.")
    return weight


def _position(value):
    text = str(value if value is not None else "").strip() or "0"
    if not text.isdigit() or int(text) > 999:
        raise ValidationError("L'ordre est un nombre entier de 0 à 999.")
    return int(text)


def save_criterion(user, call, *, label, weight=1, position=0, criterion=None):
    """Add a criterion to the call's grid, or change `criterion` (label, coefficient, order)."""
    label = (label or "").strip()
    if not label:
        raise ValidationError("Le critère a un intitulé.")
    target = criterion or Criterion(call=call)
    target.label, target.weight, target.position = label, _weight(weight), _position(position)
    authorize(user, "create" if criterion is None else "change", target)
    if Criterion.objects.filter(call=call, label=label).exclude(pk=target.pk).exists():
        raise ValidationError(f"La grille a déjà un critère « {label} ».")
    with transaction.atomic():
        target.save()
        record(user, "grille : critère enregistré", target, {"critère": label, "coefficient": target.weight})
    return target


def delete_criterion(user, criterion):
    authorize(user, "delete", criterion)
    with transaction.atomic():
        record(user, "grille : critère supprimé", criterion, {"critère": criterion.label})
        criterion.delete()


def _score(value, label):
    text = str(value if value is not None else "").strip()
    if text == "":
        return None
    if not text.isdigit() or int(text) > MAX_SCORE:
        raise ValidationError(f"La note du critère « {label} » va de 0 à {MAX_SCORE}.")
    return int(text)


def save_assessments(user, application, entries):
    """`entries`: {criterion id: (score text, comment)}; all written or none. An empty score removes the note."""
    authorize(user, "create", Assessment(application=application))
    if not entries:
        raise ValidationError("Aucune note à enregistrer.")
    criteria = {c.pk: c for c in application.call.criteria.all()}
    cleaned = []
    for criterion_id, (score, comment) in entries.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationError("Ce critère n'appartient pas à la grille de l'appel du dossier.")
        cleaned.append((criterion, _score(score, criterion.label), (comment or "").strip()))
    if application.status not in OPINION_OPEN:
        raise ValidationError("La grille se remplit pendant l'instruction du dossier.")
    with transaction.atomic():
        for criterion, score, comment in cleaned:
            if score is None:
                Assessment.objects.filter(application=application, criterion=criterion).delete()
                continue
            Assessment.objects.update_or_create(
                application=application,
                criterion=criterion,
                defaults={"score": score, "comment": comment, "author": user},
            )
        record(user, "grille : notes enregistrées", application, {c.label: s for c, s, _ in cleaned})


def grid(application):
    """[(criterion, assessment or None)], the weighted total and its maximum (two queries)."""
    criteria = list(application.call.criteria.all())
    notes = {a.criterion_id: a for a in application.assessments.all()}
    rows = [(c, notes.get(c.pk)) for c in criteria]
    total = sum(c.weight * a.score for c, a in rows if a)
    maximum = sum(c.weight * MAX_SCORE for c in criteria)
    return rows, total, maximum


# ---------------------------------------------------------------- opinions


def requested_by_financer(application):
    """{CallFinancer id: Decimal} from the class-74 lines (one query)."""
    return application.requested_amounts()


def financer_rows(application):
    """One row per financer of the call: (call financer, requested amount, funding or None) — three queries."""
    fundings = {f.call_financer_id: f for f in application.fundings.select_related("opinion_by")}
    requested = requested_by_financer(application)
    return [
        (cf, requested.get(cf.pk, Decimal("0")), fundings.get(cf.pk))
        for cf in application.call.financers.select_related("organisation")
    ]


def give_opinion(user, application, call_financer, *, opinion, proposed_amount, comment=""):
    """The opinion of one financer of the call on the dossier, by that financer's members or the instructors."""
    if call_financer.call_id != application.call_id:
        raise ValidationError("Ce financeur ne participe pas à l'appel de ce dossier.")
    funding = Funding.objects.filter(application=application, call_financer=call_financer).first()
    authorize(user, "change", funding or Funding(application=application, call_financer=call_financer))
    if opinion not in Funding.Opinion.values:
        raise ValidationError("Choisissez un avis : favorable, réservé ou défavorable.")
    amount = parse_amount(proposed_amount, "Le montant proposé") if str(proposed_amount).strip() else None
    requested = application.requested_amounts().get(call_financer.pk, Decimal("0"))
    if amount is not None and amount > requested:
        raise ValidationError(
            f"Le montant proposé ({euros(amount)}) dépasse le montant demandé à {call_financer.organisation} "
            f"({euros(requested)})."
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in OPINION_OPEN:
            raise ValidationError("Les avis se donnent pendant l'instruction du dossier.")
        funding, _ = Funding.objects.update_or_create(
            application=locked,
            call_financer=call_financer,
            defaults={
                "opinion": opinion,
                "proposed_amount": amount,
                "opinion_comment": (comment or "").strip(),
                "opinion_by": user,
                "opinion_at": timezone.now(),
            },
        )
        changes = {"financeur": str(call_financer.organisation), "avis": opinion, "proposé": str(amount or "")}
        record(user, "instruction : avis d'un financeur", locked, changes)
    return funding


# ---------------------------------------------------------------- workflow


def run(user, application, name):
    """A transition from the instruction page (the table of workflow.py; services.run_transition checks it)."""
    if name == "request_information":
        raise ValidationError("Une demande de compléments passe par son message.")
    return services.run_transition(user, application, name)


def carrier_emails(application):
    """The addresses told about the dossier: the carrier's contact and the active accounts of its organisation."""
    emails = {application.carrier.contact_email}
    if application.carrier.organisation_id:
        emails |= set(
            Membership.objects.filter(
                organisation=application.carrier.organisation_id, role__in=CARRIER_ROLES, active=True
            ).values_list("user__email", flat=True)
        )
    return sorted(e for e in emails if e)


def request_information(user, application, message, request=None):
    """Ask the carrier for more information: the request is stored and the dossier goes back to « à compléter » in
    one transaction; the carrier's members are e-mailed once it is committed (never for a rolled-back request)."""
    message = (message or "").strip()
    if not message:
        raise ValidationError("Écrivez les compléments demandés au porteur.")
    if len(message) > MAX_MESSAGE:
        raise ValidationError(f"Le message dépasse {MAX_MESSAGE} caractères.")
    with transaction.atomic():
        services.run_transition(user, application, "request_information")
        info = InfoRequest.objects.create(application=application, message=message, requested_by=user)
        record(user, "instruction : compléments demandés", application, {"message": message[:200]})
        emails = carrier_emails(application)
        link = absolute_url("/programmation/", request)
        subject = f"Dossier « {application.title} » : compléments demandés"
        body = (
            f"Bonjour,\n\nL'instruction du dossier « {application.title} » ({application.call}) demande des "
            f"compléments :\n\n{message}\n\nLe dossier vous est rendu pour que vous le complétiez : {link}\n"
        )
        sender = settings.DEFAULT_FROM_EMAIL
        if emails:
            transaction.on_commit(
                lambda: send_mass_mail([(subject, body, sender, [e]) for e in emails], fail_silently=True)
            )
    return info


def information_requests(application):
    return application.information_requests.select_related("requested_by")


def budget_subsidies(application):
    """The class-74 lines of the dossier, with their financer (one query)."""
    return BudgetLine.objects.filter(application=application, account_class=SUBSIDY_CLASS).select_related(
        "call_financer__organisation"
    )
