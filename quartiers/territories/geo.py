"""Reading official outline files without GDAL: GeoJSON and GeoPackage (sqlite3 + the GPKG WKB header).

Everything returns features as (properties dict, shapely geometry or None) in EPSG:4326 (lon, lat).
Lambert-93 (EPSG:2154), the projection of IGN and ANCT files, is reprojected with pyproj.
"""

import json
import sqlite3
import struct
import tempfile
from functools import lru_cache
from pathlib import Path

import shapely
from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.validation import make_valid

WGS84, LAMBERT93 = 4326, 2154
SUPPORTED_SRID = {WGS84, LAMBERT93}
SIMPLIFY_TOLERANCE = 0.0001  # degrees, about 10 m: enough for display, never used for eligibility
OVERVIEW_TOLERANCE = 0.0008  # about 80 m: the national map at low zoom
DISPLAY_DIGITS = 5


class GeoError(Exception):
    """A file that cannot be read as outlines; the message is for the user, in French."""


@lru_cache(maxsize=4)
def _transformer(srid):
    from pyproj import Transformer

    return Transformer.from_crs(srid, WGS84, always_xy=True)


def to_wgs84(geom, srid):
    if geom is None or srid == WGS84:
        return geom
    transformer = _transformer(srid)
    return shapely.transform(geom, lambda xy: _stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _stack(pair):
    import numpy as np

    return np.column_stack(pair)


def repair(geom):
    """A valid (Multi)Polygon, or None. Official files carry self-intersecting rings now and then."""
    if geom is None or geom.is_empty:
        return None, False
    repaired = False
    if not geom.is_valid:
        geom, repaired = make_valid(geom), True
    if geom.geom_type == "GeometryCollection":
        polygons = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        geom = shapely.union_all(polygons) if polygons else None
    if geom is None or geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
        return None, repaired
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    return geom, repaired


def display_geojson(geom, tolerance=SIMPLIFY_TOLERANCE, digits=DISPLAY_DIGITS):
    """Simplified, rounded GeoJSON geometry for maps (a few kB per QPV)."""
    simple = geom.simplify(tolerance, preserve_topology=True)
    if simple.is_empty:
        simple = geom
    rounded = shapely.set_precision(simple, 10**-digits)
    if rounded.is_empty:
        rounded = simple
    return mapping(rounded)


def _srid_from_geojson(data, sample_coords):
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "")
    if "2154" in crs:
        return LAMBERT93
    if crs and not any(token in crs for token in ("4326", "CRS84")):
        raise GeoError(f"Système de coordonnées non pris en charge : {crs} (attendu : EPSG:4326 ou EPSG:2154).")
    # Files without `crs` are WGS84 by the GeoJSON standard; Lambert-93 metres betray themselves.
    if sample_coords is not None and abs(sample_coords[0]) > 360:
        return LAMBERT93
    return WGS84


def _first_coord(geometry):
    coords = (geometry or {}).get("coordinates")
    while isinstance(coords, list) and coords and isinstance(coords[0], list):
        coords = coords[0]
    return coords if coords else None


def read_geojson(data: bytes):
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeoError(f"Ce fichier n'est pas un GeoJSON lisible : {exc}.") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise GeoError("Ce fichier GeoJSON n'est pas une FeatureCollection.")
    features = doc.get("features") or []
    sample = next((_first_coord(f.get("geometry")) for f in features if f.get("geometry")), None)
    srid = _srid_from_geojson(doc, sample)
    out = []
    for feature in features:
        geometry = feature.get("geometry")
        try:
            geom = shape(geometry) if geometry else None
        except Exception as exc:  # shapely raises several kinds for broken coordinates
            out.append((feature.get("properties") or {}, GeoError(f"géométrie illisible ({exc})")))
            continue
        out.append((feature.get("properties") or {}, to_wgs84(geom, srid)))
    return out, srid


def gpkg_wkb(blob: bytes) -> bytes:
    """Strip the GeoPackage binary header (magic 'GP', version, flags, srs_id, envelope) from a geometry."""
    if blob[:2] != b"GP":
        raise GeoError("géométrie GeoPackage invalide (en-tête « GP » absent)")
    flags = blob[3]
    envelope_kind = (flags >> 1) & 0b111
    envelope_size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get(envelope_kind)
    if envelope_size is None:
        raise GeoError("géométrie GeoPackage invalide (enveloppe inconnue)")
    if flags & 0b10000:  # empty geometry flag
        return b""
    return blob[8 + envelope_size :]


def gpkg_srs_id(blob: bytes) -> int:
    little = blob[3] & 1
    return struct.unpack("<i" if little else ">i", blob[4:8])[0]


def read_gpkg(data: bytes):
    with tempfile.NamedTemporaryFile(suffix=".gpkg") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            con = sqlite3.connect(f"file:{tmp.name}?mode=ro", uri=True)
            return _read_gpkg_connection(con)
        except sqlite3.DatabaseError as exc:
            raise GeoError(f"Ce fichier n'est pas un GeoPackage lisible : {exc}.") from None


def _read_gpkg_connection(con):
    try:
        row = con.execute(
            "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
            "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' "
            "ORDER BY c.table_name LIMIT 1"
        ).fetchone()
        if row is None:
            raise GeoError("Ce GeoPackage ne contient aucune couche de géométries.")
        table, column, srs_id = row
        srs = con.execute(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)
        ).fetchone()
        srid = int(srs[1]) if srs and str(srs[0]).upper() == "EPSG" else srs_id
        if srid not in SUPPORTED_SRID:
            raise GeoError(f"Système de coordonnées non pris en charge : EPSG:{srid} (attendu : 4326 ou 2154).")
        quoted = table.replace('"', '""')  # the name comes from the file: quote it as an identifier
        cursor = con.execute(f'SELECT * FROM "{quoted}"')
        names = [d[0] for d in cursor.description]
        out = []
        for values in cursor:
            props = dict(zip(names, values, strict=True))
            blob = props.pop(column)
            try:
                geom = wkb.loads(gpkg_wkb(blob)) if blob else None
                if geom is not None and geom.is_empty:
                    geom = None
            except (GeoError, shapely.errors.ShapelyError, ValueError) as exc:
                out.append((props, GeoError(f"géométrie illisible ({exc})")))
                continue
            out.append((props, to_wgs84(geom, srid)))
        return out, srid
    except sqlite3.DatabaseError as exc:
        raise GeoError(f"Ce fichier n'est pas un GeoPackage lisible : {exc}.") from None
    finally:
        con.close()


def read_features(source, filename=""):
    """(features, srid) from a path or bytes; the format is told by its content, not its name."""
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    else:
        data = source
    if data[:2] == b"\x1f\x8b":
        import gzip

        data = gzip.decompress(data)
    if data.startswith(b"SQLite format 3\x00"):
        return read_gpkg(data)
    if data.lstrip()[:1] in (b"{", b"\xef"):
        return read_geojson(data)
    raise GeoError(f"Format non reconnu pour {Path(filename).name or 'ce fichier'} : attendu GeoJSON ou GeoPackage.")
