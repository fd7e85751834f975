"""The read-only JSON API: search and filters, detail with attachments, permissions, tokens, query count."""

from django.urls import reverse

from quartiers.core import api
from tests.resources.helpers import attach_png, calais_document, make_document

LIST = "api:resources_api_documents"


def test_list_searches_ranks_and_highlights(client, world):
    make_document("Guide de la gestion urbaine de proximité", text="Le diagnostic en marchant du quartier.")
    make_document("Circulaire emplois francs", text="Les emplois francs dans les quartiers prioritaires.")
    data = client.get(reverse(LIST), {"q": "quartiers"}).json()
    assert data["count"] == 2
    assert all("<mark>" in r["extrait"] and r["pertinence"] > 0 for r in data["results"])
    none = client.get(reverse(LIST), {"q": "npnru"}).json()
    assert none["count"] == 0 and none["results"] == []


def test_list_filters_by_type_territory_and_date(client, world):
    make_document("Guide général", type="guide")
    calais = calais_document(world, title="Compte rendu de Calais", type="compte_rendu")
    data = client.get(reverse(LIST), {"territoire": "commune:62193"}).json()
    assert [r["id"] for r in data["results"]] == [calais.pk]
    assert data["results"][0]["communes"] == ["62193"]
    assert client.get(reverse(LIST), {"type": "guide"}).json()["count"] == 1
    assert client.get(reverse(LIST), {"du": "2030-01-01"}).json()["count"] == 0


def test_bad_parameters_get_a_french_error(client, world):
    for params, start in (
        ({"type": "roman"}, "Type inconnu"),
        ({"territoire": "62193"}, "« territoire » s'écrit"),
        ({"territoire": "ville:Calais"}, "« territoire » s'écrit"),
        ({"du": "25/01/2019"}, "« du » doit être une date"),
        ({"q": "x" * 201}, "La recherche est limitée"),
        ({"page": "deux"}, "Les paramètres"),
    ):
        response = client.get(reverse(LIST), params)
        assert response.status_code == 400, params
        assert response.json()["erreur"].startswith(start), params


def test_reserved_documents_for_members_only(client, world):
    make_document("Public", public=True)
    reserved = make_document("Note interne réservée", public=False)
    assert client.get(reverse(LIST)).json()["count"] == 1
    url = reverse("api:resources_api_document", args=[reserved.pk])
    response = client.get(url)
    assert response.status_code == 401 and "réservé" in response.json()["erreur"]
    client.force_login(world.users["lecteur"])
    assert client.get(reverse(LIST)).json()["count"] == 2
    assert client.get(url).json()["titre"] == "Note interne réservée"


def test_token_auth_sees_reserved_documents_and_bad_token_is_refused(client, world):
    reserved = make_document("Note interne réservée", public=False)
    key = api.create_token(world.users["lecteur"], "test")
    data = client.get(reverse(LIST), HTTP_AUTHORIZATION=f"Token {key}").json()
    assert [r["id"] for r in data["results"]] == [reserved.pk]
    assert client.get(reverse(LIST), HTTP_AUTHORIZATION="Token faux").status_code == 401


def test_detail_lists_attachments_metadata(client, world):
    doc = make_document("Document avec plan", text="Voir https://example.org/plan.")
    attachment = attach_png(doc)
    data = client.get(reverse("api:resources_api_document", args=[doc.pk])).json()
    assert data["liens"] == ["https://example.org/plan"]
    [item] = data["pieces_jointes"]
    assert item["id"] == attachment.pk and item["nom"] == attachment.name
    assert item["taille"] == attachment.size and item["type_mime"] == "image/png"
    assert item["url"].endswith(reverse("resources:download", args=[doc.pk, attachment.pk]))
    assert client.get(reverse("api:resources_api_document", args=[999999])).status_code == 404


def test_list_query_count_does_not_grow(client, world, django_assert_num_queries):
    def load(n):
        for i in range(n):
            calais_document(world, title=f"Quartier prioritaire {i}", themes=["npnru"])

    # count, page, then one prefetch each for themes, communes, EPCI and QPV; searching adds the words' weights,
    # their postings (read again: documents were added), the candidates through the filters and the excerpts.
    searching = 10
    load(2)
    with django_assert_num_queries(6):
        client.get(reverse(LIST))
    with django_assert_num_queries(searching):
        client.get(reverse(LIST), {"q": "quartier"})
    load(15)
    with django_assert_num_queries(6):
        assert client.get(reverse(LIST)).json()["count"] == 17
    with django_assert_num_queries(searching):
        assert client.get(reverse(LIST), {"q": "quartier"}).json()["count"] == 17


def test_openapi_describes_the_resources(client, world):
    paths = client.get(reverse("core:openapi")).json()["paths"]
    assert "/api/ressources/documents/" in paths and "/api/ressources/documents/{pk}/" in paths
    names = [p["name"] for p in paths["/api/ressources/documents/"]["get"]["parameters"]]
    assert {"q", "type", "territoire", "du", "au"} <= set(names)
