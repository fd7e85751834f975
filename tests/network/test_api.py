"""The read-only JSON API of the network module: same policy as the pages, contacts for members only."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.core.api import create_token
from quartiers.network import services
from quartiers.network.models import Network, NetworkMember
from tests.network.helpers import SLUG, make_axis, make_meeting, make_network, member
from tests.network.test_views import _other_chef_of_calais

API_NAMES = [
    "api:network_api_list",
    "api:network_api_meetings",
    "api:network_api_meeting",
    "api:network_api_axes",
    "api:network_api_members",
]


def test_networks_visible_to_the_user_only(world, login):
    make_network(world)
    Network.objects.create(name="Réseau de l'Oise", slug="reseau-oise")
    data = login(world.users["lecteur"]).get(reverse("api:network_api_list")).json()
    assert [n["identifiant"] for n in data["results"]] == [SLUG]
    assert data["results"][0]["membres"] == 3
    assert login(world.users["autre_chef"]).get(reverse("api:network_api_list")).json()["count"] == 0
    assert login(world.users["admin"]).get(reverse("api:network_api_list")).json()["count"] == 2


def test_token_auth_and_french_errors(world, client):
    make_network(world)
    response = client.get(reverse("api:network_api_list"))
    assert response.status_code == 401
    assert response.json()["erreur"].startswith("Authentification requise")
    key = create_token(world.users["lecteur"], "test")
    data = client.get(reverse("api:network_api_list"), HTTP_AUTHORIZATION=f"Token {key}").json()
    assert data["count"] == 1
    assert client.get(reverse("api:network_api_list"), HTTP_AUTHORIZATION="Token faux").status_code == 401
    outsider = create_token(world.users["autre_chef"], "test")
    response = client.get(reverse("api:network_api_axes", args=[SLUG]), HTTP_AUTHORIZATION=f"Token {outsider}")
    assert response.status_code == 403 and response.json() == {"erreur": "Vous n'avez pas accès à ce réseau."}
    response = client.get(reverse("api:network_api_axes", args=["inconnu"]), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 404 and response.json() == {"erreur": "Réseau introuvable."}


def test_upcoming_and_past_meetings(world, login):
    make_meeting(world, days=10, title="À venir", capacity=30)
    past = make_meeting(world, days=-30, title="Passée")
    services.register(make_meeting(world, days=3, title="Bientôt"), member(world, "chef"), None)
    client = login(world.users["chef"])
    url = reverse("api:network_api_meetings", args=[SLUG])
    upcoming = client.get(url).json()["results"]
    assert [(m["titre"], m["inscrits"]) for m in upcoming] == [("Bientôt", 1), ("À venir", 0)]
    assert upcoming[1]["places"] == 30
    assert [m["id"] for m in client.get(url + "?periode=passees").json()["results"]] == [past.pk]
    response = client.get(url + "?periode=demain")
    assert response.status_code == 400 and "« periode »" in response.json()["erreur"]


def test_meeting_with_agenda_items(world, login):
    meeting = make_meeting(world, title="Rencontre du Littoral")
    services.add_agenda_item(
        meeting,
        None,
        "État des lieux des QPV",
        themes=["etat-des-lieux-qpv"],
        communes=[world.calais],
        qpvs=[world.qpv],
        links=[("/contrats/", "Contrats de ville")],
    )
    services.add_agenda_item(meeting, None, "Le NPNRU", themes=["npnru", "gup"])
    data = login(world.users["lecteur"]).get(reverse("api:network_api_meeting", args=[meeting.pk])).json()
    assert data["titre"] == "Rencontre du Littoral" and data["reseau"] == SLUG
    assert data["ics"] == f"http://testserver/reseau/rencontres/{meeting.pk}/rencontre.ics"
    first, second = data["ordre_du_jour"]
    assert first["themes"] == [{"identifiant": "etat-des-lieux-qpv", "nom": "État des lieux des QPV"}]
    assert first["communes"] == [{"insee": "62193", "nom": "Calais"}]
    assert first["qpv"] == [{"code": world.qpv.code, "nom": world.qpv.nom}]
    assert first["liens"] == [{"libelle": "Contrats de ville", "url": "http://testserver/contrats/"}]
    assert [t["identifiant"] for t in second["themes"]] == ["npnru", "gup"]
    assert (
        login(world.users["autre_chef"]).get(reverse("api:network_api_meeting", args=[meeting.pk])).status_code == 403
    )
    assert login(world.users["lecteur"]).get(reverse("api:network_api_meeting", args=[999999])).status_code == 404


def test_axes_in_ranking_order(world, login):
    network = make_network(world)
    first, second = make_axis(world, title="Premier"), make_axis(world, title="Second")
    services.support(second, member(world, "chef"), None)
    client = login(world.users["lecteur"])
    data = client.get(reverse("api:network_api_axes", args=[SLUG])).json()
    assert [(a["rang"], a["intitule"], a["soutiens"]) for a in data["results"]] == [(1, "Second", 1), (2, "Premier", 0)]
    services.set_vote_mode(network, "classement", None)
    services.rank_axes(network, member(world, "lecteur"), [first.pk, second.pk], None)
    data = client.get(reverse("api:network_api_axes", args=[SLUG])).json()
    assert data["choix_des_axes"] == "classement" and data["votants"] == 1
    assert [(a["intitule"], a["points_borda"]) for a in data["results"]] == [("Premier", 2), ("Second", 1)]


def test_member_contacts_only_for_those_allowed(world, login):
    make_network(world)
    url = reverse("api:network_api_members", args=[SLUG])
    for role in ("lecteur", "admin"):
        row = next(m for m in login(world.users[role]).get(url).json()["results"] if m["fonction"].startswith("Cheffe"))
        assert row["email"] == "chef@exemple.test" and row["telephone"] == "03 21 00 00 00", role
    rows = login(_other_chef_of_calais(world)).get(url).json()["results"]
    assert len(rows) == 3
    assert all("email" not in r and "telephone" not in r for r in rows)


def test_every_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/schema/").json()["paths"]
    operations = {op["operationId"] for path in paths.values() for op in path.values()}
    assert {name.removeprefix("api:") for name in API_NAMES} <= operations
    assert "/api/reseau/{slug}/rencontres/" in paths
    assert [p["name"] for p in paths["/api/reseau/{slug}/rencontres/"]["get"]["parameters"]][:2] == ["slug", "periode"]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_endpoints_run_a_constant_number_of_queries(world, login):
    network = make_network(world)
    meeting = make_meeting(world)
    client = login(world.users["chef"])
    urls = [
        reverse("api:network_api_list"),
        reverse("api:network_api_meetings", args=[SLUG]),
        reverse("api:network_api_meeting", args=[meeting.pk]),
        reverse("api:network_api_axes", args=[SLUG]),
        reverse("api:network_api_members", args=[SLUG]),
    ]

    def grow(n, start):
        for i in range(start, start + n):
            NetworkMember.objects.create(network=network, full_name=f"M{i}", organisation=world.orgs["cud"])
            make_meeting(world, days=i + 1, title=f"R{i}")
            services.add_agenda_item(meeting, None, f"Point {i}", themes=["npnru"], communes=[world.calais])
            make_axis(world, title=f"Axe {i}")

    grow(2, 0)
    few = [_count(client, u) for u in urls]
    grow(12, 10)
    assert [_count(client, u) for u in urls] == few
