"""The national map's basemap: département outlines (shipped file, cached) and commune outlines of a zoomed view."""

import gzip
import json

from quartiers.territories import basemap
from tests.gup.helpers import SQUARE  # a made-up square around a point of Calais (test fixture)

URL_DEP = "/territoires/carte/fond/departements.geojson"
URL_COM = "/territoires/carte/fond/communes.geojson"


def test_departement_outlines_cover_france_and_stay_small(client, db):
    response = client.get(URL_DEP)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    by_code = {f["properties"]["code"]: f for f in data["features"]}
    assert len(by_code) == 101 and by_code["62"]["properties"]["nom"] == "Pas-de-Calais"
    assert by_code["62"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # Calais (1.86, 50.95) is inside the Pas-de-Calais outline: the dots sit on a recognisable France.
    from shapely.geometry import Point, shape

    assert shape(by_code["62"]["geometry"]).buffer(0.02).contains(Point(1.86, 50.95))
    assert len(response.content) < 250_000  # ~201 kB of JSON
    assert "max-age=86400" in response["Cache-Control"]


def test_departement_outlines_are_sent_gzipped_and_revalidated(client, db):
    response = client.get(URL_DEP, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip" and len(response.content) < 80_000  # ~61 kB on the wire
    assert len(json.loads(gzip.decompress(response.content))["features"]) == 101
    again = client.get(URL_DEP, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_commune_outlines_of_a_zoomed_view(client, world):
    world.calais.outline_simplified = SQUARE
    world.calais.lat, world.calais.lon = 50.95, 1.87
    world.calais.save()
    response = client.get(URL_COM, {"bbox": "1.80,50.90,1.95,51.00"})
    features = json.loads(response.content)["features"]
    assert [f["properties"] for f in features] == [{"code": "62193", "nom": "Calais"}]
    assert features[0]["geometry"]["coordinates"][0][0] == [1.86, 50.94]
    assert response["ETag"] and "max-age=3600" in response["Cache-Control"]
    assert client.get(URL_COM, {"bbox": "2.30,51.00,2.40,51.10"}).json()["features"] == []  # Dunkerque: no outline


def test_commune_outlines_refuse_a_whole_country_or_a_bad_bbox(client, db):
    too_big = client.get(URL_COM, {"bbox": "-5,42,8,51"})
    assert too_big.status_code == 400 and "zoomez" in too_big.content.decode()
    assert "ouest,sud,est,nord" in client.get(URL_COM, {"bbox": "calais"}).content.decode()
    assert client.get(URL_COM).status_code == 400


def test_map_page_points_to_the_basemap(client, db):
    html = client.get("/territoires/carte/").content.decode()
    assert f'data-departements="{URL_DEP}"' in html and f'data-communes="{URL_COM}"' in html


def test_payload_is_read_once(db):
    basemap.departements_payload.cache_clear()
    first = basemap.departements_payload()
    assert basemap.departements_payload() is first


def test_national_map_draws_the_departements_under_the_quartiers(page, transactional_db):
    from tests.world import build_world

    build_world()
    page.goto("/territoires/carte/")
    page.wait_for_selector('#carte[data-fond="charge"]')
    assert page.locator(".leaflet-fond-pane canvas").count() == 1
    # The basemap pane sits under the quartiers' overlay pane: the dots stay on top and clickable.
    z_fond, z_overlay = page.evaluate(
        "() => [getComputedStyle(document.querySelector('.leaflet-fond-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-overlay-pane')).zIndex]"
    )
    assert int(z_fond) < int(z_overlay)
    assert "IGN ADMIN EXPRESS" in page.locator(".leaflet-control-attribution").inner_text()
