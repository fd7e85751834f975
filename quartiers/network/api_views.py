"""JSON API of the network module (read only): same permission policy as the pages.

Networks are visible to their members and to those who steer them (Network.objects.visible_to);
members' e-mail and phone are only given to those who may see the network's contact details.
"""

from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from quartiers.core import api
from quartiers.core.permissions import can
from quartiers.network import services
from quartiers.network.models import AgendaItem, Meeting, Network
from quartiers.territories.models import QPV

LOGIN_REQUIRED = "Authentification requise (session ou en-tête « Authorization: Token … »)."
FORBIDDEN = "Vous n'avez pas accès à ce réseau."


def _json(data):
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def _user_or_error(request):
    user = api.user_from_request(request)
    if user is None or not getattr(user, "is_authenticated", False):
        return None, api.error(LOGIN_REQUIRED, 401)
    return user, None


def _network_or_error(request, slug):
    user, error = _user_or_error(request)
    if error:
        return None, None, error
    network = Network.objects.select_related("animator").filter(slug=slug).first()
    if network is None:
        return None, None, api.error("Réseau introuvable.", 404)
    if not can(user, "view", network):
        return None, None, api.error(FORBIDDEN, 403)
    return user, network, None


def _url(request, obj):
    return request.build_absolute_uri(obj.get_absolute_url())


def network_list(request):
    user, error = _user_or_error(request)
    if error:
        return error
    networks = (
        Network.objects.visible_to(user)
        .select_related("animator")
        .annotate(member_count=Count("members", filter=Q(members__active=True), distinct=True))
    )
    return api.paginate(
        request,
        networks,
        lambda n: {
            "identifiant": n.slug,
            "nom": n.name,
            "description": n.description,
            "anime_par": n.animator.name if n.animator_id else None,
            "membres": n.member_count,
            "choix_des_axes": n.vote_mode,
            "url": _url(request, n),
        },
    )


def _meeting_summary(request, m):
    return {
        "id": m.pk,
        "titre": m.title,
        "debut": timezone.localtime(m.starts_at).isoformat(),
        "fin": timezone.localtime(m.ends_at).isoformat() if m.ends_at else None,
        "lieu": m.place,
        "organisateur": m.organiser.name if m.organiser_id else None,
        "places": m.capacity,
        "inscrits": m.confirmed_count,
        "liste_attente": m.waiting_count,
        "inscriptions_ouvertes": m.registrations_open,
        "url": _url(request, m),
    }


def meeting_list(request, slug):
    _user, network, error = _network_or_error(request, slug)
    if error:
        return error
    period = request.GET.get("periode", "a-venir")
    meetings = network.meetings.with_counts().select_related("organiser")
    if period == "a-venir":
        meetings = meetings.upcoming()
    elif period == "passees":
        meetings = meetings.past()
    else:
        return api.error("Le paramètre « periode » vaut « a-venir » ou « passees ».")
    return api.paginate(request, meetings, lambda m: _meeting_summary(request, m))


def meeting_detail(request, pk):
    user, error = _user_or_error(request)
    if error:
        return error
    meeting = Meeting.objects.with_counts().select_related("network", "organiser").filter(pk=pk).first()
    if meeting is None:
        return api.error("Rencontre introuvable.", 404)
    if not can(user, "view", meeting):
        return api.error(FORBIDDEN, 403)
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related(
        "themes", "communes", Prefetch("qpvs", queryset=QPV.objects.only("id", "code", "nom")), "contrats", "links"
    )
    data = _meeting_summary(request, meeting)
    data.update(
        {
            "reseau": meeting.network.slug,
            "adresse": meeting.address,
            "description": meeting.description,
            "compte_rendu": meeting.minutes,
            "ordre_du_jour": [_agenda_item(request, item) for item in items],
            "ics": request.build_absolute_uri(reverse("network:meeting_ics", args=[meeting.pk])),
        }
    )
    return _json(data)


def _agenda_item(request, item):
    return {
        "ordre": item.position,
        "intitule": item.title,
        "description": item.description,
        "themes": [{"identifiant": t.slug, "nom": t.name} for t in item.themes.all()],
        "communes": [{"insee": c.insee, "nom": c.nom} for c in item.communes.all()],
        "qpv": [{"code": q.code, "nom": q.nom} for q in item.qpvs.all()],
        "contrats_de_ville": [{"code": c.code, "nom": c.nom} for c in item.contrats.all()],
        "liens": [{"libelle": link.label, "url": request.build_absolute_uri(link.url)} for link in item.links.all()],
    }


def axis_list(request, slug):
    _user, network, error = _network_or_error(request, slug)
    if error:
        return error
    axes = list(network.axes.ranked(network.vote_mode).select_related("meeting"))
    return _json(
        {
            "reseau": network.slug,
            "choix_des_axes": network.vote_mode,
            "votants": services.voter_count(network),
            "count": len(axes),
            "results": [
                {
                    "rang": rank,
                    "id": axis.pk,
                    "intitule": axis.title,
                    "description": axis.description,
                    "statut": axis.status,
                    "soutiens": axis.support_count,
                    "points_borda": axis.borda_points,
                    "rencontre": axis.meeting_id,
                    "url": _url(request, axis),
                }
                for rank, axis in enumerate(axes, start=1)
            ],
        }
    )


def member_list(request, slug):
    user, network, error = _network_or_error(request, slug)
    if error:
        return error
    with_contacts = can(user, "view", network.contacts)
    members = network.members.active().for_directory()

    def serialize(m):
        data = {
            "id": m.pk,
            "nom": m.full_name,
            "organisation": m.organisation.name if m.organisation_id else None,
            "fonction": m.function,
            "commune": m.commune_id,
            "epci": m.epci_id,
            "animateur": m.is_animator,
        }
        if with_contacts:
            data["email"] = m.contact_email
            data["telephone"] = m.phone
        return data

    return api.paginate(request, members, serialize)
