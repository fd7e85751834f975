"""Report form: address through the (optional) geocoder, bad input, and the pages a manager uses."""

from quartiers.gup import services
from quartiers.gup.models import Report
from tests.gup import helpers as h


def _post(client, world, **data):
    return client.post(
        "/gup/signalements/nouveau/",
        {"category": "parties_communes", "qpv": world.qpv_beau_marais.code, **data},
    )


def test_address_is_geocoded_when_a_geocoder_answers(world, login, monkeypatch):
    h.bailleur_area(world)
    monkeypatch.setattr(services, "geocode", lambda address, commune=None: (1.8801, 50.9602, "1 rue (test)"))
    response = _post(login(world.users["partenaire"]), world, address="1 rue du Test")
    report = Report.objects.get()
    assert response.status_code == 302 and (report.lon, report.lat) == (1.8801, 50.9602)


def test_address_not_found_asks_for_the_map(world, login, monkeypatch):
    monkeypatch.setattr(services, "geocode", lambda address, commune=None: None)
    response = _post(login(world.users["partenaire"]), world, address="Nulle part")
    assert "placez le point sur la carte" in response.content.decode()
    assert not Report.objects.exists()


def test_geocoder_guard_never_raises(world):
    # Whether or not the geocoding module (and its address base) is there, the guard answers or says None.
    result = services.geocode("1 rue de la Paix", world.calais)
    assert result is None or len(result) == 3


def test_missing_point_and_category(world, login):
    client = login(world.users["partenaire"])
    response = _post(client, world)
    assert "Placez le signalement sur la carte" in response.content.decode()
    response = client.post("/gup/signalements/nouveau/", {"qpv": world.qpv_beau_marais.code, "lon": 1.87, "lat": 50.95})
    assert "Choisissez une catégorie." in response.content.decode()
    assert not Report.objects.exists()


def test_other_territory_cannot_pick_this_quartier(world, login):
    response = _post(login(world.users["autre_chef"]), world, lon="1.87", lat="50.95")
    assert response.status_code == 200 and not Report.objects.exists()


def test_area_and_coordination_forms(world, login):
    import json

    client = login(world.users["chef"])
    response = client.post(
        "/gup/gestionnaires/perimetres/nouveau/",
        {
            "organisation": world.orgs["agglo"].pk,
            "label": "Centre",
            "commune": world.calais.pk,
            "categories": ["eclairage"],
            "polygon_text": json.dumps(h.SQUARE),
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/gup/gestionnaires/perimetres/nouveau/",
        {"organisation": world.orgs["agglo"].pk, "label": "Rien", "commune": world.calais.pk},
    )
    assert "Choisissez un quartier entier ou dessinez un périmètre" in response.content.decode()
    response = client.post(
        "/gup/gestionnaires/coordination/",
        {"epci": world.grand_calais.pk, "organisation": world.orgs["agglo"].pk, "public_map": "on"},
    )
    assert response.status_code == 302
    assert client.get("/gup/public/epci/200090751/").status_code == 200
    # The other territory's chef cannot configure Calais.
    other = login(world.users["autre_chef"]).post(
        "/gup/gestionnaires/perimetres/nouveau/",
        {"organisation": world.orgs["cud"].pk, "label": "X", "commune": world.calais.pk, "qpv": world.qpv.code},
    )
    assert other.status_code == 200 and "commune" in other.content.decode()


def test_detail_page_for_the_manager_shows_actions(world, login):
    report = h.report(world)
    page = login(world.users["partenaire"]).get(f"/gup/signalements/{report.pk}/").content.decode()
    assert "Prendre en charge" in page and "Rediriger" in page
    page = login(world.users["lecteur"]).get(f"/gup/signalements/{report.pk}/").content.decode()
    assert "Prendre en charge" not in page


def test_qpv_fiche_counts_its_reports(world, login):
    h.report(world)
    url = f"/territoires/qpv/{world.qpv_beau_marais.code}/"
    page = login(world.users["lecteur"]).get(url).content.decode()
    assert "Signalements GUP : 1 en cours sur 1" in page
    assert "Signalements GUP" not in login(None).get(url).content.decode()
