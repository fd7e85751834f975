"""The offline address matcher over the imported BAN.

    from quartiers.geocoding.geocoder import get_geocoder
    result = get_geocoder().geocode("12 r. Victor Hugo bât. B", postcode="62100", city="Calais")
    result.id, result.type, result.lon, result.lat, result.note

How a query is read (each step is a few dict look-ups; no step scans the whole base):
1. the text is folded (case, accents, punctuation) and split into tokens;
2. postcodes (5 digits) are taken out; noise phrases (« bât. B », « appt 12 », « 2e étage »,
   « chez M. Dupont », « cedex », …) are dropped;
3. the commune is found from the city column, a commune name (current, former « ancienne commune »
   or La Poste's « libellé d'acheminement ») at the start / end of the text or next to a postcode,
   and the postcode; when they disagree the city wins (a wrong postcode is the most frequent error);
4. the house number (and bis/ter/b/t…) is taken at the start, just before the street type, or at
   the end (« rue Victor Hugo 12 »);
5. the remaining words are expanded (bd → boulevard, st → saint, gal → général…) and matched
   against the streets and lieux-dits of the commune through an inverted index of street-name
   words, typos being matched with rapidfuzz against the commune's vocabulary; candidates are
   scored on the words they share with the query, weighted (type words and « de/la » weigh less);
6. the number is looked up in the street; when it is missing from the base the street is
   returned, when the street is not found the commune is, and `note` says so in French.

Where each step lives (imports go one way, top to bottom):
    geocoder.py     this module: the public surface and the process-wide instance
    matcher.py      `Geocoder`: a query's steps in order (1–6)
    completion.py   suggestions while typing
    cities.py       step 3 — the commune
    streets.py      step 5 — the street, with scoring.py (how well a name fits the words)
    addresses.py    step 6 — the number, and the `GeocodeResult` built from it
    index.py        `AddressBase`: the in-memory base built from the BAN arrays
    query.py        steps 1, 2 and 4 — reading the text alone
    results.py      `GeocodeResult`, shared with the online backend (online.py)
    store.py        the BAN as the database keeps it (written by ban.py, read here)
"""

import threading
import time

from django.conf import settings

from .matcher import Geocoder
from .models import BanDepartement
from .online import OnlineGeocoder
from .results import GeocodeResult
from .store import load_arrays

__all__ = ["Geocoder", "GeocodeResult", "get_geocoder", "invalidate"]

_lock = threading.Lock()
_instance: Geocoder | None = None
_signature = None
_checked_at = 0.0
RECHECK_SECONDS = 10.0


def invalidate():
    """Forget the loaded index: the next `get_geocoder()` reloads from the database."""
    global _instance, _signature
    with _lock:
        _instance = None
        _signature = None


def get_geocoder() -> Geocoder:
    """The process-wide geocoder, loaded from the database on first use and after any BAN import
    (in this process at once, in other processes within RECHECK_SECONDS)."""
    global _instance, _signature, _checked_at
    if getattr(settings, "GEOCODING_BACKEND", "hors-ligne") == "en-ligne":
        return OnlineGeocoder(settings.GEOCODING_ONLINE_URL)
    instance = _instance
    recheck = getattr(settings, "GEOCODING_INDEX_CHECK_SECONDS", RECHECK_SECONDS)
    if instance is not None and time.monotonic() - _checked_at < recheck:
        return instance
    with _lock:
        signature = BanDepartement.objects.signature()
        _checked_at = time.monotonic()
        if _instance is None or signature != _signature:
            _instance = Geocoder(load_arrays())
            _signature = signature
        return _instance
