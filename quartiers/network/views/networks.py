"""Networks: the list, a network's page, its directory (with exports) and adding a member."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can
from quartiers.network import services
from quartiers.network.forms import DirectoryFilterForm, MemberForm
from quartiers.network.models import Meeting, Network
from quartiers.network.summary import network_summary

from ._common import export_query, get_network, upcoming_with_counts

DIRECTORY_COLUMNS = [
    ("Nom", "full_name"),
    ("Organisation", "organisation.name"),
    ("Type d'organisation", lambda m: m.organisation.get_kind_display() if m.organisation_id else ""),
    ("Fonction", "function"),
    ("Territoire", lambda m: m.territory.nom if m.territory else ""),
]
CONTACT_COLUMNS = [("E-mail", "contact_email"), ("Téléphone", "phone")]


@require_safe
def index(request):
    authorize(request.user, "view", None)
    networks = (
        Network.objects.visible_to(request.user)
        .select_related("animator")
        .annotate(member_count=Count("members", filter=Q(members__active=True), distinct=True))
    )
    upcoming = upcoming_with_counts(Meeting.objects.visible_to(request.user))[:10]
    return render(request, "network/index.html", {"networks": networks, "upcoming": upcoming})


@require_safe
def detail(request, slug):
    # The reader's member card comes with the network (one query): the page needs only its calendar token.
    network = get_network(request, slug, queryset=Network.objects.with_calendar_token(request.user))
    context = {
        "network": network,
        "summary": network_summary(network),
        "ranking_mode": network.vote_mode == Network.VoteMode.RANKING,
        "calendar_token": network.my_calendar_token,
        "can_manage": can(request.user, "change", network),
    }
    return render(request, "network/detail.html", context)


@require_safe
def directory(request, slug):
    network = get_network(request, slug)
    form = DirectoryFilterForm(request.GET or None, network=network)
    members = form.filter(network.members.active().for_directory())
    show_contacts = can(request.user, "view", network.contacts)
    fmt = request.GET.get("format")
    if fmt:
        columns = DIRECTORY_COLUMNS + (CONTACT_COLUMNS if show_contacts else [])
        return export_response(members, columns, f"annuaire-{network.slug}", fmt)
    return render(
        request,
        "network/directory.html",
        {
            "network": network,
            "form": form,
            "members": members,
            "show_contacts": show_contacts,
            "export_query": export_query(request),
            "can_manage": can(request.user, "change", network),
        },
    )


def member_add(request, slug):
    network = get_network(request, slug, "change")
    form = MemberForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        member = form.save(commit=False)
        member.user = form.cleaned_data["account_email"]
        services.add_member(network, member, request.user)
        messages.success(request, f"{member} a été ajouté·e au réseau.")
        return redirect("network:directory", network.slug)
    return render(request, "network/form.html", {"network": network, "form": form, "title": "Ajouter un membre"})
