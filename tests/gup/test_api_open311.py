"""Open311 GeoReport v2 (quartiers/gup/open311.py): the spec's calls, a report filed by POST routed as the form
routes it, and bad input answered in the spec's error format (in French) with nothing written."""

from django.urls import reverse

from quartiers.accounts import api_tokens
from quartiers.gup.models import CATEGORIES, Report
from tests.gup.helpers import CALAIS, bailleur_area, report

BASE = "/open311/v2/"


def _key(user, level="write"):
    return api_tokens.create(user, "Logiciel de la ville", {"gup": level})[1]


def _new(w, key, **extra):
    data = {
        "api_key": key,
        "jurisdiction_id": "200090751",
        "service_code": "parties_communes",
        "lat": str(CALAIS[1]),
        "long": str(CALAIS[0]),
        "description": "Porte du hall 3 cassée",
        "attribute[qpv]": w.qpv_beau_marais.code,
    }
    return {**data, **extra}


def test_services_lists_our_categories_and_refuses_an_unknown_jurisdiction(world, client):
    answer = client.get(BASE + "services.json", {"jurisdiction_id": "200090751"})
    assert answer.status_code == 200
    services = answer.json()
    assert [s["service_code"] for s in services] == list(CATEGORIES)
    assert {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"} <= set(services[0])
    answer = client.get(BASE + "services.json", {"jurisdiction_id": "999999999"})
    assert answer.status_code == 404
    assert answer.json()[0]["code"] == 404 and "jurisdiction_id inconnu" in answer.json()[0]["description"]


def test_a_report_posted_by_open311_is_routed_and_shows_on_the_managers_dashboard(world, client, login):
    bailleur_area(world)  # the landlord manages the common parts of Beau Marais
    answer = client.post(BASE + "requests.json", _new(world, _key(world.users["chef"])))
    assert answer.status_code == 200, answer.content
    created = answer.json()[0]
    assert created["service_request_id"].startswith("GUP-") and "Bailleur social (test)" in created["service_notice"]
    report_ = Report.objects.get(reference=created["service_request_id"])
    assert report_.manager == world.orgs["bailleur"] and report_.reporter == world.users["chef"]
    dashboard = login(world.users["partenaire"]).get(reverse("gup:index")).content.decode()
    assert created["service_request_id"] in dashboard
    # And it reads back through the spec's GET calls.
    key = _key(world.users["partenaire"], "read")
    one = client.get(BASE + f"requests/{report_.reference}.json", {"api_key": key}).json()
    assert one[0]["status"] == "open" and one[0]["agency_responsible"] == "Bailleur social (test)"
    assert one[0]["lat"] == CALAIS[1] and one[0]["service_code"] == "parties_communes"


def test_requests_filters(world, client):
    first = report(world)
    report(world, category="eclairage", point=(1.8736, 50.9514))
    key = _key(world.users["lecteur"], "read")

    def ids(**q):
        return [r["service_request_id"] for r in client.get(BASE + "requests.json", {"api_key": key, **q}).json()]

    assert len(ids()) == 2
    assert ids(service_code="eclairage") != [first.reference] and len(ids(service_code="eclairage")) == 1
    assert ids(service_request_id=first.reference) == [first.reference]
    assert ids(status="closed") == [] and len(ids(status="open")) == 2
    assert len(ids(bbox="1.8,50.9,1.9,51.0")) == 2 and ids(bbox="2.0,48.0,2.1,48.1") == []
    assert ids(start_date="2000-01-01T00:00:00Z", end_date="2000-12-31T00:00:00Z") == []
    assert len(ids(jurisdiction_id="200090751")) == 2 and ids(jurisdiction_id="245900428") == []
    answer = client.get(BASE + "requests.json", {"api_key": key, "status": "ouvert"})
    assert answer.status_code == 400 and "status" in answer.json()[0]["description"]
    answer = client.get(BASE + "requests.json", {"api_key": key, "bbox": "a,b"})
    assert answer.status_code == 400 and "bbox" in answer.json()[0]["description"]


def test_bad_input_gets_the_spec_error_array_in_french_and_writes_nothing(world, client):
    bailleur_area(world)
    key = _key(world.users["chef"])
    cases = [
        (_new(world, key, service_code="nid_de_poule"), 400, "service_code inconnu"),
        (_new(world, key, lat="48.85", long="-40.0"), 400, "pas en France"),
        (_new(world, key, lat="beaucoup"), 400, "lat"),
        ({k: v for k, v in _new(world, key).items() if k not in ("lat", "long")}, 400, "lat et long"),
        (_new(world, key, **{"attribute[qpv]": "QN00000X"}), 400, "QPV inconnu"),
        (_new(world, key, padding="x" * 70_000), 413, "trop volumineuse"),
        (_new(world, _key(world.users["chef"], "read")), 403, "portée « écriture »"),
        (_new(world, "faux"), 401, "api_key"),
        (_new(world, _key(world.users["autre_chef"])), 403, "Vous ne pouvez pas signaler"),  # another territory
    ]
    for data, status, words in cases:
        answer = client.post(BASE + "requests.json", data)
        assert answer.status_code == status, (data, answer.content)
        error = answer.json()[0]
        assert error["code"] == status and words in error["description"], error
    assert not Report.objects.exists()


def test_a_revoked_key_stops_at_once(world, client):
    token, key = api_tokens.create(world.users["chef"], "ville", {"gup": "write"})
    assert client.get(BASE + "requests.json", {"api_key": key}).status_code == 200
    api_tokens.revoke(world.users["chef"], token)
    answer = client.get(BASE + "requests.json", {"api_key": key})
    assert answer.status_code == 401 and answer.json()[0]["code"] == 401
