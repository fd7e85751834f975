from quartiers.core import api
from tests.gup import helpers as h


def test_reports_api_with_a_token(world, client, django_assert_max_num_queries):
    report = h.report(world)
    key = api.create_token(world.users["lecteur"], "tableau de bord externe")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    data = client.get("/api/gup/signalements/", {"qpv": "QN06254M"}, **auth).json()
    assert data["count"] == 1 and data["results"][0]["reference"] == report.reference
    assert data["results"][0]["gestionnaire"] == "Bailleur social (test)"
    detail = client.get(f"/api/gup/signalements/{report.pk}/", **auth).json()
    assert detail["historique"][0]["statut"] == "transmis"
    bad = client.get("/api/gup/signalements/", {"statut": "fini"}, **auth)
    assert bad.status_code == 400 and "Statut inconnu" in bad.json()["erreur"]
    assert client.get("/api/gup/signalements/", HTTP_AUTHORIZATION="Token faux").status_code == 401
    for _ in range(5):
        h.report(world, point=(1.88, 50.95))
    with django_assert_max_num_queries(6):
        assert client.get("/api/gup/signalements/", **auth).json()["count"] == 6


def test_openapi_lists_the_gup_endpoints(client):
    """On the typed API (OpenAPI 3.1, with their response schemas); /api/openapi.json serves that one document."""
    paths = client.get("/api/schema/").json()["paths"]
    assert "/api/gup/signalements/" in paths and "/api/gup/signalements/{pk}/" in paths
    ok = paths["/api/gup/signalements/{pk}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/ReportDetail"}
    assert client.get("/api/openapi.json").json()["paths"] == paths
