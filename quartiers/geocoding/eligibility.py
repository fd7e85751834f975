"""Éligibilité: « cette adresse est-elle en QPV ? » for one address, one point or a whole table.

Combines the offline geocoder (`geocoder.get_geocoder()`) and the exact point → QPV index (`spatial`).
Nothing leaves the machine.

    answer = check_address("12 rue des Fleurs", postcode="31100")
    answer.sentences      # ["Cette adresse est dans le QPV QP031007 « Grand Mirail » (géographie 2015)."]
    for out_row in process_rows(rows, mapping, generation=2024): ...   # batch, in chunks
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from quartiers.geocoding import spatial

# Row-level status written in the `statut` column (and their French meaning, shown in the summary).
STATUTS = {
    "ok": "adresse trouvée au numéro",
    "ok_voie": "numéro introuvable : position de la voie (à vérifier si la voie borde un QPV)",
    "ok_lieu_dit": "position du lieu-dit",
    "ok_coordonnees": "coordonnées fournies dans le fichier",
    "commune_seulement": "seule la commune a été reconnue : QPV non déterminé",
    "introuvable": "adresse introuvable",
    "adresse_vide": "ligne sans adresse",
    "coordonnees_invalides": "coordonnées illisibles",
    "hors_france": "coordonnées hors de France",
    "contours_manquants": "contours des QPV non chargés pour ce secteur : QPV non déterminé",
    "geocodeur_indisponible": "aucune base d'adresses chargée",
    "ligne_irreguliere": "ligne avec plus de cellules que d'en-têtes : non traitée",
}
DETERMINED = {"ok", "ok_voie", "ok_lieu_dit", "ok_coordonnees"}
OUTPUT_COLUMNS = [
    "qpv_code",
    "qpv_nom",
    "generation",
    "distance_qpv_m",
    "qpv_proche",
    "id_ban",
    "score",
    "label_ban",
    "type",
    "lon",
    "lat",
    "statut",
]
# Beyond this distance from every loaded outline, a point whose département is unknown may simply lie where
# outlines were not imported: we say so instead of claiming « hors QPV ».
UNKNOWN_AREA_M = 20_000

# Usual French column names, normalised (lower case, no accents, non-alphanumerics as "_").
COLUMN_NAMES = {
    "adresse": [
        "adresse",
        "adresse1",
        "adresse_1",
        "adresse_complete",
        "adresse_postale",
        "ligne_adresse",
        "adr",
        "adresse_domicile",
        "voie",
        "rue",
        "nom_voie",
        "libelle_voie",
        "address",
    ],
    "numero": ["numero", "num", "no", "n", "numero_voie", "num_voie", "numero_de_voie", "n_voie"],
    "code_postal": ["code_postal", "cp", "codepostal", "code_postale", "postcode", "cp_domicile", "code_post"],
    "commune": ["commune", "ville", "localite", "nom_commune", "libelle_commune", "city", "commune_domicile"],
    "lon": ["lon", "longitude", "lng", "long"],
    "lat": ["lat", "latitude"],
}
MAPPING_KEYS = tuple(COLUMN_NAMES)


class GeocoderUnavailable(Exception):
    """The geocoder cannot run (module missing or no address base): the message is French."""


def normalise_header(name):
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def detect_columns(headers):
    """Guess the mapping {key: header} from the usual French names; keys absent when nothing matches."""
    normalised = {normalise_header(h): h for h in reversed(headers) if h}
    mapping = {}
    for key, names in COLUMN_NAMES.items():
        for name in names:
            if name in normalised and normalised[name] not in mapping.values():
                mapping[key] = normalised[name]
                break
    return mapping


def get_geocoder():
    try:
        from quartiers.geocoding.geocoder import get_geocoder as _get
    except ImportError as exc:
        raise GeocoderUnavailable("Le géocodeur d'adresses n'est pas installé.") from exc
    return _get()


def geocoder_problem():
    """A French sentence when addresses cannot be geocoded (no geocoder, or no address base imported)."""
    try:
        geocoder = get_geocoder()
    except GeocoderUnavailable as exc:
        return str(exc)
    if getattr(geocoder, "address_count", 1) == 0:
        return "Aucune base d'adresses n'est chargée."
    return ""


# ---- one address or one point ----


@dataclass
class Answer:
    kind: str  # "adresse" or "point"
    query: str = ""
    lon: float | None = None
    lat: float | None = None
    geocode: object = None
    matches: list = field(default_factory=list)
    statut: str = "ok"
    sentences: list = field(default_factory=list)
    note: str = ""

    @property
    def inside(self):
        return [m for m in self.matches if m.inside]

    @property
    def found(self):
        return self.lon is not None

    def as_json(self):
        geo = self.geocode
        return {
            "statut": self.statut,
            "statut_libelle": STATUTS.get(self.statut, self.statut),
            "requete": self.query or None,
            "lon": self.lon,
            "lat": self.lat,
            "adresse": None
            if geo is None
            else {
                "id_ban": geo.id,
                "label": geo.label,
                "score": round(float(geo.score), 3),
                "type": geo.type,
                "code_insee": geo.citycode,
                "code_postal": geo.postcode,
                "commune": geo.city,
                "note": getattr(geo, "note", "") or "",
            },
            "qpv": [
                {
                    "generation": m.generation,
                    "code": m.code,
                    "nom": m.nom,
                    "dans_le_qpv": m.inside,
                    "distance_m": 0 if m.inside else round(m.distance_m),
                }
                for m in self.matches
            ],
            "phrases": self.sentences,
        }


def format_distance(metres):
    if metres < 1000:
        return f"{int(round(metres / 10.0) * 10) or int(round(metres))} m"
    km = metres / 1000
    return f"{km:.1f} km".replace(".", ",") if km < 10 else f"{round(km)} km"


def _sentences(subject, matches, loaded):
    if not loaded:
        return ["Aucun contour de QPV n'est chargé : importez-les avec « quartiers import-qpv --officiel »."]
    out = []
    for gen in sorted(loaded, reverse=True):
        match = next((m for m in matches if m.generation == gen), None)
        if match is None:
            continue
        if match.inside:
            out.append(f"{subject} est dans le QPV {match.code} « {match.nom} » (géographie {gen}).")
        else:
            out.append(
                f"{subject} n'est dans aucun QPV (géographie {gen}) ; le plus proche, {match.code} "
                f"« {match.nom} », est à {format_distance(match.distance_m)}."
            )
    return out


def check_point(lon, lat, subject="Ce point", departement=""):
    answer = Answer(kind="point", lon=lon, lat=lat)
    if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
        answer.statut = "coordonnees_invalides"
        answer.sentences = ["Les coordonnées sont illisibles."]
        return answer
    if not spatial.in_france(lon, lat):
        answer.statut = "hors_france"
        answer.sentences = [
            f"Le point ({lon:.5f}, {lat:.5f}) est hors de France : aucun QPV possible "
            "(vérifiez l'ordre longitude / latitude)."
        ]
        return answer
    index = spatial.get_index()
    answer.matches = index.locate(lon, lat)
    answer.sentences = _sentences(subject, answer.matches, index.loaded)
    warnings = _coverage_warnings(index, answer.matches, departement)
    if warnings:
        answer.note = " ".join(warnings)
    return answer


def _coverage_warnings(index, matches, departement):
    warnings = []
    for gen in index.loaded:
        match = next((m for m in matches if m.generation == gen), None)
        if match is not None and match.inside:
            continue
        if departement and not index.covers(gen, departement):
            warnings.append(
                f"Attention : les contours des QPV de la géographie {gen} ne sont pas tous chargés pour le "
                f"département {departement} ; la réponse peut être incomplète."
            )
        elif not departement and match is not None and match.distance_m > UNKNOWN_AREA_M and not index.covers(gen, ""):
            warnings.append(
                f"Attention : aucun contour de la géographie {gen} n'est chargé à moins de "
                f"{format_distance(UNKNOWN_AREA_M)} ; ce secteur n'est peut-être pas couvert."
            )
    return warnings


def check_address(query, postcode="", city=""):
    query = (query or "").strip()
    answer = Answer(kind="adresse", query=query)
    if not query and not (postcode or city):
        answer.statut = "adresse_vide"
        answer.sentences = ["Saisissez une adresse."]
        return answer
    result = get_geocoder().geocode(query, postcode=postcode or "", city=city or "")
    if result is None:
        answer.statut = "introuvable"
        answer.sentences = ["Adresse introuvable dans la base d'adresses chargée."]
        return answer
    answer.geocode = result
    answer.lon, answer.lat = float(result.lon), float(result.lat)
    answer.statut = _statut_of(result.type)
    if answer.statut == "commune_seulement":
        answer.sentences = [
            f"Seule la commune a été reconnue ({result.label}) : précisez la voie et le numéro pour savoir si "
            "l'adresse est dans un QPV."
        ]
        return answer
    point = check_point(answer.lon, answer.lat, "Cette adresse", spatial.departement_of(result.citycode))
    answer.matches, answer.sentences, answer.note = point.matches, point.sentences, point.note
    if point.statut != "ok":
        answer.statut = point.statut
    return answer


def _statut_of(result_type):
    return {"numéro": "ok", "voie": "ok_voie", "lieu-dit": "ok_lieu_dit"}.get(result_type, "commune_seulement")


# ---- tables ----


def _cell(row, mapping, key):
    column = mapping.get(key)
    return (row.get(column) or "").strip() if column else ""


def _coordinate(text):
    text = (text or "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value


def output_headers(input_headers):
    """Input headers + our columns; an input column already named like one of ours keeps its place."""
    taken = set(input_headers)
    return list(input_headers) + [c if c not in taken else f"eligibilite_{c}" for c in OUTPUT_COLUMNS]


def process_rows(rows, mapping, generation=None, chunk_size=1000, geocoder=None):
    """Yield (row, result dict keyed by OUTPUT_COLUMNS) for each input row, in order, chunk by chunk."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield from process_chunk(chunk, mapping, generation, geocoder)
            chunk = []
    if chunk:
        yield from process_chunk(chunk, mapping, generation, geocoder)


def default_generation(index=None):
    index = index or spatial.get_index()
    loaded = index.loaded
    return max(loaded) if loaded else None


def process_chunk(rows, mapping, generation=None, geocoder=None):
    index = spatial.get_index()
    generation = generation or default_generation(index)
    n = len(rows)
    results = [dict.fromkeys(OUTPUT_COLUMNS, "") for _ in range(n)]
    lons = np.full(n, np.nan)
    lats = np.full(n, np.nan)
    departements = [""] * n
    to_geocode = []
    use_coordinates = bool(mapping.get("lon") and mapping.get("lat"))
    for i, row in enumerate(rows):
        res = results[i]
        if use_coordinates and (_cell(row, mapping, "lon") or _cell(row, mapping, "lat")):
            lon, lat = _coordinate(_cell(row, mapping, "lon")), _coordinate(_cell(row, mapping, "lat"))
            if lon is None or lat is None or math.isnan(lon) or math.isnan(lat):
                res["statut"] = "coordonnees_invalides"
            elif not spatial.in_france(lon, lat):
                res["statut"] = "hors_france"
            else:
                lons[i], lats[i] = lon, lat
                res.update(statut="ok_coordonnees", lon=_fmt(lon), lat=_fmt(lat))
            continue
        text = " ".join(p for p in (_cell(row, mapping, "numero"), _cell(row, mapping, "adresse")) if p)
        postcode, city = _cell(row, mapping, "code_postal"), _cell(row, mapping, "commune")
        if not text:
            res["statut"] = "adresse_vide"
            continue
        to_geocode.append((i, (text, postcode, city)))
    if to_geocode:
        if geocoder is None:
            try:
                geocoder = get_geocoder()
            except GeocoderUnavailable:
                geocoder = None
        found = geocoder.geocode_many([q for _, q in to_geocode]) if geocoder is not None else None
        for k, (i, _query) in enumerate(to_geocode):
            res = results[i]
            geo = found[k] if found is not None else None
            if found is None:
                res["statut"] = "geocodeur_indisponible"
                continue
            if geo is None:
                res["statut"] = "introuvable"
                continue
            res.update(
                id_ban=geo.id,
                score=f"{float(geo.score):.2f}",
                label_ban=geo.label,
                type=geo.type,
                lon=_fmt(geo.lon),
                lat=_fmt(geo.lat),
                statut=_statut_of(geo.type),
            )
            if res["statut"] != "commune_seulement":
                if spatial.in_france(float(geo.lon), float(geo.lat)):
                    lons[i], lats[i] = float(geo.lon), float(geo.lat)
                    departements[i] = spatial.departement_of(geo.citycode)
                else:
                    res["statut"] = "hors_france"
    _attach_qpv(index, generation, results, lons, lats, departements)
    return list(zip(rows, results, strict=True))


def _attach_qpv(index, generation, results, lons, lats, departements):
    gen_index = index.generations.get(generation) if generation else None
    located = np.flatnonzero(~np.isnan(lons))
    if gen_index is None:
        for i in located:
            results[i]["statut"] = "contours_manquants"
        return
    found = gen_index.locate_idx(lons[located], lats[located])
    outside = located[found < 0]
    near_idx, near_dist = gen_index.nearest_many(lons[outside], lats[outside])
    nearest = dict(zip(outside.tolist(), zip(near_idx.tolist(), near_dist.tolist(), strict=True), strict=True))
    for i, idx in zip(located.tolist(), found.tolist(), strict=True):
        res = results[i]
        res["generation"] = str(generation)
        if idx >= 0:
            res.update(qpv_code=gen_index.codes[idx], qpv_nom=gen_index.names[idx], distance_qpv_m="0")
            continue
        near, dist = nearest[i]
        near = None if near < 0 else near
        dep = departements[i]
        uncovered = (dep and not index.covers(generation, dep)) or (
            not dep and not gen_index.national and (near is None or dist > UNKNOWN_AREA_M)
        )
        if uncovered:
            res.update(statut="contours_manquants", generation="")
            continue
        if near is not None:
            res.update(distance_qpv_m=str(int(round(dist))), qpv_proche=gen_index.codes[near])


def _fmt(value):
    return f"{float(value):.6f}"


def summarise(results):
    """Counters for the summary: rows, in QPV, per QPV, per statut."""
    summary = {"lignes": 0, "en_qpv": 0, "hors_qpv": 0, "non_determine": 0, "par_qpv": {}, "par_statut": {}}
    names = {}
    for res in results:
        add_to_summary(summary, res, names)
    return finish_summary(summary, names)


def add_to_summary(summary, res, names):
    summary["lignes"] += 1
    statut = res["statut"]
    summary["par_statut"][statut] = summary["par_statut"].get(statut, 0) + 1
    if res["qpv_code"]:
        summary["en_qpv"] += 1
        summary["par_qpv"][res["qpv_code"]] = summary["par_qpv"].get(res["qpv_code"], 0) + 1
        names[res["qpv_code"]] = res["qpv_nom"]
    elif statut in DETERMINED:
        summary["hors_qpv"] += 1
    else:
        summary["non_determine"] += 1


def finish_summary(summary, names):
    summary["noms_qpv"] = {**summary.get("noms_qpv", {}), **names}
    return summary
