"""API: JSON and GeoJSON, filters, pagination, OpenAPI description."""

from django.urls import reverse

from quartiers.territories.models import IndicatorDefinition, IndicatorValue


def test_qpv_api_filters_and_paginates(client, world):
    url = reverse("api:territories_api_qpv_list")
    data = client.get(url, {"departement": "62", "taille": 1}).json()
    assert data["count"] == 2 and data["pages"] == 2 and data["next"].endswith("page=2&taille=1") is False
    assert data["results"][0]["code"] == "QN06253M"
    assert data["results"][0]["communes"] == [{"insee": "62193", "nom": "Calais"}]
    assert "page=2" in data["next"]
    geo = client.get(url, {"format": "geojson", "generation": "2024"})
    assert geo["Content-Type"] == "application/geo+json"
    assert geo.json()["type"] == "FeatureCollection" and geo.json()["count"] == 3
    assert client.get(url, {"page": "x"}).json()["erreur"].startswith("Les paramètres")


def test_qpv_detail_and_indicator_api(client, world):
    indicator = IndicatorDefinition.objects.create(code="tp60", libelle="Taux de pauvreté (test)", unite="%")
    IndicatorValue.objects.create(indicator=indicator, level="qpv", code="QN06253M", secret=True)
    detail = client.get(reverse("api:territories_api_qpv_detail", args=["QN06253M"])).json()
    assert detail["contrats_de_ville"] == ["CN06207M"]
    assert detail["indicateurs"]["tp60"] == {"valeur": None, "secret": True, "millesime": None}
    assert detail["contour"] is None
    values = client.get(reverse("api:territories_api_indicateur_valeurs"), {"niveau": "qpv"}).json()
    assert values["results"][0]["secret"] is True
    contrats = client.get(reverse("api:territories_api_contrats"), {"epci": "200090751"}).json()
    assert contrats["results"][0]["qpv"] == ["QN06253M", "QN06254M"]
    communes = client.get(reverse("api:territories_api_communes"), {"epci": "245900428"}).json()
    assert [c["insee"] for c in communes["results"]] == ["59183"]


def test_bad_token_is_refused(client, world):
    response = client.get(reverse("api:territories_api_qpv_list"), HTTP_AUTHORIZATION="Token faux")
    assert response.status_code == 401


def test_openapi_describes_the_territories(client, world):
    paths = client.get(reverse("core:openapi")).json()["paths"]
    assert "/api/territoires/qpv/" in paths and "/api/territoires/qpv/{code}/" in paths
    names = [p["name"] for p in paths["/api/territoires/qpv/"]["get"]["parameters"]]
    assert {"departement", "generation", "npnru", "format", "page"} <= set(names)
