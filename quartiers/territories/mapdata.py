"""The national QPV map's data, by view: what a map at a given zoom over a given area needs, no more.

- zoom ≤ POINTS_MAX_ZOOM (or no area): one point per QPV for the whole country (~150 bytes each: 1,600
  QPVs stay under 300 kB), a single answer every national view shares;
- zoom up to OVERVIEW_MAX_ZOOM: the much-simplified outlines (~80 m) of the QPVs in the area;
- beyond: the display outlines (~10 m) of the area.

The area is snapped outward to a grid whose step halves with each zoom level, so neighbouring views ask
for the same area and share an answer (server cache and browser cache alike). Answers are keyed on a
fingerprint of the QPV table, so a reload of outlines changes them (and their ETag) at once.
"""

import gzip
import hashlib
import json
import math

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Length

from quartiers.territories.models import QPV

POINTS_MAX_ZOOM = 8
OVERVIEW_MAX_ZOOM = 12
DEFAULT_DETAIL_ZOOM = 13  # an area without a zoom: the detailed outlines, as the endpoint always gave
CACHE_SECONDS = 3600
COORD_DIGITS = 4  # about 10 m for a point: a map marker needs no more


class MapRequestError(ValueError):
    """A French message for a malformed area or zoom."""


def parse_view(bbox, zoom):
    """(level, snapped bbox or None, zoom) from the query parameters, or MapRequestError."""
    if zoom not in (None, ""):
        try:
            zoom = int(zoom)
        except ValueError:
            raise MapRequestError("zoom attendu : un entier de 0 à 22.") from None
        if not 0 <= zoom <= 22:
            raise MapRequestError("zoom attendu : un entier de 0 à 22.")
    else:
        zoom = DEFAULT_DETAIL_ZOOM if bbox else 0
    if not bbox or zoom <= POINTS_MAX_ZOOM:
        return "points", None, zoom
    try:
        west, south, east, north = (float(v) for v in bbox.split(","))
    except ValueError:
        raise MapRequestError("bbox attendu : ouest,sud,est,nord en degrés.") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or west > east or south > north:
        raise MapRequestError("bbox attendu : ouest,sud,est,nord en degrés (ouest ≤ est, sud ≤ nord).")
    step = grid_step(zoom)
    snapped = (
        math.floor(west / step) * step,
        math.floor(south / step) * step,
        math.ceil(east / step) * step,
        math.ceil(north / step) * step,
    )
    level = "overview" if zoom <= OVERVIEW_MAX_ZOOM else "detail"
    return level, tuple(round(v, 6) for v in snapped), zoom


def grid_step(zoom):
    # 1° at zoom 9, 1/16° (~5 km) at zoom 13: a screen spans a few steps, so panning rarely misses.
    return 2.0 ** (9 - zoom)


def fingerprint():
    """Changes whenever a QPV is added, removed, renamed, moved or gets another outline."""
    row = QPV.objects.aggregate(
        n=Count("pk"),
        last=Max("pk"),
        names=Sum(Length("nom")),
        outlines=Sum(Length("outline_wkb")),
        npnru=Count("pk", filter=Q(npnru=True)),
        lat=Sum("lat"),
        lon=Sum("lon"),
    )
    return hashlib.sha1(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()[:16]


def etag(level, bbox, generation):
    key = f"{fingerprint()}|{level}|{bbox}|{generation}"
    return '"' + hashlib.sha1(key.encode()).hexdigest()[:20] + '"'


def body(tag, queryset, level, bbox):
    """(plain, gzipped) serialised FeatureCollection of a view, built and compressed once per ETag."""
    key = f"territories:map:{tag}"
    bodies = cache.get(key)
    if bodies is None:
        features = _features(queryset, level, bbox)
        content = json.dumps(
            {"type": "FeatureCollection", "niveau": level, "features": features},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        bodies = (content, gzip.compress(content, compresslevel=6, mtime=0))
        cache.set(key, bodies, CACHE_SECONDS)
    return bodies


def _features(queryset, level, bbox):
    fields = ["code", "nom", "generation", "lat", "lon", "point_approx", "npnru"]
    if level == "overview":
        fields.append("outline_overview")
    elif level == "detail":
        fields.append("outline_simplified")
    if bbox is not None:
        west, south, east, north = bbox
        queryset = queryset.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
    features = []
    for row in queryset.order_by("code").values(*fields):
        lat, lon = row.pop("lat"), row.pop("lon")
        outline = row.pop("outline_overview", None) or row.pop("outline_simplified", None)
        # Compact properties: the two flags only when set (a point on the national map is ~150 bytes).
        for flag in ("point_approx", "npnru"):
            if not row[flag]:
                del row[flag]
        if outline:
            geometry = outline
        elif lat is not None and lon is not None:
            geometry = {"type": "Point", "coordinates": [round(lon, COORD_DIGITS), round(lat, COORD_DIGITS)]}
        else:
            continue  # neither outline nor position: nothing to draw
        features.append({"type": "Feature", "geometry": geometry, "properties": row})
    return features
