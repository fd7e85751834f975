"""State changes and derived figures of the renewal module. Each change: one transaction, one audit event."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from quartiers.core.audit import record
from quartiers.renewal.models import Family, FundingLine, Milestone, Operation, Project

DEADLINE_WARNING_DAYS = 180


def _changes(obj, data):
    return {k: [str(getattr(obj, k)), str(v)] for k, v in data.items() if getattr(obj, k) != v}


@transaction.atomic
def save_project(actor, data, project=None):
    creating = project is None
    project = project or Project()
    changes = {} if creating else _changes(project, data)
    for field, value in data.items():
        setattr(project, field, value)
    project.save()
    record(actor, "Projet NPNRU créé" if creating else "Projet NPNRU modifié", project, changes)
    return project


@transaction.atomic
def save_operation(actor, project, data, operation=None):
    creating = operation is None
    operation = operation or Operation(project=project)
    changes = {} if creating else _changes(operation, data)
    for field, value in data.items():
        setattr(operation, field, value)
    if operation.status == Operation.Status.DELIVERED:
        operation.progress = 100
    operation.save()
    record(actor, "Opération créée" if creating else "Opération modifiée", operation, changes)
    return operation


@transaction.atomic
def save_milestone(actor, operation, data, milestone=None):
    creating = milestone is None
    milestone = milestone or Milestone(operation=operation)
    changes = {} if creating else _changes(milestone, data)
    for field, value in data.items():
        setattr(milestone, field, value)
    milestone.save()
    record(actor, "Jalon ajouté" if creating else "Jalon mis à jour", operation, {"jalon": milestone.label, **changes})
    return milestone


@transaction.atomic
def save_funding(actor, operation, data, line=None):
    creating = line is None
    line = line or FundingLine(operation=operation)
    for field, value in data.items():
        setattr(line, field, value)
    line.save()
    record(
        actor,
        "Financement ajouté" if creating else "Financement modifié",
        operation,
        {"financeur": line.get_financer_display(), "montant": str(line.amount)},
    )
    return line


@transaction.atomic
def save_snapshot(actor, project, model, data):
    """Rehousing or insertion figures at a date: one row per date, replaced when re-entered."""
    snapshot, created = model.objects.update_or_create(project=project, as_of=data["as_of"], defaults=data)
    record(actor, f"{model._meta.verbose_name.capitalize()} enregistré", project, {"au": str(data["as_of"])})
    return snapshot


@dataclass
class Balance:
    demolished: int = 0
    rebuilt_in_qpv: int = 0
    rebuilt_out_qpv: int = 0
    rehabilitated: int = 0

    @property
    def rebuilt(self):
        return self.rebuilt_in_qpv + self.rebuilt_out_qpv

    @property
    def one_for_one_gap(self):
        """Housing still to rebuild for the « 1 pour 1 » rule (0 when reached)."""
        return max(0, self.demolished - self.rebuilt)

    @property
    def out_qpv_share(self):
        return round(100 * self.rebuilt_out_qpv / self.rebuilt) if self.rebuilt else None

    def add(self, other):
        for name in ("demolished", "rebuilt_in_qpv", "rebuilt_out_qpv", "rehabilitated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


def balance_of(project):
    """From a project annotated by `Project.objects.with_balances()`."""
    return Balance(project.demolished, project.rebuilt_in_qpv, project.rebuilt_out_qpv, project.rehabilitated)


def consolidation(projects):
    """Balances per contract and in total, from annotated projects (one query)."""
    rows = {}
    total = Balance()
    for project in projects:
        key = project.contrat.code if project.contrat_id else "—"
        label = str(project.contrat) if project.contrat_id else "Sans contrat de ville rattaché"
        row = rows.setdefault(key, {"label": label, "projects": 0, "balance": Balance()})
        row["projects"] += 1
        row["balance"].add(balance_of(project))
        total.add(balance_of(project))
    return [rows[k] for k in sorted(rows)], total


def finance_table(project):
    """Planned / committed / paid per financer, and in total (one query)."""
    lines = (
        FundingLine.objects.filter(operation__project=project)
        .exclude(operation__status=Operation.Status.ABANDONED)
        .values("financer")
        .annotate(amount=Sum("amount"), committed=Sum("committed"), paid=Sum("paid"))
        .order_by("financer")
    )
    labels = dict(FundingLine.Financer.choices)
    rows = [{**line, "label": labels[line["financer"]]} for line in lines]
    total = {k: sum((r[k] for r in rows), Decimal(0)) for k in ("amount", "committed", "paid")}
    return rows, total


def risk_flags(project, today=None):
    """Late milestones and commitment deadlines approaching, as French sentences with their operation."""
    today = today or timezone.localdate()
    flags = []
    late = (
        Milestone.objects.filter(operation__project=project, actual_date__isnull=True, planned_date__lt=today)
        .exclude(operation__status__in=[Operation.Status.DELIVERED, Operation.Status.ABANDONED])
        .select_related("operation")
        .order_by("planned_date")
    )
    for milestone in late:
        days = (today - milestone.planned_date).days
        flags.append(
            {
                "level": "err",
                "operation": milestone.operation,
                "text": f"Jalon « {milestone.label} » en retard de {days} jours (prévu le "
                f"{milestone.planned_date:%d/%m/%Y}).",
            }
        )
    soon = project.operations.filter(
        commitment_deadline__gte=today,
        commitment_deadline__lte=today + timedelta(days=DEADLINE_WARNING_DAYS),
        status=Operation.Status.PLANNED,
    ).order_by("commitment_deadline")
    for operation in soon:
        flags.append(
            {
                "level": "warn",
                "operation": operation,
                "text": f"Date limite d'engagement le {operation.commitment_deadline:%d/%m/%Y}, opération non engagée.",
            }
        )
    passed = project.operations.filter(commitment_deadline__lt=today, status=Operation.Status.PLANNED)
    for operation in passed:
        flags.append(
            {
                "level": "err",
                "operation": operation,
                "text": f"Date limite d'engagement dépassée ({operation.commitment_deadline:%d/%m/%Y}).",
            }
        )
    return flags


def gantt_rows(project):
    """Planned and actual spans of each operation, from its milestones (two queries)."""
    operations = list(project.operations.prefetch_related("milestones").order_by("family", "title"))
    rows = []
    for op in operations:
        milestones = list(op.milestones.all())
        planned = [m.planned_date for m in milestones]
        actual = [m.actual_date for m in milestones if m.actual_date]
        rows.append(
            {
                "operation": op,
                "planned": (min(planned), max(planned)) if planned else None,
                "actual": (min(actual), max(actual)) if actual else None,
                "late": any(m.is_late() for m in milestones),
            }
        )
    return rows


def family_summary(project):
    """Operations, housing units and cost per family (one query)."""
    labels = dict(Family.choices)
    data = (
        project.operations.exclude(status=Operation.Status.ABANDONED)
        .values("family")
        .annotate(units=Sum("housing_units"), cost=Sum("cost"), count=Count("id"))
        .order_by("family")
    )
    return [{**row, "label": labels[row["family"]]} for row in data]
