"""What is loaded, per département: so that an answer we cannot give says « indéterminé » and what to import.

Two gaps make an eligibility answer impossible:
- the QPV outlines of the point's département are not loaded for the chosen generation (`spatial.covers`);
- the address base (BAN) of the address's département is not imported, so the address cannot be found.

The département of an address that could not be geocoded is read from what the user typed: the postcode
(from the commune table when it is loaded, else its first digits), or the commune name.

    departement_of_query("12 rue de la Paix 62100 Calais")   # "62"
    missing_ban("12 rue de la Paix 62100 Calais", geocoder=g) # "62" when the BAN of 62 is not imported
    ban_sentence("62")   # "la BAN du Pas-de-Calais n'est pas importée : « quartiers import-ban 62 »"
"""

import json
import re
import time
import unicodedata
from functools import lru_cache

from django.conf import settings

POSTCODE_RE = re.compile(r"(?<![\d])(\d{2}) ?(\d{3})(?![\d])")
# INSEE « type de nom en clair » of the département → the French « de » before its name.
LIAISON = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'"}
_names_cache = {"key": None, "postcodes": {}, "names": {}, "checked": 0.0}


def reset():
    """Forget the commune tables (tests: each has its own database)."""
    _names_cache.update(key=None, postcodes={}, names={}, checked=0.0)


def fold(text):
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(re.sub(r"\bst\b", "saint", text).split())


@lru_cache(maxsize=1)
def _bundled_departements():
    try:
        rows = json.loads((settings.DATA_DIR / "admin" / "departements.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {row["code"]: (row["nom"], row.get("typeLiaison")) for row in rows}


def departement_name(code):
    """(name, the name after « de » in French): ("Pas-de-Calais", "du Pas-de-Calais")."""
    bundled = _bundled_departements().get(code)
    if bundled:
        nom, liaison = bundled
        return nom, f"{LIAISON.get(liaison, 'de ')}{nom}"
    from quartiers.territories.models import Departement

    nom = Departement.objects.filter(code=code).values_list("nom", flat=True).first()
    return (nom, f"du département {nom} ({code})") if nom else (code, f"du département {code}")


def ban_command(code):
    return f"quartiers import-ban {code}"


def ban_sentence(code):
    _nom, of_name = departement_name(code)
    return f"la BAN {of_name} n'est pas importée : « {ban_command(code)} »"


def qpv_sentence(generation, code):
    """« Indéterminé — … » for a point whose département has no outlines loaded for this generation."""
    where = f"de ce département ({departement_name(code)[0]})" if code else "de ce secteur"
    return (
        f"Indéterminé — les contours des QPV {where} ne sont pas chargés pour la géographie {generation} : "
        "importez-les avec « quartiers import-qpv --officiel »."
    )


# ---- the département of what was typed ----


def _commune_maps():
    """postcode -> set of départements, folded commune name -> set of départements (rebuilt on change)."""
    from django.db.models import Count, Max

    from quartiers.territories.models import Commune

    # A batch asks once per row: check the commune table at most every few seconds, like the spatial index.
    interval = getattr(settings, "GEOCODING_INDEX_CHECK_SECONDS", 5)
    if _names_cache["key"] is not None and time.monotonic() - _names_cache["checked"] < interval:
        return _names_cache["postcodes"], _names_cache["names"]
    _names_cache["checked"] = time.monotonic()
    agg = Commune.objects.aggregate(n=Count("pk"), last=Max("pk"))
    key = (agg["n"], agg["last"])
    if _names_cache["key"] != key:
        postcodes, names = {}, {}
        for nom, dep, codes in Commune.objects.values_list("nom", "departement_id", "codes_postaux").iterator(
            chunk_size=5000
        ):
            names.setdefault(fold(nom), set()).add(dep)
            for pc in codes or ():
                postcodes.setdefault(str(pc), set()).add(dep)
        _names_cache.update(key=key, postcodes=postcodes, names=names)
    return _names_cache["postcodes"], _names_cache["names"]


def departement_of_postcode(postcode):
    digits = re.sub(r"\D", "", postcode or "")
    if len(digits) != 5:
        return ""
    postcodes, _names = _commune_maps()
    known = postcodes.get(digits)
    if known and len(known) == 1:
        return next(iter(known))
    if digits.startswith("97"):
        return digits[:3]
    if digits.startswith("20"):
        return "2A" if digits < "20200" else "2B"
    return digits[:2] if digits[:2] not in ("00", "98", "99") else ""


def departement_of_name(text, tail=False):
    """The département of a commune named `text` (or, with `tail`, by the last words of `text`), if unique."""
    _postcodes, names = _commune_maps()
    words = fold(text).split()
    spans = [words] if not tail else [words[-k:] for k in range(min(5, len(words)), 0, -1)]
    for span in spans:
        deps = names.get(" ".join(span))
        if deps and len(deps) == 1:
            return next(iter(deps))
    return ""


def departement_of_query(query, postcode="", city="", tail=False):
    """The département of a typed address: postcode field, a postcode in the text, the commune field (and,
    with `tail`, the last words of the text, which may be a commune name)."""
    dep = departement_of_postcode(postcode)
    if not dep:
        found = POSTCODE_RE.findall(query or "")
        dep = departement_of_postcode("".join(found[-1])) if found else ""
    if not dep and city:
        dep = departement_of_name(city)
    if not dep and tail:
        dep = departement_of_name(POSTCODE_RE.sub(" ", query or ""), tail=True)
    return dep


def ban_departements(geocoder):
    """The départements whose BAN the geocoder holds; None when it cannot tell (an online geocoder)."""
    deps = getattr(geocoder, "departements", None)
    return None if deps is None else set(deps)


def missing_ban(query, postcode="", city="", geocoder=None, tail=False):
    """The code of the address's département when its BAN is not imported, else ""."""
    loaded = ban_departements(geocoder)
    if loaded is None:
        return ""
    dep = departement_of_query(query, postcode, city, tail=tail)
    return dep if dep and dep not in loaded else ""
