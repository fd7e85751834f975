"""The programming's read API: calls, one call, the granted subsidies of a call (only the dossiers one may see)."""

from django.urls import reverse

from quartiers.core import api
from tests.programming.opendata_data import granted_world


def _get(client, name, *args, **query):
    return client.get(reverse(name, args=args), query)


def test_calls_list_filters_and_paginates(world, login):
    granted_world(world)
    client = login(world.users["lecteur"])
    body = _get(client, "api:programming_api_calls").json()
    assert body["count"] == 2 and {c["titre"] for c in body["results"]} == {
        "Appel à projets 2026",
        "Appel à projets Dunkerque 2026",
    }
    body = _get(client, "api:programming_api_calls", contrat=world.extra["calais_contract"].pk, taille=1).json()
    assert body["count"] == 1 and body["results"][0]["annee"] == 2026 and body["next"] is None
    assert _get(client, "api:programming_api_calls", annee="deux-mille").status_code == 400
    assert _get(client, "api:programming_api_calls", page="x").json() == {
        "erreur": "Les paramètres « page » et « taille » doivent être des entiers."
    }
    assert login(None).get(reverse("api:programming_api_calls")).status_code == 401


def test_call_detail_with_its_financers(world, login):
    granted_world(world)
    call = world.extra["call"]
    body = _get(login(world.users["partenaire"]), "api:programming_api_call", call.pk).json()
    assert {f["organisation"]: f["enveloppe"] for f in body["financeurs"]} == {
        world.orgs["prefecture"].name: 50000.0,
        world.orgs["agglo"].name: 30000.0,
    }
    assert _get(login(world.users["partenaire"]), "api:programming_api_call", 999999).status_code == 404


def test_subsidies_of_a_call_follow_the_policy(world, login):
    granted_world(world)
    call = world.extra["call"]
    chef = _get(login(world.users["chef"]), "api:programming_api_subsidies", call.pk).json()
    assert chef["count"] == 4 and {s["action"] for s in chef["results"]} >= {"Atelier sans SIRET"}
    partner = _get(login(world.users["partenaire"]), "api:programming_api_subsidies", call.pk).json()
    assert partner["count"] == 3 and "Atelier sans SIRET" not in {s["action"] for s in partner["results"]}
    reader = _get(login(world.users["lecteur"]), "api:programming_api_subsidies", call.pk).json()
    assert reader["count"] == 0
    first = next(s for s in chef["results"] if s["action"] == "Accompagnement à la scolarité")
    assert first["montant_accorde"] == 12500.5 and first["siret_porteur"] == "73282932000074"


def test_token_access_and_openapi_document(world, client):
    granted_world(world)
    key = api.create_token(world.users["delegue"], "test")
    response = client.get(
        reverse("api:programming_api_subsidies", args=[world.extra["call"].pk]), HTTP_AUTHORIZATION=f"Token {key}"
    )
    # The délégué du préfet reads the dossiers the préfecture finances (financer of the call).
    assert response.status_code == 200 and response.json()["count"] == 4
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/programmation/appels/", "/api/programmation/appels/{pk}/subventions/"} <= set(paths)
