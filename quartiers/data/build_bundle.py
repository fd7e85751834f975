"""Rebuild the bundled reference data from the project's shared data folder (a maintainer tool).

    python quartiers/data/build_bundle.py /path/to/shared/data

Trims the administrative tree to the fields the product uses, adds each commune's centroid (from the
IGN ADMIN EXPRESS simplified outlines) and gzips what is large. Nothing is invented: every value comes
from the files listed in README.md.
"""

import csv
import gzip
import json
import lzma
import shutil
import sys
from pathlib import Path

from shapely.geometry import mapping, shape

HERE = Path(__file__).resolve().parent


def _dump_gz(obj, path):
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(obj, fh, ensure_ascii=False, separators=(",", ":"))


def _round(geom, digits):
    def rnd(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0], digits), round(coords[1], digits)]
        return [rnd(c) for c in coords]

    return {"type": geom["type"], "coordinates": rnd(geom["coordinates"])}


def _without_slivers(geom, min_hole=0.002, min_part=0.00001):
    """Drop the pinholes left between slightly overlapping simplified communes (holes under ~15 km²; a real
    enclave such as the Enclave des Papes is far larger) and specks of a few hundred square metres."""
    from shapely.geometry import MultiPolygon, Polygon

    parts = geom.geoms if hasattr(geom, "geoms") else [geom]
    kept = [
        Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area >= min_hole])
        for p in parts
        if isinstance(p, Polygon) and p.area >= min_part
    ]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def build_departement_outlines(features, path, tolerance=0.01, digits=3):
    """Département outlines for the basemap of the national map: the union of their communes' IGN outlines
    (snapped to a 100 m grid: the simplified communes overlap slightly), simplified to about 1 km, coordinates
    rounded to about 100 m. Neighbours are simplified separately: gaps stay under a kilometre."""
    import shapely

    by_dep = {}
    for feat in features:
        by_dep.setdefault(feat["properties"]["dep"], []).append(shape(feat["geometry"]))
    codes = sorted(by_dep)
    unions = [_without_slivers(shapely.union_all(shapely.make_valid(by_dep[c]), grid_size=0.001)) for c in codes]
    simplified = [geom.simplify(tolerance, preserve_topology=True) for geom in unions]
    names = {d["code"]: d["nom"] for d in json.loads((HERE / "admin/departements.json").read_text())}
    out = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, "nom": names.get(code, code)},
                "geometry": _round(mapping(geom), digits),
            }
            for code, geom in zip(codes, simplified, strict=True)
            if not geom.is_empty
        ],
    }
    _dump_gz(out, path)


def _centroids_and_outlines(src, admin, occ_communes):
    """Centroids of every commune, and outlines of the given communes (those of the Occitanie 2015 QPVs);
    writes the départements' outlines on the way, from the same national file."""
    with lzma.open(src / "admin/communes_france_2024_simplifiees.geojson.xz", "rt") as fh:
        france = json.load(fh)
    centroids, outlines = {}, []
    for feat in france["features"]:
        geom = shape(feat["geometry"])
        point = geom.representative_point()
        centroids[feat["properties"]["code"]] = (round(point.y, 4), round(point.x, 4))
        if feat["properties"]["code"] in occ_communes:
            props = {k: feat["properties"].get(k) for k in ("code", "nom", "dep", "epci", "population")}
            outlines.append({"type": "Feature", "properties": props, "geometry": _round(mapping(geom), 5)})
    build_departement_outlines(france["features"], admin / "departements_contours_2024.geojson.gz")
    return centroids, outlines


def _commune_row(c, centroids):
    lat, lon = centroids.get(c["code"], (None, None))
    return {
        "code": c["code"],
        "nom": c["nom"],
        "type": c["type"],
        "departement": c.get("departement"),
        "region": c.get("region"),
        "siren": c.get("siren", ""),
        "codesPostaux": c.get("codesPostaux", []),
        "population": c.get("population"),
        "parent": c.get("commune") or c.get("chefLieu"),
        "lat": lat,
        "lon": lon,
    }


def _administrative_tree(src, admin, centroids):
    """Communes (with their centroid), EPCI and EPT trimmed to the fields the product uses."""
    kinds = ("commune-actuelle", "arrondissement-municipal", "commune-deleguee")
    communes = json.load(gzip.open(src / "admin/communes.json.gz"))
    _dump_gz([_commune_row(c, centroids) for c in communes if c["type"] in kinds], admin / "communes.json.gz")
    epci = json.load(gzip.open(src / "admin/epci.json.gz"))
    _dump_gz(
        [
            {
                "code": e["code"],
                "nom": e["nom"],
                "type": e["type"],
                "population": e.get("populationMunicipale"),
                "membres": [m["code"] for m in e["membres"]],
            }
            for e in epci
        ],
        admin / "epci.json.gz",
    )
    ept = json.loads((src / "admin/ept.json").read_text())
    (admin / "ept.json").write_text(
        json.dumps(
            [{"code": e["code"], "nom": e["nom"], "membres": [m["code"] for m in e["membres"]]} for e in ept],
            ensure_ascii=False,
        )
    )
    for name in ("departements.json", "regions.json", "decoupage-administratif.LICENSE"):
        shutil.copy(src / "admin" / name, admin / name)


QPV_FILES = (
    "qpv2024_liste.csv",
    "qpv2015_occitanie.geojson",
    "qpv2015_occitanie.colonnes.csv",
    "qpv2015_occitanie_indicateurs.csv",
    "qpv2015_occitanie_indicateurs.colonnes.csv",
)
PROGRAMME_FILES = (
    "contrats_de_ville_2024.geojson",
    "npnru_qpv2015_codes.csv",
    "cites_educatives.geojson",
    "cites_emploi.geojson",
)


def build(src: Path):
    admin, qpv, prog = HERE / "admin", HERE / "qpv", HERE / "programmes"
    for folder in (admin, qpv, prog):
        folder.mkdir(exist_ok=True)
    occitanie = json.loads((src / "qpv/qpv2015_occitanie.geojson").read_text())
    occ_communes = {f["properties"]["code_commune"] for f in occitanie["features"]}
    centroids, occ_outlines = _centroids_and_outlines(src, admin, occ_communes)
    _administrative_tree(src, admin, centroids)

    outlines = json.loads((src / "admin/communes_59_62_2024.geojson").read_text())
    outlines["features"].extend(occ_outlines)
    _dump_gz(outlines, admin / "communes_contours_2024.geojson.gz")
    _dump_gz(json.loads((src / "admin/epci_59_62_2024.geojson").read_text()), admin / "epci_59_62_2024.geojson.gz")
    for name in QPV_FILES:
        shutil.copy(src / "qpv" / name, qpv / name)
    for name in PROGRAMME_FILES:
        shutil.copy(src / "programmes" / name, prog / name)
    with open(qpv / "qpv2024_liste.csv", encoding="utf-8") as fh:
        print(sum(1 for _ in csv.DictReader(fh)), "QPV 2024")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"))
