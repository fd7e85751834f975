"""Read-side services of the territories: list filters, the 2015 ↔ 2024 comparison, map data."""

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from shapely import wkb

from quartiers.territories.models import QPV

SORTS = {
    "code": ("code",),
    "nom": ("nom", "code"),
    "departement": ("departement_id", "code"),
    "population": ("-population", "code"),
    "generation": ("-generation", "code"),
}
NAME_MATCH = 80  # token-set similarity above which two names are taken for the same neighbourhood


def filter_qpvs(queryset, params):
    """Apply the list filters (the same for the page, the exports and the API). Returns (queryset, active)."""
    active = {}
    for key in ("region", "departement", "epci", "commune", "generation", "npnru", "contour", "q", "contrat"):
        value = (params.get(key) or "").strip()
        if value:
            active[key] = value
    qs = queryset
    if "region" in active:
        qs = qs.in_region(active["region"])
    if "departement" in active:
        qs = qs.filter(departement_id=active["departement"])
    if "epci" in active:
        epci = active["epci"]
        qs = qs.filter(epci_id=epci) if epci.isdigit() else qs.filter(epci__nom__icontains=epci)
    if "commune" in active:
        qs = qs.in_commune(active["commune"])
    if active.get("generation") in ("2015", "2024"):
        qs = qs.filter(generation=int(active["generation"]))
    if active.get("npnru") in ("oui", "non"):
        qs = qs.filter(npnru=active["npnru"] == "oui")
    if active.get("contour") in ("oui", "non"):
        qs = qs.with_outline(active["contour"] == "oui")
    if "contrat" in active:
        qs = qs.filter(contrats__code=active["contrat"])
    if "q" in active:
        qs = qs.search(active["q"])
    sort = params.get("tri") or "code"
    qs = qs.order_by(*SORTS.get(sort, SORTS["code"]))
    return qs, active


@dataclass
class GenerationComparison:
    stayed: list = field(default_factory=list)  # (qpv 2015, qpv 2024, how)
    left: list = field(default_factory=list)
    entered: list = field(default_factory=list)
    loaded_2015: bool = False
    loaded_2024: bool = False


def compare_generations(commune):
    """QPVs of a commune that entered, stayed in or left the priority geography between 2015 and 2024.

    Two QPVs are "the same" when their outlines overlap (both loaded), else when their names match
    closely — which the page says, since a name match is only a presumption.
    """
    qpvs = list(commune.qpvs.only("pk", "code", "nom", "generation", "outline_wkb"))
    old = [q for q in qpvs if q.generation == 2015]
    new = [q for q in qpvs if q.generation == 2024]
    result = GenerationComparison()
    result.loaded_2015 = (
        bool(old) or QPV.objects.filter(generation=2015, departement_id=commune.departement_id).exists()
    )
    result.loaded_2024 = (
        bool(new) or QPV.objects.filter(generation=2024, departement_id=commune.departement_id).exists()
    )
    matched_new = set()
    for q15 in old:
        match = _best_match(q15, [q for q in new if q.pk not in matched_new])
        if match:
            matched_new.add(match[0].pk)
            result.stayed.append((q15, match[0], match[1]))
        else:
            result.left.append(q15)
    result.entered = [q for q in new if q.pk not in matched_new]
    return result


def _best_match(q15, candidates):
    if q15.outline_wkb is not None:
        shape15 = wkb.loads(bytes(q15.outline_wkb))
        overlaps = []
        for q24 in candidates:
            if q24.outline_wkb is not None:
                area = shape15.intersection(wkb.loads(bytes(q24.outline_wkb))).area
                if area > 0:
                    overlaps.append((area, q24))
        if overlaps:
            return max(overlaps, key=lambda x: x[0])[1], "contours qui se recouvrent"
    scored = [(fuzz.token_set_ratio(q15.nom.lower(), q24.nom.lower()), q24) for q24 in candidates]
    scored = [s for s in scored if s[0] >= NAME_MATCH]
    if scored:
        return max(scored, key=lambda x: x[0])[1], "noms proches (présomption)"
    return None
