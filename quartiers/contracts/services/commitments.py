"""State changes of commitments: creation, status, indicators, measured values, evidence and their
corrections. Each in one transaction, permission-checked, written to the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.core import audit

from ..models import Commitment, Evidence, Indicator, Measurement, StatusChange
from .common import accepted_type, check, decimal, user


@transaction.atomic
def create_commitment(actor, contract, *, indicator=None, qpvs=(), **fields):
    """A new commitment, at status « prévu », with its first indicator when given."""
    check(actor, "change", contract)
    commitment = Commitment(contract=contract, **fields)
    commitment.full_clean(exclude=["contract"])
    commitment.save()
    if qpvs:
        commitment.qpvs.set(qpvs)
    StatusChange.objects.create(
        commitment=commitment, actor=user(actor), to_status=commitment.status, comment="Engagement enregistré."
    )
    if indicator:
        _add_indicator(actor, commitment, **indicator)
    audit.record(actor, "engagement créé", commitment, {"organisation": str(commitment.organisation)})
    return commitment


@transaction.atomic
def change_status(actor, commitment, to_status, comment=""):
    """Move a commitment to another status; the history keeps when, who, from → to and why."""
    check(actor, "change", commitment)
    if to_status not in Commitment.Status.values:
        raise ValidationError({"status": "Statut inconnu."})
    if to_status == commitment.status:
        raise ValidationError({"status": "L'engagement a déjà ce statut."})
    if to_status == Commitment.Status.DROPPED and not comment.strip():
        raise ValidationError({"comment": "Dites pourquoi l'engagement est abandonné."})
    previous = commitment.status
    commitment.status = to_status
    commitment.save(update_fields=["status"])
    change = StatusChange.objects.create(
        commitment=commitment, actor=user(actor), from_status=previous, to_status=to_status, comment=comment
    )
    audit.record(actor, "statut d'engagement changé", commitment, {"statut": [previous, to_status]})
    return change


@transaction.atomic
def add_indicator(actor, commitment, **fields):
    check(actor, "change", commitment)
    return _add_indicator(actor, commitment, **fields)


def _add_indicator(actor, commitment, *, label, unit, target, baseline=None, summable=True):
    if target is None or target == "":
        raise ValidationError({"target": "La cible de l'indicateur est obligatoire."})
    indicator = Indicator(
        commitment=commitment,
        label=label,
        unit=unit,
        target=decimal(target, "target"),
        baseline=None if baseline in (None, "") else decimal(baseline, "baseline"),
        summable=summable,
    )
    indicator.full_clean()
    indicator.save()
    audit.record(actor, "indicateur ajouté", commitment, {"indicateur": label})
    return indicator


@transaction.atomic
def record_measurement(actor, indicator, *, measured_on, value, comment="", source=""):
    """Record (or correct) the value measured at a date: one value per indicator and date."""
    check(actor, "change", indicator.commitment)
    value = decimal(value, "value")
    measurement = Measurement(indicator=indicator, measured_on=measured_on, value=value, comment=comment, source=source)
    measurement.full_clean(exclude=["indicator"], validate_unique=False, validate_constraints=False)
    measurement, created = Measurement.objects.update_or_create(
        indicator=indicator,
        measured_on=measured_on,
        defaults={"value": value, "comment": comment, "source": source, "recorded_by": user(actor)},
    )
    audit.record(
        actor,
        "valeur mesurée enregistrée" if created else "valeur mesurée corrigée",
        indicator.commitment,
        {"indicateur": indicator.label, "date": measured_on.isoformat(), "valeur": str(value)},
    )
    return measurement


@transaction.atomic
def add_evidence(actor, commitment, *, title, uploaded):
    check(actor, "change", commitment)
    ctype = accepted_type(uploaded)
    evidence = Evidence.objects.create(
        commitment=commitment,
        title=title,
        file=uploaded,
        content_type=ctype,
        size=uploaded.size,
        uploaded_by=user(actor),
    )
    audit.record(actor, "pièce justificative ajoutée", commitment, {"titre": title})
    return evidence


@transaction.atomic
def delete_measurement(actor, measurement, reason=""):
    """Delete a wrong measured value; the audit trail keeps what it was, who deleted it and why."""
    indicator = measurement.indicator
    check(actor, "change", indicator.commitment)
    audit.record(
        actor,
        "valeur mesurée supprimée",
        indicator.commitment,
        {
            "indicateur": indicator.label,
            "date": measurement.measured_on.isoformat(),
            "valeur": str(measurement.value),
            "motif": reason,
        },
    )
    measurement.delete()


@transaction.atomic
def remove_evidence(actor, evidence, reason=""):
    """Withdraw a piece of evidence: hidden from the list, kept in the base with who and when."""
    check(actor, "change", evidence.commitment)
    if evidence.removed_at is not None:
        raise ValidationError("Cette pièce a déjà été retirée.")
    evidence.removed_at = timezone.now()
    evidence.removed_by = user(actor)
    evidence.removal_reason = reason[:300]
    evidence.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit.record(actor, "pièce justificative retirée", evidence.commitment, {"titre": evidence.title, "motif": reason})
    return evidence
