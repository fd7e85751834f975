"""Every URL of the network module × the eight users (see tests/permission_matrix.py).

The network of the cases covers "this territory" (Calais) and is animated by the resource centre
(IREV); lecteur, partenaire and chef are its members, autre_chef (Dunkerque), the délégué du préfet,
the animateur and the admin are not. Animating it (meetings, attendance, minutes, axes' status,
directory) is the animateur's and the admin's; the délégué du préfet (Pas-de-Calais) reads it; a
meeting's organiser organisation (the chef's agglomération below) steers that meeting."""

from tests.network.helpers import SLUG, make_attachment, make_axis, make_meeting, make_network, member
from tests.permission_matrix import LOGIN, MEMBERS, PUBLIC, Case, expect

VIEWERS = expect(LOGIN, 200, 200, 403, 200, 200, delegue=200, animateur=200)
PARTICIPANTS = expect(LOGIN, 200, 200, 403, 200, 200, delegue=403, animateur=200)
MANAGERS = expect(LOGIN, 403, 403, 403, 403, 200, animateur=200)
MANAGE_POST = expect(LOGIN, 403, 403, 403, 403, 302, animateur=302)
VIEWERS_POST = expect(LOGIN, 302, 302, 403, 302, 302, delegue=302, animateur=302)
NOT_FOUND = expect(404, 404, 404, 404, 404, 404)


def _slug(w):
    make_network(w)
    return [SLUG]


def _meeting(w):
    return [make_meeting(w).pk]


def _axis(w):
    return [make_axis(w).pk]


def _agglo_meeting(w):
    return [make_meeting(w, organiser=w.orgs["agglo"]).pk]


def _registered_meeting(w):
    from quartiers.network.models import Registration

    meeting = make_meeting(w)
    for role in ("lecteur", "partenaire", "chef"):
        Registration.objects.create(meeting=meeting, member=member(w, role))
    return [meeting.pk]


def _feed_token(w):
    return [member(w, "chef").calendar_token]


CASES = [
    Case("network:index", MEMBERS),
    Case("network:detail", VIEWERS, args=_slug),
    Case("network:directory", VIEWERS, args=_slug),
    Case("network:directory", VIEWERS, args=_slug, query="?territoire=epci:200090751&q=test", label="annuaire filtré"),
    Case("network:member_add", MANAGERS, args=_slug),
    Case(
        "network:member_add",
        MANAGE_POST,
        args=_slug,
        method="post",
        data={"full_name": "Personne sans compte", "function": "Chargé de mission"},
        label="POST ajout d'un membre",
    ),
    Case("network:meeting_list", VIEWERS, args=_slug),
    Case("network:meeting_create", MANAGERS, args=_slug),
    Case(
        "network:meeting_create",
        MANAGE_POST,
        args=_slug,
        method="post",
        data={"title": "Rencontre", "starts_at": "2030-01-25T09:30", "place": "Calais", "registrations_open": "on"},
        label="POST nouvelle rencontre",
    ),
    Case("network:meeting_detail", VIEWERS, args=_meeting),
    Case("network:meeting_edit", MANAGERS, args=_meeting),
    Case(
        "network:meeting_edit",
        expect(LOGIN, 403, 403, 403, 200, 200, animateur=200),
        args=_agglo_meeting,
        label="rencontre organisée par l'agglomération",
    ),
    Case(
        "network:meeting_edit",
        MANAGE_POST,
        args=_meeting,
        method="post",
        data={"title": "Rencontre modifiée", "starts_at": "2030-01-25T09:30", "place": "Calais"},
        label="POST modification de la rencontre du centre de ressources",
    ),
    Case("network:agenda_add", MANAGERS, args=_meeting),
    Case(
        "network:agenda_add",
        MANAGE_POST,
        args=_meeting,
        method="post",
        data={"title": "Le NPNRU", "themes": ["npnru"]},
        label="POST point de l'ordre du jour",
    ),
    Case("network:meeting_register", VIEWERS_POST, args=_meeting, method="post"),
    Case("network:meeting_unregister", VIEWERS_POST, args=_registered_meeting, method="post"),
    Case("network:meeting_invite", MANAGERS, args=_meeting),
    Case("network:attendance", MANAGERS, args=_registered_meeting),
    Case("network:attendance", MANAGERS, args=_registered_meeting, query="?format=xlsx", label="export émargement"),
    Case("network:minutes", MANAGERS, args=_meeting),
    Case("network:attachment_add", MANAGERS, args=_meeting),
    Case("network:attachment_download", VIEWERS, args=lambda w: [make_attachment(w).pk]),
    Case("network:meeting_ics", VIEWERS, args=_meeting),
    Case("network:feed", PUBLIC, args=_feed_token),
    Case("network:feed", NOT_FOUND, args=["jeton-inconnu"], label="agenda : mauvais jeton"),
    Case("network:axis_create", PARTICIPANTS, args=_slug),
    Case("network:axis_detail", VIEWERS, args=_axis),
    Case("network:axis_support", VIEWERS_POST, args=_axis, method="post"),
    Case("network:axis_status", MANAGE_POST, args=_axis, method="post", data={"status": "retenu"}),
    Case(
        "network:axis_group",
        MANAGE_POST,
        args=_axis,
        method="post",
        data=lambda w: {"member": member(w, "lecteur").pk, "is_lead": "on"},
    ),
    Case("network:axis_note", MANAGE_POST, args=_axis, method="post", data={"date": "2026-11-26", "text": "Suivi"}),
]


def _registration(w):
    from quartiers.network.models import Registration

    return [Registration.objects.create(meeting=make_meeting(w), member=member(w, "lecteur")).pk]


CASES += [
    Case("network:directory", VIEWERS, args=_slug, query="?format=csv", label="export de l'annuaire"),
    Case("network:meeting_list", VIEWERS, args=_slug, query="?format=xlsx", label="export des rencontres"),
    Case(
        "network:registration_add",
        MANAGE_POST,
        args=_meeting,
        method="post",
        data=lambda w: {"member": member(w, "partenaire").pk},
    ),
    Case("network:registration_cancel", MANAGE_POST, args=_registration, method="post"),
]

API_VIEWERS = expect(401, 200, 200, 403, 200, 200, delegue=200, animateur=200)
API_MEMBERS = expect(401, 200, 200, 200, 200, 200)


def _ranking_network(w):
    from quartiers.network.models import Network

    make_axis(w)
    Network.objects.filter(slug=SLUG).update(vote_mode=Network.VoteMode.RANKING)
    return [SLUG]


def _ballot(w):
    # A ballot ranks every open axis of the network (the args already created one).
    from quartiers.network import services

    axes = services.rankable_axes(make_network(w))
    return {f"rang-{axis.pk}": str(position) for position, axis in enumerate(axes, start=1)}


CASES += [
    Case("api:network_api_list", API_MEMBERS),
    Case("api:network_api_meetings", API_VIEWERS, args=_slug),
    Case("api:network_api_meetings", API_VIEWERS, args=_slug, query="?periode=passees", label="API rencontres passées"),
    Case("api:network_api_meeting", API_VIEWERS, args=_meeting),
    Case("api:network_api_axes", API_VIEWERS, args=_slug),
    Case("api:network_api_members", API_VIEWERS, args=_slug),
    Case("network:axis_ranking", VIEWERS, args=_ranking_network),
    Case(
        "network:axis_ranking",
        expect(LOGIN, 302, 302, 403, 302, 403, delegue=403, animateur=403),
        args=_ranking_network,
        method="post",
        data=_ballot,
        label="POST classement des axes",
    ),
    Case("network:vote_mode", MANAGE_POST, args=_slug, method="post", data={"mode": "classement"}),
    Case("network:member_import", MANAGERS, args=_slug),
]
