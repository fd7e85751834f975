"""The network's reads on the typed API (moved from the first registry: same paths, parameters and JSON):
networks, meetings and their agenda, priority axes, members. The views are those of `network.api_views`
(session or token, the same policy as the pages: a network is read by its members and those who steer it)."""

from ninja import Router, Schema

from quartiers.core.api_ninja import PAGE_PARAMS, page_of, param, read
from quartiers.network import api_views as v

PREFIX = "api/reseau/"
router = Router(tags=["Réseau"])


class NetworkOut(Schema):
    identifiant: str
    nom: str
    description: str
    anime_par: str | None
    membres: int
    choix_des_axes: str
    url: str


class MeetingOut(Schema):
    id: int
    titre: str
    debut: str
    fin: str | None
    lieu: str
    organisateur: str | None
    places: int | None
    inscrits: int
    liste_attente: int
    inscriptions_ouvertes: bool
    url: str


class Named(Schema):
    identifiant: str
    nom: str


class CommuneRef(Schema):
    insee: str
    nom: str


class CodeRef(Schema):
    code: str | None
    nom: str


class LinkOut(Schema):
    libelle: str
    url: str


class AgendaItemOut(Schema):
    ordre: int
    intitule: str
    description: str
    themes: list[Named]
    communes: list[CommuneRef]
    qpv: list[CodeRef]
    contrats_de_ville: list[CodeRef]
    liens: list[LinkOut]


class MeetingDetail(MeetingOut):
    reseau: str
    adresse: str
    description: str
    compte_rendu: str
    ordre_du_jour: list[AgendaItemOut]
    ics: str


class AxisOut(Schema):
    rang: int
    id: int
    intitule: str
    description: str
    statut: str
    soutiens: int
    points_borda: int
    rencontre: int | None
    url: str


class AxisList(Schema):
    reseau: str
    choix_des_axes: str
    votants: int
    count: int
    results: list[AxisOut]


class MemberOut(Schema):
    id: int
    nom: str
    organisation: str | None
    fonction: str
    commune: str | None
    epci: str | None
    animateur: bool
    email: str | None = None  # for those who may see the network's contact details only
    telephone: str | None = None


@read(
    router,
    "",
    url_name="network_api_list",
    summary="Réseaux visibles par l'utilisateur",
    response=page_of(NetworkOut, "NetworkPage"),
    params=PAGE_PARAMS,
)
def network_api_list(request):
    return v.network_list(request)


@read(
    router,
    "rencontres/{int:pk}/",
    url_name="network_api_meeting",
    summary="Une rencontre, avec son ordre du jour (thèmes, territoires et liens de chaque point)",
    response=MeetingDetail,
)
def network_api_meeting(request, pk: int):
    return v.meeting_detail(request, pk)


@read(
    router,
    "{slug:slug}/rencontres/",
    url_name="network_api_meetings",
    summary="Rencontres d'un réseau, à venir ou passées",
    response=page_of(MeetingOut, "MeetingPage"),
    params=[param("periode", "a-venir (défaut) ou passees"), *PAGE_PARAMS],
)
def network_api_meetings(request, slug: str):
    return v.meeting_list(request, slug)


@read(
    router,
    "{slug:slug}/axes/",
    url_name="network_api_axes",
    summary="Axes prioritaires d'un réseau dans l'ordre du classement actuel (soutiens, points de Borda, votants)",
    response=AxisList,
)
def network_api_axes(request, slug: str):
    return v.axis_list(request, slug)


@read(
    router,
    "{slug:slug}/membres/",
    url_name="network_api_members",
    summary="Membres actifs d'un réseau ; e-mail et téléphone pour ses seuls membres",
    response=page_of(MemberOut, "MemberPage"),
    params=PAGE_PARAMS,
)
def network_api_members(request, slug: str):
    return v.member_list(request, slug)
