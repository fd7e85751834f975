"""Priority axes: proposal, support, ranking (Borda), status workflow, working group, follow-up notes."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.core import audit
from quartiers.core.permissions import can
from quartiers.network import signals
from quartiers.network.models import AxisNote, AxisRank, AxisSupport, Network, PriorityAxis, WorkingGroupMember

from ._common import NetworkError, check


def propose_axis(network, actor, title, description="", meeting=None, member=None):
    """A member of the network, or whoever steers it, proposes an axis."""
    check(actor, "view", network)
    if actor is not None and not (network.is_member(actor) or can(actor, "change", network)):
        raise PermissionDenied
    if meeting is not None and meeting.network_id != network.pk:
        raise NetworkError("Cette rencontre n'appartient pas à ce réseau.")
    with transaction.atomic():
        axis = PriorityAxis.objects.create(
            network=network, title=title, description=description, meeting=meeting, proposed_by=member
        )
        audit.record(actor, "proposition d'un axe prioritaire", axis)
    return axis


def support(axis, member, actor):
    """One vote per member and axis."""
    check(actor, "view", axis)
    if member is None or member.network_id != axis.network_id or not member.active:
        raise NetworkError("Seuls les membres du réseau peuvent soutenir un axe.")
    if axis.status not in PriorityAxis.OPEN_FOR_SUPPORT:
        raise NetworkError(f"Cet axe est {axis.get_status_display().lower()} : il ne peut plus être soutenu.")
    try:
        with transaction.atomic():
            AxisSupport.objects.create(axis=axis, member=member)
            audit.record(actor, "soutien à un axe prioritaire", axis, {"membre": str(member)})
    except IntegrityError:
        raise NetworkError("Vous soutenez déjà cet axe : un seul soutien par membre.") from None


def withdraw_support(axis, member, actor):
    check(actor, "view", axis)
    with transaction.atomic():
        deleted, _ = AxisSupport.objects.filter(axis=axis, member=member).delete()
        if not deleted:
            raise NetworkError("Vous ne soutenez pas cet axe.")
        audit.record(actor, "retrait du soutien à un axe prioritaire", axis, {"membre": str(member)})


def rankable_axes(network):
    """The axes a ballot orders: those still open for support, oldest first."""
    return network.axes.filter(status__in=PriorityAxis.OPEN_FOR_SUPPORT).order_by("created_at", "id")


def _check_ballot(network, member, ordered_ids):
    """The network's open axes by id, once `ordered_ids` is a complete ballot of `member`."""
    if member is None or member.network_id != network.pk or not member.active:
        raise NetworkError("Seuls les membres du réseau peuvent classer les axes.")
    if network.vote_mode != Network.VoteMode.RANKING:
        raise NetworkError("Ce réseau choisit ses axes par soutien, pas par classement.")
    axes = {axis.pk: axis for axis in rankable_axes(network)}
    if not axes:
        raise NetworkError("Aucun axe ouvert n'est à classer.")
    if len(ordered_ids) != len(set(ordered_ids)):
        raise NetworkError("Chaque rang ne peut être donné qu'à un seul axe.")
    if set(ordered_ids) != set(axes):
        raise NetworkError("Classez tous les axes ouverts, chacun à un rang différent.")
    return axes


def rank_axes(network, member, ordered_ids, actor):
    """Save `member`'s ballot: `ordered_ids` lists every open axis of the network, preferred first.

    The ballot replaces the member's previous one; each axis gets its Borda points (n for the first of
    n, 1 for the last). Everything is checked before anything is written.
    """
    check(actor, "view", network)
    axes = _check_ballot(network, member, ordered_ids)
    n = len(ordered_ids)
    with transaction.atomic():
        AxisRank.objects.filter(member=member, axis__network=network).delete()
        AxisRank.objects.bulk_create(
            AxisRank(axis=axes[pk], member=member, position=i, points=n - i + 1)
            for i, pk in enumerate(ordered_ids, start=1)
        )
        signals.bump(Network.objects.filter(pk=network.pk))  # bulk_create sends no post_save
        audit.record(actor, "classement des axes prioritaires", network, {"membre": str(member), "ordre": ordered_ids})


def withdraw_ranking(network, member, actor):
    check(actor, "view", network)
    with transaction.atomic():
        deleted, _ = AxisRank.objects.filter(member=member, axis__network=network).delete()
        if not deleted:
            raise NetworkError("Vous n'avez pas classé les axes de ce réseau.")
        audit.record(actor, "retrait d'un classement des axes", network, {"membre": str(member)})


def voter_count(network):
    """How many members have a ballot in the network's ranking."""
    return AxisRank.objects.filter(axis__network=network).values("member_id").distinct().count()


def set_vote_mode(network, mode, actor):
    check(actor, "change", network)
    if mode not in Network.VoteMode.values:
        raise NetworkError(f"Mode de choix des axes inconnu : {mode}.")
    with transaction.atomic():
        before = network.vote_mode
        network.vote_mode = mode
        network.save(update_fields=["vote_mode"])
        audit.record(actor, "mode de choix des axes prioritaires", network, {"mode": [before, mode]})
    return network


def change_status(axis, status, actor):
    check(actor, "change", axis)
    if status not in PriorityAxis.TRANSITIONS.get(axis.status, ()):
        labels = dict(PriorityAxis.Status.choices)
        raise NetworkError(
            f"Un axe « {axis.get_status_display().lower()} » ne peut pas passer à « {labels.get(status, status)} »."
        )
    with transaction.atomic():
        before = axis.status
        axis.status = status
        axis.status_changed_at = timezone.now()
        axis.save(update_fields=["status", "status_changed_at"])
        audit.record(actor, "changement de statut d'un axe prioritaire", axis, {"statut": [before, status]})
    return axis


def set_group_member(axis, member, is_lead, actor):
    check(actor, "change", axis)
    if member.network_id != axis.network_id:
        raise NetworkError(f"{member} n'est pas membre de ce réseau.")
    with transaction.atomic():
        WorkingGroupMember.objects.update_or_create(axis=axis, member=member, defaults={"is_lead": is_lead})
        audit.record(actor, "groupe de travail d'un axe", axis, {"membre": str(member), "pilote": is_lead})


def remove_group_member(axis, member, actor):
    check(actor, "change", axis)
    with transaction.atomic():
        deleted, _ = WorkingGroupMember.objects.filter(axis=axis, member=member).delete()
        if not deleted:
            raise NetworkError(f"{member} ne fait pas partie du groupe de travail.")
        audit.record(actor, "départ du groupe de travail d'un axe", axis, {"membre": str(member)})


def add_note(axis, date, text, actor):
    check(actor, "change", axis)
    if not text.strip():
        raise NetworkError("La note de suivi est vide.")
    with transaction.atomic():
        note = AxisNote.objects.create(axis=axis, date=date, text=text.strip(), author=actor)
        audit.record(actor, "note de suivi d'un axe", axis, {"date": date.isoformat()})
    return note
