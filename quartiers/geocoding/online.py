"""Optional backend: the national online geocoder, for a deployment that chooses it.

Addresses then leave the machine (the offline geocoder is the default and keeps them here), so it
is off unless `GEOCODING_BACKEND=en-ligne`. Same interface as `geocoder.Geocoder`; network errors
answer « not found » (None) and are logged, never raised into a page or a batch.
"""

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from .results import GeocodeResult

log = logging.getLogger(__name__)
TYPES = {"housenumber": "numéro", "street": "voie", "locality": "lieu-dit", "municipality": "commune"}


class OnlineGeocoder:
    def __init__(self, base_url, timeout=5.0, workers=4):
        self.base_url = base_url
        self.timeout = timeout
        self.workers = workers

    def _search(self, query, limit, postcode=""):
        params = {"q": query[:200], "limit": limit}
        if postcode:
            params["postcode"] = postcode
        request = Request(f"{self.base_url}?{urlencode(params)}", headers={"User-Agent": "Quartiers"})
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 — URL from settings
                payload = json.load(response)
        except (URLError, TimeoutError, OSError, ValueError) as exc:
            log.warning("géocodeur en ligne indisponible : %s", exc)
            return []
        return [r for r in map(_result, payload.get("features", [])) if r is not None]

    def geocode(self, query, postcode="", city=""):
        text = query.strip()
        if city and city.lower() not in text.lower():
            text = f"{text} {city.strip()}"
        results = self._search(text.strip(), 1, postcode.strip())
        if not results and postcode:
            # A wrong postcode is common in beneficiary files: retry without it.
            results = self._search(text.strip(), 1)
        return results[0] if results else None

    def geocode_many(self, rows):
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(lambda row: self.geocode(*row), rows))

    def complete(self, prefix, limit=8):
        return self._search(prefix, limit) if len(prefix.strip()) >= 3 else []


def _result(feature):
    try:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        return GeocodeResult(
            id=str(props.get("id", "")),
            label=props.get("label", ""),
            score=round(float(props.get("score", 0)), 3),
            type=TYPES.get(props.get("type"), props.get("type", "")),
            lon=float(lon),
            lat=float(lat),
            postcode=props.get("postcode", ""),
            citycode=props.get("citycode", ""),
            city=props.get("city", ""),
            note="géocodeur national en ligne",
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None
