"""The national map's data by view: bounded sizes with 1,600 outlines, ETag and 304, the right level per zoom."""

import pytest
from django.urls import reverse

from quartiers.territories.models import QPV
from tests.territories.outlines import make_outlined_qpvs
from tests.world import build_geography

pytestmark = pytest.mark.django_db
URL = "api:territories_api_map"
BUDGET = 300_000  # bytes per view of the map page


@pytest.fixture
def france(db):
    w = build_geography()
    make_outlined_qpvs(w.pas_de_calais)
    return w


# The views a visitor of the map page goes through: France, then down to the densest area.
VIEWS = [
    {"zoom": "6"},
    {"zoom": "8"},
    {"zoom": "9", "bbox": "1.0,48.2,3.8,49.5"},
    {"zoom": "10", "bbox": "1.6,48.5,3.1,49.2"},
    {"zoom": "12", "bbox": "2.1,48.7,2.6,49.0"},
    {"zoom": "13", "bbox": "2.25,48.8,2.45,48.92"},
    {"zoom": "16", "bbox": "2.33,48.85,2.37,48.87"},
]


@pytest.mark.parametrize("params", VIEWS, ids=lambda p: f"zoom{p['zoom']}")
def test_every_view_stays_under_300_kb_with_1600_outlines(france, client, params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    size = len(response.content)
    assert size < BUDGET, f"{params}: {size} octets"
    print(f"vue {params}: {size} octets")
    if int(params["zoom"]) <= 13:  # a street-level view may well hold no QPV
        assert response.json()["features"]


def test_before_the_fix_the_whole_country_was_far_over_budget(france):
    # What the endpoint used to send: every overview outline at once (the figure this issue started from).
    import json

    everything = [q.outline_overview for q in QPV.objects.only("outline_overview")]
    assert len(json.dumps(everything, separators=(",", ":"))) > BUDGET


def test_national_view_is_sent_compressed_to_browsers(france, client):
    import gzip
    import json

    plain = client.get(reverse(URL), {"zoom": "6"})
    packed = client.get(reverse(URL), {"zoom": "6"}, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 4
    assert json.loads(gzip.decompress(packed.content)) == plain.json()


def test_levels_follow_the_zoom(france, client):
    national = client.get(reverse(URL), {"zoom": "6"}).json()
    assert national["niveau"] == "points" and len(national["features"]) == 1600
    assert {f["geometry"]["type"] for f in national["features"]} == {"Point"}
    overview = client.get(reverse(URL), {"zoom": "10", "bbox": "1.6,48.5,3.1,49.2"}).json()
    detail = client.get(reverse(URL), {"zoom": "13", "bbox": "2.25,48.8,2.45,48.92"}).json()
    assert overview["niveau"] == "overview" and detail["niveau"] == "detail"
    assert {f["geometry"]["type"] for f in detail["features"]} == {"Polygon"}
    assert 0 < len(detail["features"]) < len(overview["features"]) < 1600
    # Overview outlines are lighter than the detailed ones of the same QPV.
    code = detail["features"][0]["properties"]["code"]
    light = next(f for f in overview["features"] if f["properties"]["code"] == code)
    heavy = detail["features"][0]
    assert len(light["geometry"]["coordinates"][0]) < len(heavy["geometry"]["coordinates"][0])


def test_area_is_snapped_so_close_views_share_an_answer(france, client):
    a = client.get(reverse(URL), {"zoom": "13", "bbox": "2.25,48.8,2.45,48.92"})
    b = client.get(reverse(URL), {"zoom": "13", "bbox": "2.26,48.81,2.44,48.91"})
    assert a["ETag"] == b["ETag"] and a.content == b.content


def test_etag_answers_304_until_the_outlines_change(france, client):
    params = {"zoom": "13", "bbox": "2.25,48.8,2.45,48.92"}
    first = client.get(reverse(URL), params)
    tag = first["ETag"]
    again = client.get(reverse(URL), params, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    # New outlines loaded (another process may have done it: the tag comes from the data, not a signal).
    qpv = QPV.objects.get(code=first.json()["features"][0]["properties"]["code"])
    from shapely.geometry import Point

    from quartiers.territories import geo

    bigger = Point(qpv.lon, qpv.lat).buffer(0.01)
    QPV.objects.filter(pk=qpv.pk).update(outline_wkb=bigger.wkb, outline_simplified=geo.display_geojson(bigger))
    changed = client.get(reverse(URL), params, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_bad_area_or_zoom_is_a_french_400(france, client):
    for params in ({"zoom": "13", "bbox": "nord"}, {"zoom": "douze"}, {"zoom": "13", "bbox": "3,49,2,48"}):
        response = client.get(reverse(URL), params)
        assert response.status_code == 400 and "attendu" in response.json()["erreur"]
