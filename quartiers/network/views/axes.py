"""Priority axes: proposing, the axis page, support, status, working group, follow-up notes, ranking."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import can
from quartiers.network import services
from quartiers.network.forms import AxisForm, GroupMemberForm, NoteForm, StatusForm
from quartiers.network.models import Network
from quartiers.network.services import NetworkError

from ._common import get_axis, get_network, require_participant


def axis_create(request, slug):
    network = get_network(request, slug)
    require_participant(request.user, network)
    form = AxisForm(request.POST or None, network=network, initial={"meeting": request.GET.get("rencontre")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        axis = services.propose_axis(
            network,
            request.user,
            data["title"],
            data["description"],
            meeting=data["meeting"],
            member=network.member_for(request.user),
        )
        messages.success(request, "L'axe est proposé : les membres peuvent le soutenir.")
        return redirect(axis)
    return render(request, "network/form.html", {"network": network, "form": form, "title": "Proposer un axe"})


@require_safe
def axis_detail(request, pk):
    axis = get_axis(request, pk)
    network = axis.network
    me = network.member_for(request.user)
    can_manage = can(request.user, "change", axis)
    supports = axis.supports.select_related("member").order_by("created_at")
    context = {
        "axis": axis,
        "network": network,
        "supports": supports,
        "supported": me is not None and any(s.member_id == me.pk for s in supports),
        "group": axis.group_members.select_related("member", "member__organisation"),
        "notes": axis.notes.select_related("author"),
        "me": me,
        "can_manage": can_manage,
        "status_form": StatusForm() if can_manage else None,
        "group_form": GroupMemberForm(network=network) if can_manage else None,
        "note_form": NoteForm() if can_manage else None,
    }
    return render(request, "network/axis_detail.html", context)


@require_POST
def axis_support(request, pk):
    axis = get_axis(request, pk)
    me = axis.network.member_for(request.user)
    try:
        if request.POST.get("retirer") and me is not None:
            services.withdraw_support(axis, me, request.user)
            messages.success(request, "Votre soutien est retiré.")
        else:
            services.support(axis, me, request.user)
            messages.success(request, "Votre soutien est enregistré.")
    except NetworkError as exc:
        messages.error(request, str(exc))
    return redirect(axis)


@require_POST
def axis_status(request, pk):
    axis = get_axis(request, pk, "change")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Statut inconnu.")
        return redirect(axis)
    try:
        services.change_status(axis, form.cleaned_data["status"], request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Statut : {axis.get_status_display()}.")
    return redirect(axis)


@require_POST
def axis_group(request, pk):
    axis = get_axis(request, pk, "change")
    form = GroupMemberForm(request.POST, network=axis.network)
    if not form.is_valid():
        messages.error(request, "Choisissez un membre du réseau.")
        return redirect(axis)
    member = form.cleaned_data["member"]
    try:
        if request.POST.get("retirer"):
            services.remove_group_member(axis, member, request.user)
        else:
            services.set_group_member(axis, member, form.cleaned_data["is_lead"], request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le groupe de travail est à jour.")
    return redirect(axis)


@require_POST
def axis_note(request, pk):
    axis = get_axis(request, pk, "change")
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une date valide et le texte de la note.")
        return redirect(axis)
    try:
        services.add_note(axis, form.cleaned_data["date"], form.cleaned_data["text"], request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "La note de suivi est ajoutée.")
    return redirect(axis)


def _ballot_from_post(post, axes):
    """The axis ids in the order the member chose, from one « rang-<id> » select per axis."""
    ranks = {}
    for axis in axes:
        value = post.get(f"rang-{axis.pk}", "")
        if not value.isdigit():
            raise NetworkError(f"Choisissez un rang pour « {axis.title} ».")
        ranks[axis.pk] = int(value)
    if sorted(ranks.values()) != list(range(1, len(axes) + 1)):
        raise NetworkError("Chaque rang ne peut être donné qu'à un seul axe : vérifiez qu'aucun rang ne se répète.")
    return sorted(ranks, key=ranks.get)


def _save_ballot(request, network, me, axes):
    """Record or withdraw the member's ballot; the French message of a refusal is raised as NetworkError."""
    if me is None:
        raise PermissionDenied
    if request.POST.get("retirer"):
        services.withdraw_ranking(network, me, request.user)
        messages.success(request, "Votre classement est retiré.")
    else:
        services.rank_axes(network, me, _ballot_from_post(request.POST, axes), request.user)
        messages.success(request, "Votre classement est enregistré.")


def axis_ranking(request, slug):
    """A member orders the network's open axes; the page also shows the current Borda count."""
    network = get_network(request, slug)
    me = network.member_for(request.user)
    axes = list(services.rankable_axes(network))
    error = ""
    if request.method == "POST":
        try:
            _save_ballot(request, network, me, axes)
            return redirect(f"{network.get_absolute_url()}#axes")
        except NetworkError as exc:
            error = str(exc)
    mine = {r.axis_id: r.position for r in me.axis_ranks.filter(axis__network=network)} if me else {}
    for default, axis in enumerate(axes, start=1):
        axis.my_rank = int(request.POST.get(f"rang-{axis.pk}", 0) or 0) if error else mine.get(axis.pk, default)
    return render(
        request,
        "network/axis_ranking.html",
        {
            "network": network,
            "axes": axes,
            "positions": range(1, len(axes) + 1),
            "has_ballot": bool(mine),
            "me": me,
            "error": error,
            "ranking_open": network.vote_mode == Network.VoteMode.RANKING,
            "ranking": network.axes.ranked(network.vote_mode).select_related("meeting"),
            "voter_count": services.voter_count(network),
            "can_manage": can(request.user, "change", network),
            "modes": Network.VoteMode.choices,
        },
    )


@require_POST
def vote_mode(request, slug):
    network = get_network(request, slug, "change")
    try:
        services.set_vote_mode(network, request.POST.get("mode", ""), request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Choix des axes : {network.get_vote_mode_display().lower()}.")
    return redirect("network:axis_ranking", network.slug)
