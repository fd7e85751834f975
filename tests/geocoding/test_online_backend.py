"""The optional online backend, against a local HTTP server that answers in the national geocoder's format."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from quartiers.geocoding.geocoder import get_geocoder
from quartiers.geocoding.online import OnlineGeocoder

FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [1.3967, 43.5705]},
    "properties": {
        "id": "31555_0001_00012",
        "label": "12 Rue de test 31100 Toulouse",
        "score": 0.9712,
        "type": "housenumber",
        "postcode": "31100",
        "citycode": "31555",
        "city": "Toulouse",
    },
}


class Handler(BaseHTTPRequestHandler):
    calls = []

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        Handler.calls.append(query)
        features = [] if query.get("postcode") == ["99999"] else [FEATURE]
        body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.calls = []
    yield f"http://127.0.0.1:{httpd.server_port}/search"
    httpd.shutdown()
    httpd.server_close()


def test_maps_the_answer(server):
    result = OnlineGeocoder(server).geocode("12 r de test", postcode="31100", city="Toulouse")
    assert (result.id, result.type, result.citycode, result.score) == ("31555_0001_00012", "numéro", "31555", 0.971)
    assert (result.lon, result.lat) == (1.3967, 43.5705)
    assert Handler.calls[0]["q"] == ["12 r de test Toulouse"]


def test_wrong_postcode_is_retried_without_it(server):
    result = OnlineGeocoder(server).geocode("12 rue de test", postcode="99999")
    assert result is not None and "postcode" not in Handler.calls[1]


def test_server_down_answers_none():
    geocoder = OnlineGeocoder("http://127.0.0.1:9/search", timeout=0.5)
    assert geocoder.geocode("12 rue de test") is None
    assert geocoder.geocode_many([("a", "", ""), ("b", "", "")]) == [None, None]


def test_chosen_by_setting(settings, server):
    settings.GEOCODING_BACKEND = "en-ligne"
    settings.GEOCODING_ONLINE_URL = server
    geocoder = get_geocoder()
    assert isinstance(geocoder, OnlineGeocoder)
    assert [r.id for r in geocoder.complete("12 rue de test")] == ["31555_0001_00012"]
