from quartiers.gup import services
from quartiers.gup.models import Report
from tests.gup import helpers as h


def test_same_category_open_and_near_is_suggested(world):
    first = h.report(world)
    near = (h.CALAIS[0] + 0.0003, h.CALAIS[1])  # about 21 m east
    found = services.nearby_open("parties_communes", *near)
    assert [r.pk for r in found] == [first.pk] and 15 < found[0].distance < 30
    assert services.nearby_open("voirie", *near) == []  # other category
    assert services.nearby_open("parties_communes", h.CALAIS[0] + 0.002, h.CALAIS[1]) == []  # ~140 m
    services.transition(world.users["chef"], first, "resoudre")
    assert services.nearby_open("parties_communes", *near) == []  # resolved: not a duplicate


def test_form_asks_before_creating_a_duplicate(world, login):
    h.report(world)
    client = login(world.users["partenaire"])
    data = {"category": "parties_communes", "qpv": world.qpv_beau_marais.code, "lon": "1.8736", "lat": "50.9513"}
    response = client.post("/gup/signalements/nouveau/", data)
    assert response.status_code == 200 and "Déjà signalé tout près" in response.content.decode()
    assert Report.objects.count() == 1
    response = client.post("/gup/signalements/nouveau/", {**data, "confirm_duplicate": "True"})
    assert response.status_code == 302 and Report.objects.count() == 2


def test_nearby_endpoint(world, login):
    first = h.report(world)
    client = login(world.users["lecteur"])
    data = client.get("/gup/signalements/proches/", {"categorie": "parties_communes", "lon": 1.8735, "lat": 50.9513})
    assert data.json()["resultats"][0]["reference"] == first.reference
    bad = client.get("/gup/signalements/proches/", {"categorie": "x", "lon": 1, "lat": 50})
    assert bad.status_code == 400 and "Catégorie" in bad.json()["erreur"]
