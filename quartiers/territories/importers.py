"""Importers of the official geography. Each one is atomic, idempotent, and returns a `Report` in French.

Sources (see quartiers/data/README.md for licence and vintage):
- administrative tree: COG via `@etalab/decoupage-administratif` (régions, départements, EPCI, EPT, communes);
- commune / EPCI outlines: IGN ADMIN EXPRESS COG 2024 simplified;
- QPV: ANCT official files (2024 list; GeoJSON or GeoPackage of outlines, 2015 and 2024 layouts);
- contrats de ville 2024-2030, cités éducatives, cités de l'emploi: ANCT;
- NPNRU QPV codes: ANRU;
- indicators: INSEE-style CSV / XLSX (with an optional `.colonnes.csv` describing the columns).
"""

import csv
import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from quartiers.core.tabular import SecretValue, TabularError, parse_decimal, read_table
from quartiers.territories import geo, refcache
from quartiers.territories.models import (
    EPCI,
    QPV,
    Commune,
    ContratDeVille,
    Departement,
    IndicatorDefinition,
    IndicatorValue,
    Label,
    Region,
)
from quartiers.territories.signals import outlines_changed

DATA = Path(settings.DATA_DIR)
BATCH = 500


class ImportFailure(Exception):
    """The whole file is refused; nothing was written. The message is for the user, in French."""


@dataclass
class Report:
    what: str
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # (line or code, reason)
    notes: list = field(default_factory=list)

    def reject(self, where, reason):
        self.rejected.append((str(where), reason))

    def lines(self, limit=20):
        out = [f"{self.what} : {self.created} créé(s), {self.updated} mis à jour, {len(self.rejected)} rejeté(s)."]
        out += [f"  {note}" for note in self.notes]
        for where, reason in self.rejected[:limit]:
            out.append(f"  rejeté {where} : {reason}")
        if len(self.rejected) > limit:
            out.append(f"  … et {len(self.rejected) - limit} autre(s) rejet(s).")
        return out

    def __str__(self):
        return "\n".join(self.lines())


def _read_json(path):
    path = Path(path)
    if not path.exists() and path.suffix == ".gz" and path.with_suffix("").exists():
        path = path.with_suffix("")  # the official package ships plain .json files
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _upsert(model, objects, update_fields, report):
    """Insert or update `objects` by primary key in batches; counts created vs updated."""
    pk_name = model._meta.pk.name
    objects = list({o.pk: o for o in objects}.values())  # PostgreSQL refuses a key twice in one upsert
    existing = set(model.objects.filter(pk__in=[o.pk for o in objects]).values_list("pk", flat=True))
    report.created += sum(1 for o in objects if o.pk not in existing)
    report.updated += sum(1 for o in objects if o.pk in existing)
    for start in range(0, len(objects), BATCH):
        model.objects.bulk_create(
            objects[start : start + BATCH],
            update_conflicts=True,
            unique_fields=[pk_name],
            update_fields=update_fields,
        )


# ---------------------------------------------------------------- administrative tree


@transaction.atomic
@refcache.bumps_version
def import_territoires(folder=None):
    """Régions, départements, EPCI (and the EPT of Grand Paris), communes; outlines where bundled."""
    folder = Path(folder or DATA / "admin")
    reports = []
    regions = _read_json(folder / "regions.json")
    report = Report("Régions")
    _upsert(Region, [Region(code=r["code"], nom=r["nom"]) for r in regions], ["nom"], report)
    reports.append(report)

    region_codes = {r["code"] for r in regions}
    report = Report("Départements")
    deps = []
    for d in _read_json(folder / "departements.json"):
        if d["region"] not in region_codes:
            report.reject(d["code"], f"région inconnue {d['region']}")
            continue
        deps.append(Departement(code=d["code"], nom=d["nom"], region_id=d["region"]))
    _upsert(Departement, deps, ["nom", "region"], report)
    reports.append(report)

    epcis = _read_json(folder / "epci.json.gz")
    ept_path = folder / "ept.json"
    epts = _read_json(ept_path) if ept_path.exists() else []
    report = Report("EPCI")
    objects = [
        EPCI(
            siren=e["code"],
            nom=e["nom"],
            type=e["type"][:3],
            population=e.get("population", e.get("populationMunicipale")),
        )
        for e in epcis
    ]
    objects += [EPCI(siren=e["code"], nom=e["nom"], type="EPT") for e in epts]
    _upsert(EPCI, objects, ["nom", "type", "population"], report)
    reports.append(report)

    reports.append(_import_communes(folder, epcis, {d.code for d in deps}))
    reports.append(_import_outlines(folder))
    return reports


def _member_code(member):
    """Bundled files list member codes; the official package lists {code, siren, nom, …}."""
    return member["code"] if isinstance(member, dict) else member


def _import_communes(folder, epcis, dep_codes):
    report = Report("Communes")
    epci_of = {_member_code(m): e["code"] for e in epcis for m in e["membres"]}
    rows = _read_json(folder / "communes.json.gz")
    objects = []
    for c in rows:
        if c["type"] not in ("commune-actuelle", "arrondissement-municipal"):
            continue  # resolved to its parent commune by the QPV importer
        if c["departement"] not in dep_codes:
            report.reject(c["code"], f"département inconnu {c['departement']}")
            continue
        parent = c.get("parent") or c.get("commune") or c.get("chefLieu") or ""
        epci = epci_of.get(c["code"]) or epci_of.get(parent)
        objects.append(
            Commune(
                insee=c["code"],
                nom=c["nom"],
                siren=c.get("siren") or "",
                departement_id=c["departement"],
                epci_id=epci,
                population=c.get("population"),
                codes_postaux=c.get("codesPostaux") or [],
                lat=c.get("lat"),
                lon=c.get("lon"),
            )
        )
    fields = ["nom", "siren", "departement", "epci", "population", "codes_postaux"]
    if any(c.get("lat") is not None for c in rows):
        fields += ["lat", "lon"]  # the official package has no points: keep the bundled ones
    _upsert(Commune, objects, fields, report)
    return report


def _import_outlines(folder):
    report = Report("Contours de communes et d'EPCI")
    communes = folder / "communes_contours_2024.geojson.gz"
    if communes.exists():
        known = set(Commune.objects.values_list("insee", flat=True))
        updates = []
        for feature in _read_json(communes)["features"]:
            code = feature["properties"]["code"]
            if code in known:
                updates.append(Commune(insee=code, outline_simplified=feature["geometry"]))
            else:
                report.reject(code, "commune inconnue")
        Commune.objects.bulk_update(updates, ["outline_simplified"], batch_size=BATCH)
        report.updated += len(updates)
    epci = folder / "epci_59_62_2024.geojson.gz"
    if epci.exists():
        updates = [
            EPCI(siren=f["properties"]["code"], outline_simplified=f["geometry"]) for f in _read_json(epci)["features"]
        ]
        known = set(EPCI.objects.filter(pk__in=[u.pk for u in updates]).values_list("pk", flat=True))
        EPCI.objects.bulk_update([u for u in updates if u.pk in known], ["outline_simplified"], batch_size=BATCH)
        report.updated += len(known)
    report.notes.append("Contours fournis : Nord, Pas-de-Calais et communes des QPV 2015 d'Occitanie.")
    return report


# ---------------------------------------------------------------- QPV

KEYS = {
    "code": ("code_qp", "code_quartier", "cod_qp", "code_qpv", "code"),
    "nom": ("lib_qp", "nom_qp", "nom_quartier", "libelle", "nom"),
    "communes": ("insee_com", "code_commune", "code_insee", "insee_comm", "codes_insee", "depcom"),
    "commune_names": ("lib_com", "nom_commune", "commune_qp", "communes", "nom_com"),
    "departement": ("insee_dep", "code_departement", "code_dep", "departement", "dep"),
    "population": ("pop_mun", "population", "pop"),
}
QPV_CODE = re.compile(r"^Q[NP][0-9A-Z]{5,7}$")


def _pick(props, kind):
    lowered = {str(k).lower(): v for k, v in props.items()}
    for key in KEYS[kind]:
        value = lowered.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


@lru_cache(maxsize=1)
def delegated_communes():
    """Code of a commune déléguée → its commune nouvelle (official lists still use a few old codes)."""
    rows = _read_json(DATA / "admin" / "communes.json.gz")
    return {c["code"]: c["parent"] for c in rows if c["type"] == "commune-deleguee" and c.get("parent")}


@lru_cache(maxsize=1)
def npnru_codes():
    with open(DATA / "programmes" / "npnru_qpv2015_codes.csv", encoding="utf-8-sig") as fh:
        return frozenset(row["code_qp_2015"].strip() for row in csv.DictReader(fh))


def _generation(code, forced):
    guessed = 2024 if code.startswith("QN") else 2015 if code.startswith("QP") else None
    if forced and guessed and forced != guessed:
        raise ValueError(f"le code {code} n'est pas un code de la géographie {forced}")
    return forced or guessed


def read_qpv_rows(source, filename=""):
    """(rows, srid, notes): rows are (properties, geometry | None | GeoError). CSV lists have no geometry;
    `notes` says what the table reader fixed (title rows skipped, NUL bytes dropped)."""
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source
    filename = filename or (str(source) if isinstance(source, (str, Path)) else "")
    if not data:
        raise ImportFailure("Le fichier est vide.")
    if data[:4] == b"PK\x03\x04":
        data, filename = _unzip_outlines(data)
    if data.startswith(b"SQLite format 3\x00") or data.lstrip()[:1] in (b"{", b"\xef") or data[:2] == b"\x1f\x8b":
        if data.startswith(b"\xef\xbb\xbf") and not data[3:].lstrip().startswith(b"{"):
            pass  # a CSV with a BOM
        else:
            try:
                return *geo.read_features(data, filename), []
            except geo.GeoError as exc:
                raise ImportFailure(str(exc)) from None
    try:
        table = read_table(data, filename=filename)
    except TabularError as exc:
        raise ImportFailure(str(exc)) from None
    return [(row, None) for _n, row, _r in table.rows()], geo.WGS84, table.notes()


def _unzip_outlines(data):
    """Official files are sometimes zipped: take the GeoPackage or GeoJSON inside."""
    import io
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportFailure("Archive ZIP illisible.") from None
    members = [n for n in archive.namelist() if n.lower().endswith((".gpkg", ".geojson", ".json"))]
    if not members:
        raise ImportFailure("L'archive ZIP ne contient ni GeoPackage ni GeoJSON.")
    return archive.read(sorted(members, key=lambda n: not n.lower().endswith(".gpkg"))[0]), members[0]


@transaction.atomic
@refcache.bumps_version
def import_qpv(source, generation=None, filename="", source_label=""):
    """Create or update QPVs from an official file. Outlines are repaired and stored at full resolution.

    Rows without a geometry (the QPV list CSV) never erase an outline already loaded.
    """
    rows, srid, notes = read_qpv_rows(source, filename)
    _commune_names.cache_clear()
    report = Report(f"QPV{f' {generation}' if generation else ''}", notes=notes)
    if srid == geo.LAMBERT93:
        report.notes.append("Coordonnées en Lambert-93 (EPSG:2154) reprojetées en WGS 84.")
    label = source_label or Path(filename or str(source) if isinstance(source, (str, Path)) else filename).name
    communes = {c.insee: c for c in Commune.objects.only("insee", "epci_id", "departement_id", "lat", "lon")}
    departements = set(Departement.objects.values_list("code", flat=True))
    parsed, seen = [], set()
    for number, (props, geom) in enumerate(rows, start=1):
        item = _parse_qpv(number, props, geom, generation, communes, departements, report)
        if item is None:
            continue
        if item["code"] in seen:
            report.reject(item["code"], "code en double dans le fichier")
            continue
        seen.add(item["code"])
        parsed.append(item)
    if not parsed and rows:
        raise ImportFailure(
            "Aucune ligne importable : "
            + "; ".join(f"{w} : {r}" for w, r in report.rejected[:5])
            + ". Vérifiez le fichier (colonnes code_qp / lib_qp / insee_com) et importez d'abord les territoires."
        )
    changed = _save_qpvs(parsed, label, report)
    if changed:
        transaction.on_commit(lambda: outlines_changed.send(sender=QPV, codes=sorted(changed)))
    return report


def _parse_qpv(number, props, geom, generation, communes, departements, report):
    code = _pick(props, "code").upper()
    where = code or f"ligne {number}"
    if not QPV_CODE.match(code):
        report.reject(where, "code QPV absent ou invalide (attendu : QN… ou QP…)")
        return None
    try:
        gen = _generation(code, generation)
    except ValueError as exc:
        report.reject(code, str(exc))
        return None
    if isinstance(geom, geo.GeoError):
        report.reject(code, str(geom))
        return None
    delegated = delegated_communes()
    codes = [c.strip() for c in re.split(r"[;,|]", _pick(props, "communes")) if c.strip()]
    codes = [delegated.get(c, c) for c in codes]
    unknown = [c for c in codes if c not in communes]
    known = [c for c in dict.fromkeys(codes) if c in communes]
    dep = _pick(props, "departement").zfill(2) if _pick(props, "departement") else ""
    if not dep and known:
        dep = communes[known[0]].departement_id
    dep = dep or departement_from_code(code)
    if not codes:  # the 2015 national file names its communes without their INSEE code
        known = _communes_by_name(dep, _pick(props, "commune_names"))
    if dep not in departements:
        report.reject(code, f"département inconnu « {dep} » : lancez d'abord « quartiers import-territoires »")
        return None
    if unknown:
        report.notes.append(f"{code} : commune(s) inconnue(s) {', '.join(unknown)} ignorée(s).")
    outline, repaired = geo.repair(geom) if geom is not None else (None, False)
    if geom is not None and outline is None:
        report.reject(code, "contour vide ou non surfacique après réparation")
        return None
    if repaired:
        report.notes.append(f"{code} : contour invalide réparé (make_valid).")
    population = _pick(props, "population")
    return {
        "code": code,
        "nom": _pick(props, "nom") or code,
        "generation": gen,
        "departement_id": dep,
        "communes": known,
        "epci_id": next((communes[c].epci_id for c in known if communes[c].epci_id), None),
        "population": int(float(population)) if population.replace(".", "", 1).isdigit() else None,
        "outline": outline,
        "first_commune": communes[known[0]] if known else None,
    }


def departement_from_code(code):
    """QP062001 / QN06253M → 62, QP02A001 → 2A, QN97101M → 971: the official codes carry the département."""
    digits = code[2:5]
    if digits.startswith("97"):
        return digits
    return digits[1:] if digits.startswith("0") else ""


@lru_cache(maxsize=256)
def _commune_names(dep):
    return {_fold(nom): insee for insee, nom in Commune.objects.filter(departement_id=dep).values_list("insee", "nom")}


def _fold(text):
    import unicodedata

    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _communes_by_name(dep, names):
    index = _commune_names(dep)
    found = [index.get(_fold(n)) for n in re.split(r"[;,|]", names or "") if n.strip()]
    return [c for c in dict.fromkeys(found) if c]


def _save_qpvs(parsed, label, report):
    existing = {q.code: q for q in QPV.objects.filter(code__in=[p["code"] for p in parsed])}
    npnru = npnru_codes()
    to_create, to_update, changed = [], [], set()
    for item in parsed:
        qpv = existing.get(item["code"]) or QPV(code=item["code"])
        qpv.nom, qpv.generation, qpv.departement_id = item["nom"], item["generation"], item["departement_id"]
        qpv.epci_id = item["epci_id"] or qpv.epci_id
        qpv.population = item["population"] if item["population"] is not None else qpv.population
        qpv.npnru = item["code"] in npnru if item["generation"] == 2015 else qpv.npnru
        if item["outline"] is not None:
            new_wkb = item["outline"].wkb
            if bytes(qpv.outline_wkb or b"") != new_wkb:
                changed.add(item["code"])
            qpv.outline_wkb = new_wkb
            qpv.outline_simplified = geo.display_geojson(item["outline"])
            qpv.outline_overview = geo.display_geojson(item["outline"], geo.OVERVIEW_TOLERANCE, 4)
            qpv.outline_source = label[:300]
            point = item["outline"].representative_point()
            qpv.lat, qpv.lon, qpv.point_approx = round(point.y, 5), round(point.x, 5), False
        elif qpv.outline_wkb is None and item["first_commune"] is not None and item["first_commune"].lat is not None:
            qpv.lat, qpv.lon, qpv.point_approx = item["first_commune"].lat, item["first_commune"].lon, True
        (to_update if qpv.pk else to_create).append(qpv)
    fields = ["nom", "generation", "departement", "epci", "population", "npnru"]
    fields += ["outline_wkb", "outline_simplified", "outline_overview", "outline_source", "lat", "lon", "point_approx"]
    QPV.objects.bulk_create(to_create, batch_size=BATCH)
    QPV.objects.bulk_update(to_update, fields, batch_size=BATCH)
    report.created += len(to_create)
    report.updated += len(to_update)
    ids = dict(QPV.objects.filter(code__in=[p["code"] for p in parsed]).values_list("code", "pk"))
    through = QPV.communes.through
    through.objects.filter(qpv_id__in=ids.values()).delete()
    through.objects.bulk_create(
        [through(qpv_id=ids[p["code"]], commune_id=c) for p in parsed for c in p["communes"]], batch_size=BATCH
    )
    return changed


# ---------------------------------------------------------------- official download

DATASET_API = "https://www.data.gouv.fr/api/1/datasets/quartiers-prioritaires-de-la-politique-de-la-ville-qpv/"
OFFLINE_MESSAGE = (
    "Impossible de joindre data.gouv.fr ({reason}) : cette machine semble hors ligne. "
    "Téléchargez le fichier officiel des QPV (GeoJSON ou GeoPackage) depuis un poste connecté, "
    "jeu de données « Quartiers prioritaires de la politique de la ville (QPV) », "
    "puis lancez « quartiers import-qpv CHEMIN_DU_FICHIER »."
)


def _fetch(url, timeout):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "quartiers (import-qpv --officiel)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https or local test)
            return response.read()
    except urllib.error.HTTPError as exc:
        raise ImportFailure(f"data.gouv.fr a répondu {exc.code} pour {url}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ImportFailure(OFFLINE_MESSAGE.format(reason=reason)) from None


def choose_resource(dataset, generation=2024):
    """The GeoJSON (else GeoPackage) resource of the wanted generation in a data.gouv dataset description."""
    candidates = []
    for res in dataset.get("resources", []):
        text = f"{res.get('title', '')} {res.get('url', '')}".lower()
        fmt = (res.get("format") or "").lower()
        if str(generation) not in text or fmt not in ("geojson", "gpkg", "geopackage"):
            continue
        candidates.append((0 if fmt == "geojson" else 1, res["url"]))
    if not candidates:
        raise ImportFailure(f"Aucun fichier GeoJSON ou GeoPackage des QPV {generation} dans le jeu de données.")
    return sorted(candidates)[0][1]


def download_official(dataset_url=None, generation=2024, timeout=60):
    """(bytes, url) of the official national QPV file, found through the data.gouv API."""
    dataset_url = dataset_url or DATASET_API
    try:
        dataset = json.loads(_fetch(dataset_url, timeout))
    except json.JSONDecodeError:
        raise ImportFailure("La description du jeu de données data.gouv est illisible.") from None
    url = choose_resource(dataset, generation)
    return _fetch(url, timeout), url


# ---------------------------------------------------------------- contrats de ville, NPNRU, labels


@transaction.atomic
@refcache.bumps_version
def import_contrats(path=None):
    """The 448 contrats de ville 2024-2030 (ANCT), each linked to the 2024 QPVs of its territory."""
    path = Path(path or DATA / "programmes" / "contrats_de_ville_2024.geojson")
    report = Report("Contrats de ville")
    epcis = set(EPCI.objects.values_list("siren", flat=True))
    communes = dict(Commune.objects.values_list("insee", "departement_id"))
    departements = set(Departement.objects.values_list("code", flat=True))
    ept_members = {e["code"]: [_member_code(m) for m in e["membres"]] for e in _read_json(DATA / "admin" / "ept.json")}
    epci_departement = dict(Commune.objects.filter(epci__isnull=False).values_list("epci_id", "departement_id"))
    existing = {c.code: c for c in ContratDeVille.objects.all()}
    saved = {}  # code -> (contrat, [territory codes]): a few contracts cover several territories
    for feature in _read_json(path)["features"]:
        p = feature["properties"]
        code, geo_code = p["code_cv"], str(p["codgeo"])
        # A few rows carry no département: the territory tells it (the EPCI's communes, or the commune).
        dep = str(p["insee_dep"]).zfill(2) if p.get("insee_dep") else epci_departement.get(geo_code, "")
        dep = dep or communes.get(geo_code, "")
        if code in saved:
            saved[code][1].append(geo_code)
            report.notes.append(f"{code} couvre aussi le territoire {geo_code}.")
            continue
        if dep not in departements:
            report.reject(code, f"département inconnu {dep}")
            continue
        contrat = existing.get(code) or ContratDeVille(code=code)
        contrat.nom, contrat.departement_id, contrat.generation = p["lib_cv"], dep, "2024-2030"
        contrat.epci_id = geo_code if geo_code in epcis else None
        contrat.commune_id = geo_code if geo_code in communes else None
        if not contrat.epci_id and not contrat.commune_id:
            report.reject(code, f"territoire inconnu {geo_code}")
            continue
        report.created += contrat.pk is None
        report.updated += contrat.pk is not None
        contrat.save()
        saved[code] = (contrat, [geo_code])
    _link_contract_qpvs(saved, ept_members)
    return report


def _link_contract_qpvs(saved, ept_members):
    qpvs = QPV.objects.filter(generation=2024).values_list("pk", "epci_id", "departement_id", "communes__insee")
    by_epci, by_commune = {}, {}
    for pk, epci, dep, insee in qpvs:
        by_epci.setdefault((epci, dep), set()).add(pk)
        by_commune.setdefault(insee, set()).add(pk)
    through = ContratDeVille.qpvs.through
    through.objects.filter(contratdeville_id__in=[c.pk for c, _ in saved.values()]).delete()
    links = []
    for contrat, geo_codes in saved.values():
        members = set()
        for geo_code in geo_codes:
            if geo_code in ept_members:
                members |= set().union(*(by_commune.get(c, set()) for c in ept_members[geo_code]))
            elif len(geo_code) == 5:
                members |= by_commune.get(geo_code, set())
            else:  # an EPCI spanning two départements has one contract per département
                members |= by_epci.get((geo_code, contrat.departement_id), set())
        links += [through(contratdeville_id=contrat.pk, qpv_id=pk) for pk in members]
    through.objects.bulk_create(links, batch_size=BATCH)


@transaction.atomic
@refcache.bumps_version
def import_npnru(path=None):
    """Flag the 2015 QPVs of the NPNRU (ANRU list of QPV 2015 codes)."""
    codes = npnru_codes() if path is None else _codes_from(path)
    report = Report("QPV du NPNRU")
    report.updated = QPV.objects.filter(generation=2015, code__in=codes).update(npnru=True)
    QPV.objects.filter(generation=2015, npnru=True).exclude(code__in=codes).update(npnru=False)
    report.notes.append(f"{len(codes)} codes NPNRU ; les QPV 2015 non chargés seront marqués à leur import.")
    return report


def _codes_from(path):
    with open(path, encoding="utf-8-sig") as fh:
        return frozenset(row["code_qp_2015"].strip() for row in csv.DictReader(fh))


INSEE_IN_TEXT = re.compile(r"\((\d[\dAB]\d{3})\)")


@transaction.atomic
@refcache.bumps_version
def import_labels(path, kind):
    """Cités éducatives / cités de l'emploi (ANCT), attached to the communes named in `liste_geo`."""
    report = Report("Cités éducatives" if kind == Label.Kind.CITE_EDUCATIVE else "Cités de l'emploi")
    known = set(Commune.objects.values_list("insee", flat=True))
    delegated = delegated_communes()
    for feature in _read_json(path)["features"]:
        p = feature["properties"]
        codes = [delegated.get(c, c) for c in INSEE_IN_TEXT.findall(p.get("liste_geo") or "")]
        label, created = Label.objects.update_or_create(
            code=p["id_territoire"], defaults={"kind": kind, "nom": p["lib_territoire"]}
        )
        label.communes.set([c for c in codes if c in known])
        report.created += created
        report.updated += not created
        if not any(c in known for c in codes):
            report.reject(p["id_territoire"], f"aucune commune connue dans « {p.get('liste_geo')} »")
    return report


# ---------------------------------------------------------------- indicators

CODE_COLUMNS = ("code_qp", "code_qpv", "codgeo", "code_geo", "code", "code_insee", "depcom")
SKIPPED_COLUMNS = re.compile(r"^(nom|lib|libelle|commune)(_|$)|^nom_|^lib_", re.I)
LEVEL_PATTERNS = [
    (IndicatorValue.Level.QPV, QPV_CODE),
    (IndicatorValue.Level.EPCI, re.compile(r"^\d{9}$")),
    (IndicatorValue.Level.COMMUNE, re.compile(r"^\d[\dAB]\d{3}$")),
    (IndicatorValue.Level.DEPARTEMENT, re.compile(r"^(\d{2}|2[AB]|97\d)$")),
    (IndicatorValue.Level.FRANCE, re.compile(r"^(FR|FRANCE|FRA)$", re.I)),
]


def level_of(code):
    for level, pattern in LEVEL_PATTERNS:
        if pattern.match(code):
            return level
    return None


def describe_column(code, description="", kind=""):
    """Unit and summability from an INSEE-style column description (« Part des… », « Nombre de… »)."""
    text = (description or code).strip()
    low = text.lower()
    if low.startswith(("part ", "taux", "pourcentage")):
        return "%", False
    if "euros" in low or low.startswith(("médiane", "premier décile", "neuvième décile")):
        return "€", False
    if low.startswith("indice"):
        return "indice", False
    # Without a description, INSEE column names still tell counts: pop_…, nb_…
    summable = "entier" in (kind or "").lower() or low.startswith(("nombre", "population", "cumul", "pop_", "nb"))
    return "nombre", summable


def read_definitions(path):
    """A `.colonnes.csv` file: column, description, value type (and optional unite, annee, source)."""
    table = read_table(path)
    out = {}
    for _n, row, _r in table.rows():
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items()}
        code = row.get("colonne") or row.get("nom colonne") or row.get("code")
        if code:
            out[code] = row
    return out


@transaction.atomic
@refcache.bumps_version
def import_indicateurs(source, filename="", definitions=None, source_label="", annees=None, annee=None):
    """Indicator values from an INSEE-style table: one row per territory, one column per indicator.

    The territory level (QPV, commune, EPCI, département, France) is told by the code. Secret-statistique
    markers (s, nd, c…) are stored as such, never as zero. `annees` maps a column to its vintage;
    `annee` is the vintage of every other column.
    """
    filename = filename or (str(source) if isinstance(source, (str, Path)) else "")
    table, code_column, columns = _indicator_table(source, filename)
    if definitions is None and filename:
        sidecar = Path(re.sub(r"\.(csv|xlsx)$", "", filename, flags=re.I) + ".colonnes.csv")
        definitions = read_definitions(sidecar) if sidecar.exists() else {}
    report = Report("Indicateurs", notes=table.notes())  # title rows skipped, NUL bytes dropped
    indicators = _indicator_definitions(columns, definitions or {}, source_label, annees or {}, annee)
    known_qpv = set(QPV.objects.values_list("code", flat=True))
    values, secrets = [], 0
    for number, row, _ragged in table.rows():
        code = (row.get(code_column) or "").strip().upper()
        level = level_of(code)
        if level is None:
            report.reject(f"ligne {number}", f"code de territoire « {code} » non reconnu")
            continue
        if level == IndicatorValue.Level.QPV and code not in known_qpv:
            report.reject(f"ligne {number}", f"QPV {code} inconnu : importez d'abord ses contours ou la liste")
            continue
        row_values, row_errors = _row_values(row, columns, indicators, level, code)
        secrets += sum(v.secret for v in row_values)  # as before: a rejected row's secrets are counted too
        if row_errors:
            report.reject(f"ligne {number} ({code})", "; ".join(row_errors))
            continue
        values += row_values
        report.created += 1
    _save_values(values)
    _fill_qpv_population(values)
    report.what = f"Indicateurs ({len(indicators)} colonnes)"
    report.notes.append(f"{len(values)} valeurs enregistrées, dont {secrets} sous secret statistique.")
    return report


def _indicator_table(source, filename):
    """The table, its territory-code column and its indicator columns; ImportFailure (French) otherwise."""
    try:
        table = read_table(source, filename=filename)
    except TabularError as exc:
        raise ImportFailure(str(exc)) from None
    code_column = next((h for h in table.headers if h.strip().lower() in CODE_COLUMNS), None)
    if code_column is None:
        raise ImportFailure(
            "Colonne de code introuvable : le fichier doit avoir une colonne code_qp, codgeo ou code "
            f"(colonnes lues : {', '.join(table.headers[:8])})."
        )
    columns = [h for h in table.headers if h and h != code_column and not SKIPPED_COLUMNS.search(h.strip())]
    if not columns:
        raise ImportFailure("Aucune colonne d'indicateur dans le fichier.")
    return table, code_column, columns


def _row_values(row, columns, indicators, level, code):
    """The IndicatorValues of one row (a secret marker kept as such, an empty cell skipped) and its errors."""
    row_values, row_errors = [], []
    for column in columns:
        try:
            number_value, secret = parse_decimal(row.get(column, "")), False
        except SecretValue:
            number_value, secret = None, True
        except ValueError as exc:
            row_errors.append(f"colonne {column} : {exc}")
            continue
        if number_value is None and not secret:
            continue
        indicator = indicators[column]
        row_values.append(
            IndicatorValue(
                indicator=indicator, level=level, code=code, valeur=number_value, secret=secret,
                annee=indicator.annee,
            )
        )  # fmt: skip
    return row_values, row_errors


def _indicator_definitions(columns, definitions, source_label, annees, default_year=None):
    out = {}
    for order, column in enumerate(columns):
        meta = definitions.get(column, {})
        unit, summable = describe_column(column, meta.get("description", ""), meta.get("type_valeur", ""))
        year = meta.get("annee") or annees.get(column) or default_year
        indicator, _ = IndicatorDefinition.objects.update_or_create(
            code=column,
            defaults={
                "libelle": (meta.get("description") or column)[:300],
                "unite": meta.get("unite") or unit,
                "additionnable": summable,
                "source": (meta.get("source") or source_label)[:300],
                "annee": int(year) if str(year or "").isdigit() else None,
                "ordre": order,
            },
        )
        out[column] = indicator
    return out


POPULATION_COLUMNS = ("pop_mun", "population")


def _fill_qpv_population(values):
    """The QPV's own population field, from the municipal-population column when the file has one."""
    population = {
        v.code: int(v.valeur)
        for v in values
        if v.level == "qpv" and v.indicator.code in POPULATION_COLUMNS and v.valeur is not None
    }
    qpvs = list(QPV.objects.filter(code__in=population).only("pk", "code", "population"))
    for qpv in qpvs:
        qpv.population = population[qpv.code]
    QPV.objects.bulk_update(qpvs, ["population"], batch_size=BATCH)


def _save_values(values):
    values = list({(v.indicator_id, v.level, v.code): v for v in values}.values())  # a code twice: last row wins
    for start in range(0, len(values), BATCH):
        IndicatorValue.objects.bulk_create(
            values[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["indicator", "level", "code"],
            update_fields=["valeur", "secret", "annee"],
        )
