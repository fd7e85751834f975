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

from quartiers.geocoding import coverage, spatial

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
    "contours_manquants": (
        "indéterminé : les contours des QPV de ce département ne sont pas chargés (quartiers import-qpv --officiel)"
    ),
    "ban_manquante": "adresse introuvable : la BAN de son département n'est pas importée (quartiers import-ban DD)",
    "geocodeur_indisponible": "aucune base d'adresses chargée",
    "ligne_irreguliere": "ligne avec plus de cellules que d'en-têtes : non traitée",
}
DETERMINED = {"ok", "ok_voie", "ok_lieu_dit", "ok_coordonnees"}
# QPV 2024 is the geography in force; 2015 stays offered (older contracts, bilans of past years).
DEFAULT_GENERATION = 2024
GENERATIONS = (2024, 2015)
IMPORT_QPV = "quartiers import-qpv --officiel"
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
    generation: int | None = None
    departement: str = ""
    command: str = ""  # what to run on the server so that the question can be answered
    generation_covered: bool = False  # the outlines of the point's département are loaded

    @property
    def result(self):
        """« en_qpv », « hors_qpv » or « indetermine » (never « hors_qpv » when we do not know)."""
        if self.inside:
            return "en_qpv"
        return "hors_qpv" if self.statut in DETERMINED and self.generation_covered else "indetermine"

    @property
    def inside(self):
        return [m for m in self.matches if m.inside]

    @property
    def found(self):
        return self.lon is not None

    def as_json(self):
        geo = self.geocode
        return {
            "resultat": self.result,
            "statut": self.statut,
            "statut_libelle": STATUTS.get(self.statut, self.statut),
            "generation": self.generation,
            "departement": self.departement or None,
            "commande": self.command or None,
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


def generation_of(value):
    """The generation asked for (2024 by default); a value we do not offer falls back to the default."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        return DEFAULT_GENERATION
    return value if value in GENERATIONS else DEFAULT_GENERATION


def is_covered(index, generation, departement, distance_m=None):
    """Whether « not in a QPV » can be said for a point: the outlines of its département are loaded for
    this generation. Without a known département, only a national set of outlines, or one within
    UNKNOWN_AREA_M of the point, lets us answer."""
    gen_index = index.generations.get(generation)
    if gen_index is None:
        return False
    if departement:
        return index.covers(generation, departement)
    return gen_index.national or (distance_m is not None and distance_m <= UNKNOWN_AREA_M)


def check_point(lon, lat, subject="Ce point", departement="", generation=None):
    generation = generation_of(generation)
    answer = Answer(kind="point", lon=lon, lat=lat, generation=generation)
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
    answer.departement = departement or spatial.departement_at(lon, lat)
    match = _locate(index, generation, lon, lat)
    if match is not None and match.inside:
        answer.matches, answer.generation_covered = [match], True
        answer.sentences = [f"{subject} est dans le QPV {match.code} « {match.nom} » (géographie {generation})."]
        return answer
    if not is_covered(index, generation, answer.departement, match.distance_m if match else None):
        answer.statut = "contours_manquants"
        answer.command = IMPORT_QPV
        answer.sentences = [coverage.qpv_sentence(generation, answer.departement)]
        answer.note = _other_generation_note(index, generation, answer.departement, lon, lat)
        return answer
    answer.generation_covered = True
    if match is None:
        answer.sentences = [f"{subject} n'est dans aucun QPV (géographie {generation})."]
        return answer
    answer.matches = [match]
    answer.sentences = [
        f"{subject} n'est dans aucun QPV (géographie {generation}) ; le plus proche, {match.code} "
        f"« {match.nom} », est à {format_distance(match.distance_m)}."
    ]
    return answer


def _locate(index, generation, lon, lat):
    """The Match of this generation: the containing QPV, else the nearest one; None without outlines."""
    gen_index = index.generations.get(generation)
    if gen_index is None:
        return None
    found = int(gen_index.locate_idx(np.array([lon], dtype=float), np.array([lat], dtype=float))[0])
    if found >= 0:
        return spatial.Match(generation, gen_index.codes[found], gen_index.names[found], gen_index.pks[found], True, 0)
    near, dist = gen_index.nearest(lon, lat)
    if near is None:
        return None
    return spatial.Match(generation, gen_index.codes[near], gen_index.names[near], gen_index.pks[near], False, dist)


def _other_generation_note(index, generation, departement, lon, lat):
    for other in GENERATIONS:
        if other == generation:
            continue
        match = _locate(index, other, lon, lat)
        if (match is not None and match.inside) or is_covered(
            index, other, departement, match.distance_m if match else None
        ):
            return f"Les contours de la géographie {other} sont chargés ici : choisissez « QPV {other} » pour la voir."
    return ""


def check_address(query, postcode="", city="", generation=None):
    query = (query or "").strip()
    answer = Answer(kind="adresse", query=query, generation=generation_of(generation))
    if not query and not (postcode or city):
        answer.statut = "adresse_vide"
        answer.sentences = ["Saisissez une adresse."]
        return answer
    geocoder = get_geocoder()
    # A postcode or commune of a département whose BAN is missing: say so rather than guess elsewhere.
    missing = coverage.missing_ban(query, postcode, city, geocoder)
    result = None if missing else geocoder.geocode(query, postcode=postcode or "", city=city or "")
    if result is None:
        missing = missing or coverage.missing_ban(query, postcode, city, geocoder, tail=True)
        return _not_found(answer, missing, geocoder)
    answer.geocode = result
    answer.lon, answer.lat = float(result.lon), float(result.lat)
    answer.statut = _statut_of(result.type)
    if answer.statut == "commune_seulement":
        answer.sentences = [
            f"Seule la commune a été reconnue ({result.label}) : précisez la voie et le numéro pour savoir si "
            "l'adresse est dans un QPV."
        ]
        return answer
    point = check_point(
        answer.lon, answer.lat, "Cette adresse", spatial.departement_of(result.citycode), answer.generation
    )
    for name in ("matches", "sentences", "note", "departement", "command", "generation_covered"):
        setattr(answer, name, getattr(point, name))
    if point.statut != "ok":
        answer.statut = point.statut
    return answer


def _not_found(answer, missing, geocoder):
    if missing:
        answer.statut, answer.departement = "ban_manquante", missing
        answer.command = coverage.ban_command(missing)
        answer.sentences = [f"Adresse introuvable : {coverage.ban_sentence(missing)}."]
    elif coverage.ban_departements(geocoder) == set():
        answer.statut, answer.command = "ban_manquante", "quartiers import-ban DD"
        answer.sentences = [
            "Adresse introuvable : aucune base d'adresses (BAN) n'est importée : « quartiers import-ban DD » "
            "(DD : numéro du département)."
        ]
    else:
        answer.statut = "introuvable"
        answer.sentences = ["Adresse introuvable dans la base d'adresses chargée."]
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


def process_chunk(rows, mapping, generation=None, geocoder=None):
    index = spatial.get_index()
    generation = generation_of(generation)
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
        _geocode_rows(to_geocode, results, lons, lats, departements, geocoder)
    _attach_qpv(index, generation, results, lons, lats, departements)
    return list(zip(rows, results, strict=True))


def _geocode_rows(to_geocode, results, lons, lats, departements, geocoder):
    if geocoder is None:
        try:
            geocoder = get_geocoder()
        except GeocoderUnavailable:
            for i, _query in to_geocode:
                results[i]["statut"] = "geocodeur_indisponible"
            return
    # Rows whose postcode or commune belongs to a département without BAN are not guessed elsewhere.
    asked = []
    for i, query in to_geocode:
        missing = coverage.missing_ban(*query, geocoder=geocoder)
        if missing:
            results[i].update(statut="ban_manquante", _dep=missing)
        else:
            asked.append((i, query))
    found = geocoder.geocode_many([q for _, q in asked]) if asked else []
    for (i, query), geo in zip(asked, found, strict=True):
        res = results[i]
        if geo is None:
            missing = coverage.missing_ban(*query, geocoder=geocoder, tail=True)
            if missing:
                res.update(statut="ban_manquante", _dep=missing)
            else:
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


def _attach_qpv(index, generation, results, lons, lats, departements):
    gen_index = index.generations.get(generation)
    located = np.flatnonzero(~np.isnan(lons))
    unknown = [i for i in located.tolist() if not departements[i]]
    if unknown:
        for i, dep in zip(unknown, spatial.departements_at(lons[unknown], lats[unknown]), strict=True):
            departements[i] = dep
    if gen_index is None:
        for i in located.tolist():
            results[i].update(statut="contours_manquants", _dep=departements[i])
        return
    found = gen_index.locate_idx(lons[located], lats[located])
    outside = located[found < 0]
    near_idx, near_dist = gen_index.nearest_many(lons[outside], lats[outside])
    nearest = dict(zip(outside.tolist(), zip(near_idx.tolist(), near_dist.tolist(), strict=True), strict=True))
    for i, idx in zip(located.tolist(), found.tolist(), strict=True):
        res = results[i]
        if idx >= 0:
            res.update(
                generation=str(generation),
                qpv_code=gen_index.codes[idx],
                qpv_nom=gen_index.names[idx],
                distance_qpv_m="0",
            )
            continue
        near, dist = nearest[i]
        near = None if near < 0 else near
        if not is_covered(index, generation, departements[i], None if near is None else dist):
            # Not « hors QPV »: the outlines that would tell are not loaded. No distance either.
            res.update(statut="contours_manquants", _dep=departements[i])
            continue
        res["generation"] = str(generation)
        if near is not None:
            res.update(distance_qpv_m=str(int(round(dist))), qpv_proche=gen_index.codes[near])


def _fmt(value):
    return f"{float(value):.6f}"


def new_summary():
    return {
        "lignes": 0,
        "en_qpv": 0,
        "hors_qpv": 0,
        "non_determine": 0,
        "par_qpv": {},
        "par_statut": {},
        # The two « we cannot know » counts, per département, with the command that fixes each.
        "indetermine": 0,
        "sans_contours": {},
        "ban_manquante": 0,
        "sans_ban": {},
    }


def summarise(results):
    """Counters for the summary: rows, in QPV, per QPV, per statut."""
    summary = new_summary()
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
    gap = {"contours_manquants": ("indetermine", "sans_contours"), "ban_manquante": ("ban_manquante", "sans_ban")}
    if statut in gap:
        count, per_dep = gap[statut]
        summary[count] = summary.get(count, 0) + 1
        deps = summary.setdefault(per_dep, {})
        dep = res.get("_dep") or ""
        deps[dep] = deps.get(dep, 0) + 1


def finish_summary(summary, names):
    summary["noms_qpv"] = {**summary.get("noms_qpv", {}), **names}
    return summary
