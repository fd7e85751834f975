"""The national map's basemap, from the outlines we ship (no tile server): département outlines for the whole
country, commune outlines of the visible area once zoomed in.

- Départements: `data/admin/departements_contours_2024.geojson.gz` (IGN ADMIN EXPRESS 2024, communes merged per
  département and simplified to ~1 km, see `data/build_bundle.py`): 101 outlines, ~201 kB of JSON, ~61 kB gzipped.
  Served as the gzipped file itself when the browser accepts gzip, with an ETag and a one-day cache.
- Communes: the `outline_simplified` loaded by `quartiers import-territoires`, only for a bounding box no larger
  than a zoomed-in view (the map asks from zoom 10), coordinates rounded to ~10 m.
"""

import gzip
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from quartiers.core.permissions import authorize
from quartiers.territories.models import QPV, Commune

DEPARTEMENTS_FILE = Path(__file__).resolve().parent.parent / "data" / "admin" / "departements_contours_2024.geojson.gz"
MAX_BBOX_DEGREES = (4.0, 3.0)  # width, height: about a zoom-10 view on a wide screen
MAX_COMMUNES = 2000
COMMUNE_DIGITS = 4  # ~10 m: finer than a pixel at the zooms that show communes


@lru_cache(maxsize=1)
def departements_payload():
    """(gzipped bytes, plain bytes, ETag) of the département outlines, read once per process."""
    compressed = DEPARTEMENTS_FILE.read_bytes()
    return compressed, gzip.decompress(compressed), '"' + hashlib.sha256(compressed).hexdigest()[:32] + '"'


def _cached(response, etag, max_age):
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def departements(request):
    authorize(request.user, "view", QPV)
    compressed, plain, etag = departements_payload()
    if request.headers.get("If-None-Match") == etag:
        return _cached(HttpResponseNotModified(), etag, 86400)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="application/geo+json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(plain, content_type="application/geo+json")
    patch_vary_headers(response, ["Accept-Encoding"])
    return _cached(response, etag, 86400)


def _round(coords):
    if isinstance(coords[0], int | float):
        return [round(coords[0], COMMUNE_DIGITS), round(coords[1], COMMUNE_DIGITS)]
    return [_round(c) for c in coords]


def parse_bbox(text):
    """(west, south, east, north) from « ouest,sud,est,nord », or a French error message."""
    try:
        west, south, east, north = (float(v) for v in (text or "").split(","))
    except ValueError:
        return None, "bbox attendu : ouest,sud,est,nord en degrés."
    if not (west < east and south < north):
        return None, "bbox invalide : l'ouest doit être avant l'est et le sud avant le nord."
    if east - west > MAX_BBOX_DEGREES[0] or north - south > MAX_BBOX_DEGREES[1]:
        return None, "Zone trop grande pour les contours des communes : zoomez davantage."
    return (west, south, east, north), ""


@require_safe
def communes(request):
    authorize(request.user, "view", QPV)
    bbox, error = parse_bbox(request.GET.get("bbox"))
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain; charset=utf-8")
    west, south, east, north = bbox
    rows = (
        Commune.objects.filter(
            lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east, outline_simplified__isnull=False
        )
        .order_by("insee")
        .values_list("insee", "nom", "outline_simplified")[:MAX_COMMUNES]
    )
    features = [
        {
            "type": "Feature",
            "properties": {"code": insee, "nom": nom},
            "geometry": {"type": geom["type"], "coordinates": _round(geom["coordinates"])},
        }
        for insee, nom, geom in rows
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"), ensure_ascii=False)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return _cached(HttpResponseNotModified(), etag, 3600)
    return _cached(HttpResponse(body, content_type="application/geo+json"), etag, 3600)
