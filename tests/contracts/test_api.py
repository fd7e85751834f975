import datetime as dt

from django.urls import reverse

from quartiers.contracts import services
from quartiers.core import api
from tests.contracts.helpers import bailleur_commitment, first_indicator


def test_commitments_api_with_token(world, client):
    commitment = bailleur_commitment(world)
    services.record_measurement(None, first_indicator(commitment), measured_on=dt.date(2025, 6, 30), value="5")
    key = api.create_token(world.users["lecteur"], "test")
    url = reverse("api:contracts_api_commitments", args=[commitment.contract_id])
    data = client.get(url, HTTP_AUTHORIZATION=f"Token {key}").json()
    assert data["count"] == 1
    item = data["results"][0]
    assert (item["organisation"], item["statut"], item["avancement"]) == ("Bailleur social (test)", "prevu", 50)
    assert item["indicateurs"][0]["valeurs"] == [{"date": "2025-06-30", "valeur": 5.0}]
    assert client.get(url, HTTP_AUTHORIZATION="Token faux").status_code == 401
    listing = client.get(reverse("api:contracts_api_list") + "?generation=2024-2030", HTTP_AUTHORIZATION=f"Token {key}")
    assert listing.json()["results"][0]["code"] == "CN06207M"


def test_api_is_in_the_openapi_document(db, client):
    paths = client.get(reverse("core:openapi")).json()["paths"]
    assert "/api/contrats/{pk}/engagements/" in paths
