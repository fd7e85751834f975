"""Edits of a contract's strategic tree: pillars and cross-cutting axes → strategic → operational objectives.
Each in one transaction, permission-checked, written to the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from quartiers.core import audit

from .. import fragments
from ..models import Commitment, Objective, Pillar
from .common import check


def _clean_title(title):
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un intitulé."})
    return title


@transaction.atomic
def add_pillar(actor, contract, *, title, cross_cutting=False):
    check(actor, "change", contract)
    title = _clean_title(title)
    siblings = contract.pillars.filter(cross_cutting=cross_cutting)
    if siblings.filter(title__iexact=title).exists():
        raise ValidationError({"title": "Ce contrat a déjà un pilier ou un axe de cet intitulé."})
    pillar = Pillar(contract=contract, title=title, cross_cutting=cross_cutting, order=_next_order(siblings))
    pillar.full_clean()
    pillar.save()
    kind = "axe transversal" if cross_cutting else "pilier"
    audit.record(actor, f"{kind} ajouté", contract, {"intitulé": title})
    return pillar


@transaction.atomic
def add_objective(actor, contract, *, pillar=None, parent=None, title):
    """A strategic objective under a pillar, or an operational objective under a strategic one."""
    check(actor, "change", contract)
    title = _clean_title(title)
    if parent is not None:
        if parent.pillar.contract_id != contract.pk or parent.level != Objective.Level.STRATEGIC:
            raise ValidationError(
                {"parent": "Un objectif opérationnel se rattache à un objectif stratégique du contrat."}
            )
        pillar, level = parent.pillar, Objective.Level.OPERATIONAL
    elif pillar is not None and pillar.contract_id == contract.pk:
        level = Objective.Level.STRATEGIC
    else:
        raise ValidationError({"pillar": "Choisissez le pilier ou l'axe de l'objectif."})
    siblings = Objective.objects.filter(pillar=pillar, parent=parent, level=level)
    objective = Objective(pillar=pillar, parent=parent, level=level, title=title, order=_next_order(siblings))
    objective.full_clean()
    objective.save()
    audit.record(actor, "objectif ajouté", contract, {"objectif": title, "niveau": level, "pilier": pillar.title})
    return objective


@transaction.atomic
def rename_node(actor, contract, node, title):
    check(actor, "change", contract)
    title = _clean_title(title)
    previous = node.title
    if previous == title:
        return node
    node.title = title
    node.full_clean()
    node.save(update_fields=["title"])
    audit.record(actor, f"{label(node)} renommé", contract, {"intitulé": [previous, title]})
    return node


@transaction.atomic
def move_node(actor, contract, node, direction):
    """Move a pillar/axis or an objective one place up or down among its siblings."""
    check(actor, "change", contract)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Sens de déplacement inconnu."})
    siblings = list(_siblings(node).select_for_update())
    index = next(i for i, s in enumerate(siblings) if s.pk == node.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        raise ValidationError({"direction": "Cet élément est déjà en bout de liste."})
    siblings[index], siblings[other] = siblings[other], siblings[index]
    # Renumber the whole sibling list: orders left equal by older data would make a swap a no-op.
    for order, sibling in enumerate(siblings):
        sibling.order = order
    type(node).objects.bulk_update(siblings, ["order"])
    fragments.touch([contract.pk])  # a bulk update sends no signal
    audit.record(actor, f"{label(node)} déplacé", contract, {"intitulé": node.title, "sens": direction})
    return node


def blocking_commitments(node):
    """Commitments that point to a pillar or an objective (or to one of the objectives under it)."""
    if isinstance(node, Pillar):
        return Commitment.objects.filter(Q(pillar=node) | Q(objective__pillar=node)).distinct()
    return Commitment.objects.filter(Q(objective=node) | Q(objective__parent=node)).distinct()


@transaction.atomic
def remove_node(actor, contract, node):
    """Remove a pillar/axis or an objective — refused while commitments point to it."""
    check(actor, "change", contract)
    count = blocking_commitments(node).count()
    if count:
        raise ValidationError(
            f"Suppression impossible : {count} engagement{'s' if count > 1 else ''} "
            f"relève{'nt' if count > 1 else ''} de cet élément. Rattachez-les d'abord à un autre pilier ou objectif."
        )
    title, kind = node.title, label(node)
    node.delete()
    audit.record(actor, f"{kind} supprimé", contract, {"intitulé": title})


def _siblings(node):
    if isinstance(node, Pillar):
        return Pillar.objects.filter(contract_id=node.contract_id, cross_cutting=node.cross_cutting).order_by(
            "order", "title", "pk"
        )
    return Objective.objects.filter(pillar_id=node.pillar_id, parent_id=node.parent_id, level=node.level).order_by(
        "order", "title", "pk"
    )


def _next_order(siblings):
    last = siblings.order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


def label(node):
    if isinstance(node, Pillar):
        return "axe transversal" if node.cross_cutting else "pilier"
    return "objectif stratégique" if node.level == Objective.Level.STRATEGIC else "objectif opérationnel"
