"""Point → QPV, exact on the full-resolution outlines (`QPV.outline_wkb`), for every loaded generation.

The index is built once per process from the database and shared by every thread:

    from quartiers.geocoding import spatial
    spatial.locate(1.40, 43.57)            # -> [Match(generation=2015, code="QP031007", inside=True, …)]
    spatial.locate_many(lons, lats)        # -> {2015: array of codes ("" outside), 2024: …}

How it stays exact and fast: a sparse uniform grid (cells of `CELL_DEG` degrees) where each cell is
classified once as fully inside one outline, fully outside every outline (absent from the grid), or on a
boundary with its candidate outlines. Only points falling in boundary cells are tested with GEOS
(`shapely.contains_xy` on prepared full-resolution geometries), so the answer is the one GEOS gives, for a
tiny fraction of the cost. A point on an outline's edge is not "inside" (same as ST_Contains).

Rebuilt after an import: `territories.signals.outlines_changed` marks the index stale in this process,
and a cheap fingerprint of the QPV table (checked at most every `CHECK_SECONDS`) catches imports made by
another process (the worker, a command).
"""

import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.conf import settings

CELL_DEG = 0.001  # about 75 m × 110 m in metropolitan France
EPSILON = 1e-9  # cell boxes are grown by this much so float rounding of floor() never misclassifies
EARTH_RADIUS = 6_371_008.8
KY = math.radians(EARTH_RADIUS)  # metres per degree of latitude (sphere; refined by the geodesic step)
COARSE_MAX_CELLS = 1_000_000
MIXED = -2
_OFFSET = 1 << 20
_SHIFT = 1 << 21

# Bounding boxes of the territories where QPVs exist: metropolitan France and the DROM.
FRANCE_BOXES = (
    (-5.6, 41.2, 10.0, 51.3),  # métropole et Corse
    (-61.9, 15.8, -60.9, 16.6),  # Guadeloupe
    (-61.3, 14.3, -60.7, 14.95),  # Martinique
    (-54.7, 2.0, -51.5, 6.0),  # Guyane
    (55.1, -21.5, 56.0, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
    (-56.5, 46.7, -56.0, 47.2),  # Saint-Pierre-et-Miquelon
    (-63.2, 17.8, -62.7, 18.2),  # Saint-Martin, Saint-Barthélemy
)


def in_france(lon, lat):
    """True when (lon, lat) falls in metropolitan France or an overseas département (coarse boxes)."""
    if lon is None or lat is None or not (math.isfinite(lon) and math.isfinite(lat)):
        return False
    return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, y0, x1, y1 in FRANCE_BOXES)


def in_france_many(lons, lats):
    lons = np.asarray(lons, dtype=float)
    lats = np.asarray(lats, dtype=float)
    inside = np.zeros(lons.shape, dtype=bool)
    for x0, y0, x1, y1 in FRANCE_BOXES:
        inside |= (lons >= x0) & (lons <= x1) & (lats >= y0) & (lats <= y1)
    return inside


@dataclass
class Match:
    generation: int
    code: str
    nom: str
    pk: int
    inside: bool
    distance_m: float  # 0 when inside


@dataclass
class GenerationIndex:
    generation: int
    pks: list
    codes: list
    names: list
    geoms: np.ndarray
    tree: shapely.STRtree
    bounds: tuple
    keys: np.ndarray  # sorted int64 keys of the non-empty cells
    states: np.ndarray  # >= 0: fully inside that outline; < 0: boundary slot (-state - 1)
    cand_ptr: np.ndarray  # CSR of the candidate outlines of each boundary slot
    cand_idx: np.ndarray
    complete_departements: set = field(default_factory=set)
    national: bool = False
    code_array: np.ndarray = None
    partial_departements: set = field(default_factory=set)
    # Dense coarse grids, one per territory (metropolitan France first, then each overseas one):
    # (cells: -1 empty, >= 0 fully inside that outline, MIXED otherwise; (ox, oy, 1/size, nx, ny); bounds)
    coarse_grids: list = field(default_factory=list)
    local_frames: tuple = None  # (outlines in a local metric frame, cos(lat0) of each), on first distance query

    @property
    def size(self):
        return len(self.codes)

    # ---- exact containment, vectorised ----

    def locate_idx(self, lons, lats):
        """Index of the containing outline for each point, -1 outside.

        Two levels: a small dense coarse grid answers most points with one gather (empty, or fully inside
        one outline); points in mixed coarse cells go to the fine sparse grid, then to GEOS on boundaries.
        """
        n = len(lons)
        result = np.full(n, -1, dtype=np.int32)
        if not n or not self.size:
            return result
        mixed = np.zeros(n, dtype=bool)
        for number, (coarse, (ox, oy, inv, nx, ny), (bx0, by0, bx1, by1)) in enumerate(self.coarse_grids):
            if number == 0:
                sub = None
                gx, gy = lons, lats
            else:
                # The other territories (overseas): only the few points inside their bounds.
                sub = np.flatnonzero((lons >= bx0) & (lons <= bx1) & (lats >= by0) & (lats <= by1))
                if not sub.size:
                    continue
                gx, gy = lons[sub], lats[sub]
            # Truncation toward zero is safe: each grid has an empty margin cell on every side.
            cx = ((gx - ox) * inv).astype(np.int64)
            cy = ((gy - oy) * inv).astype(np.int64)
            valid = (cx.view(np.uint64) < nx) & (cy.view(np.uint64) < ny)
            cell = np.where(valid, cx * ny + cy, 0)  # cell 0 is a margin cell: always empty
            state = coarse[cell]
            full = state >= 0
            if sub is None:
                result[full] = state[full]
                mixed |= state == MIXED
            else:
                result[sub[full]] = state[full]
                mixed[sub[state == MIXED]] = True
        sel = np.flatnonzero(mixed)
        if not sel.size:
            return result
        xs, ys = lons[sel], lats[sel]
        keys = _cell_keys(xs, ys)
        pos = np.searchsorted(self.keys, keys)
        pos[pos == len(self.keys)] = 0
        hit = self.keys[pos] == keys
        states = np.where(hit, self.states[pos], np.iinfo(np.int32).min)
        fine_full = states >= 0
        result[sel[fine_full]] = states[fine_full]
        boundary = hit & ~fine_full
        if boundary.any():
            bsel = sel[boundary]
            slots = -states[boundary] - 1
            result[bsel] = self._resolve(lons[bsel], lats[bsel], slots)
        return result

    def _resolve(self, xs, ys, slots):
        """Points in boundary cells: GEOS decides, candidate by candidate."""
        out = np.full(len(xs), -1, dtype=np.int32)
        counts = self.cand_ptr[slots + 1] - self.cand_ptr[slots]
        for rank in range(int(counts.max())):
            todo = np.flatnonzero((counts > rank) & (out < 0))
            if not todo.size:
                break
            polys = self.cand_idx[self.cand_ptr[slots[todo]] + rank]
            order = np.argsort(polys, kind="stable")
            todo, polys = todo[order], polys[order]
            starts = np.flatnonzero(np.r_[True, polys[1:] != polys[:-1]])
            ends = np.r_[starts[1:], len(polys)]
            for s, e in zip(starts, ends, strict=True):
                group = todo[s:e]
                inside = shapely.contains_xy(self.geoms[polys[s]], xs[group], ys[group])
                out[group[inside]] = polys[s]
        return out

    # ---- distance to the nearest outline ----

    def nearest(self, lon, lat):
        """(index, distance in metres) of the nearest outline; (None, None) when the index is empty."""
        if not self.size:
            return None, None
        point = shapely.Point(lon, lat)
        first = self.tree.query_nearest(point)
        if not len(first):
            return None, None
        d_deg = shapely.distance(point, self.geoms[first[0]])
        # In degrees, longitudes shrink by cos(lat): an outline nearer in metres is at most d/cos(lat) away.
        coslat = max(math.cos(math.radians(lat)), 0.05)
        candidates = self.tree.query(point, predicate="dwithin", distance=d_deg / coslat * 1.001 + 1e-9)
        if not len(candidates):
            candidates = first
        local, factors = self._local()
        # Each outline is kept in its own local metric frame (x = lon·cos(lat0)·k, y = lat·k): compare there,
        # then measure the geodesic distance to the nearest point found.
        points = shapely.points(lon * factors[candidates] * KY, np.full(len(candidates), lat * KY))
        distances = shapely.distance(points, local[candidates])
        best = int(np.argmin(distances))
        idx = int(candidates[best])
        if distances[best] == 0:
            return idx, 0.0
        line = shapely.shortest_line(points[best], local[idx])
        x, y = shapely.get_coordinates(line)[1]
        return idx, _geodesic(lon, lat, x / (factors[idx] * KY), y / KY)

    def nearest_many(self, lons, lats):
        """Vectorised `nearest`: (indexes, distances in metres) for arrays of points; -1 / nan when empty."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        n = len(lons)
        best_idx = np.full(n, -1, dtype=np.int64)
        best_d = np.full(n, np.nan)
        if not n or not self.size:
            return best_idx, best_d
        points = shapely.points(lons, lats)
        (inp, tree_idx), d_deg = self.tree.query_nearest(points, return_distance=True, all_matches=False)
        radius = np.full(n, 0.0)
        radius[inp] = d_deg
        coslat = np.maximum(np.cos(np.radians(lats)), 0.05)
        pairs = self.tree.query(points, predicate="dwithin", distance=radius / coslat * 1.001 + 1e-9)
        p_in, p_geom = (np.concatenate([pairs[0], inp]), np.concatenate([pairs[1], tree_idx]))
        local, factors = self._local()
        local_points = shapely.points(lons[p_in] * factors[p_geom] * KY, lats[p_in] * KY)
        dist = shapely.distance(local_points, local[p_geom])
        order = np.lexsort((dist, p_in))
        first = order[np.r_[True, p_in[order][1:] != p_in[order][:-1]]]
        chosen_in, chosen_geom = p_in[first], p_geom[first]
        best_idx[chosen_in] = chosen_geom
        lines = shapely.shortest_line(local_points[first], local[chosen_geom])
        coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)[:, 1, :]
        near_lon = coords[:, 0] / (factors[chosen_geom] * KY)
        near_lat = coords[:, 1] / KY
        geodesic = _geodesic_many(lons[chosen_in], lats[chosen_in], near_lon, near_lat)
        best_d[chosen_in] = np.where(dist[first] == 0, 0.0, geodesic)
        return best_idx, best_d

    def _local(self):
        # Built on first use; threads racing here compute the same pair and one assignment wins, whole.
        cached = self.local_frames
        if cached is None:
            factors = np.array([math.cos(math.radians(g.centroid.y)) for g in self.geoms])
            local = np.array(
                [
                    shapely.transform(g, lambda c, f=f: np.column_stack((c[:, 0] * f * KY, c[:, 1] * KY)))
                    for g, f in zip(self.geoms, factors, strict=True)
                ],
                dtype=object,
            )
            cached = self.local_frames = (local, factors)
        return cached


def metric_distance(lon, lat, geom):
    """Distance in metres from (lon, lat) to `geom`: nearest point found in a local metric frame
    (equirectangular around the point), then the geodesic distance to it on the WGS84 ellipsoid."""
    kx = math.radians(EARTH_RADIUS) * math.cos(math.radians(lat))
    ky = math.radians(EARTH_RADIUS)

    def to_local(coords):
        return np.column_stack(((coords[:, 0] - lon) * kx, (coords[:, 1] - lat) * ky))

    local = shapely.transform(geom, to_local)
    origin = shapely.Point(0, 0)
    if shapely.contains(local, origin):
        return 0.0
    nearest = shapely.shortest_line(origin, local)
    x, y = shapely.get_coordinates(nearest)[1]
    return _geodesic(lon, lat, lon + x / kx, lat + y / ky)


_GEOD = None


def _geodesic(lon1, lat1, lon2, lat2):
    global _GEOD
    if _GEOD is None:
        from pyproj import Geod

        _GEOD = Geod(ellps="WGS84")
    return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _geodesic_many(lon1, lat1, lon2, lat2):
    _geodesic(0.0, 0.0, 0.0, 0.0)  # creates the shared Geod
    return np.asarray(_GEOD.inv(lon1, lat1, lon2, lat2)[2], dtype=float)


def _cell_keys(xs, ys):
    inv = 1.0 / CELL_DEG
    ix = np.floor(xs * inv).astype(np.int64) + _OFFSET
    iy = np.floor(ys * inv).astype(np.int64) + _OFFSET
    return ix * _SHIFT + iy


def _coarse_grids(geoms):
    """One coarse grid per territory box (FRANCE_BOXES, metropolitan France first), so overseas outlines do
    not stretch the metropolitan grid over the Atlantic; outlines outside every box get a grid of their own."""
    groups = {}
    for idx, geom in enumerate(geoms):
        point = geom.representative_point()
        box = next(
            (b for b, (x0, y0, x1, y1) in enumerate(FRANCE_BOXES) if x0 <= point.x <= x1 and y0 <= point.y <= y1),
            len(FRANCE_BOXES),
        )
        groups.setdefault(box, []).append(idx)
    grids = []
    for box in sorted(groups, key=lambda b: -len(groups[b])):
        indexes = groups[box]
        bounds = tuple(shapely.total_bounds(geoms[indexes]))
        coarse, origin = _coarse_grid(geoms, indexes, bounds)
        grids.append((coarse, origin, bounds))
    return grids


def _coarse_grid(geoms, indexes, bounds):
    """Dense grid of coarse cells (4 fine cells wide, larger when the bounds are huge) with a margin of one
    empty cell all round, so the lookup can truncate instead of floor and needs no bounds test."""
    x0, y0, x1, y1 = bounds
    size = max(4 * CELL_DEG, math.sqrt((x1 - x0) * (y1 - y0) / COARSE_MAX_CELLS))
    ox, oy = x0 - size, y0 - size
    nx = int((x1 - ox) / size) + 2
    ny = int((y1 - oy) / size) + 2
    coarse = np.full(nx * ny, -1, dtype=np.int32)
    for idx in indexes:
        geom = geoms[idx]
        minx, miny, maxx, maxy = geom.bounds
        ix = np.arange(int((minx - ox) / size), int((maxx - ox) / size) + 1)
        iy = np.arange(int((miny - oy) / size), int((maxy - oy) / size) + 1)
        gx, gy = (a.ravel() for a in np.meshgrid(ix, iy))
        boxes = shapely.box(
            ox + gx * size - EPSILON,
            oy + gy * size - EPSILON,
            ox + (gx + 1) * size + EPSILON,
            oy + (gy + 1) * size + EPSILON,
        )
        touches = shapely.intersects(geom, boxes)
        inside = np.zeros(len(boxes), dtype=bool)
        inside[touches] = shapely.contains_properly(geom, boxes[touches])
        for cell, is_in in zip((gx * ny + gy)[touches].tolist(), inside[touches].tolist(), strict=True):
            coarse[cell] = idx if (is_in and coarse[cell] == -1) else MIXED
    return coarse, (ox, oy, 1.0 / size, nx, ny)


def _fine_grid(geoms):
    """Sparse fine grid: sorted cell keys, their state, and the candidates of each boundary cell (CSR).

    A cell is "full" when exactly one outline touches it and contains it entirely; any other touched cell
    (an edge, or outlines overlapping) is a boundary cell whose candidates GEOS will test."""
    parts = []
    for idx, geom in enumerate(geoms):
        minx, miny, maxx, maxy = geom.bounds
        ix = np.arange(math.floor(minx / CELL_DEG), math.floor(maxx / CELL_DEG) + 1)
        iy = np.arange(math.floor(miny / CELL_DEG), math.floor(maxy / CELL_DEG) + 1)
        gx, gy = (a.ravel() for a in np.meshgrid(ix, iy))
        boxes = shapely.box(
            gx * CELL_DEG - EPSILON,
            gy * CELL_DEG - EPSILON,
            (gx + 1) * CELL_DEG + EPSILON,
            (gy + 1) * CELL_DEG + EPSILON,
        )
        touches = shapely.intersects(geom, boxes)
        inside = shapely.contains_properly(geom, boxes[touches])
        keys = (gx[touches] + _OFFSET) * _SHIFT + (gy[touches] + _OFFSET)
        parts.append((keys, np.full(len(keys), idx, dtype=np.int32), inside))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    all_keys = np.concatenate([p[0] for p in parts])
    all_idx = np.concatenate([p[1] for p in parts])
    all_in = np.concatenate([p[2] for p in parts])
    order = np.lexsort((all_idx, all_keys))
    all_keys, all_idx, all_in = all_keys[order], all_idx[order], all_in[order]
    keys, start, counts = np.unique(all_keys, return_index=True, return_counts=True)
    full = (counts == 1) & all_in[start]
    states = np.empty(len(keys), dtype=np.int32)
    states[full] = all_idx[start[full]]
    n_boundary = int((~full).sum())
    states[~full] = -np.arange(n_boundary, dtype=np.int32) - 1
    cand_idx = all_idx[np.repeat(~full, counts)]
    cand_ptr = np.concatenate([[0], np.cumsum(counts[~full])]).astype(np.int64)
    return keys.astype(np.int64), states, cand_ptr, cand_idx.astype(np.int32)


def build_generation(generation, rows, complete_departements=(), national=False):
    """`rows`: (pk, code, nom, shapely geometry) of one generation."""
    pks = [r[0] for r in rows]
    codes = [r[1] for r in rows]
    names = [r[2] for r in rows]
    geoms = np.array([r[3] for r in rows], dtype=object) if rows else np.array([], dtype=object)
    for g in geoms:
        shapely.prepare(g)
        # GEOS builds a prepared geometry's point locator lazily, on first use: do it now, under the build
        # lock, so threads sharing the index never race to build it.
        x0, y0, _x1, _y1 = g.bounds
        shapely.contains_xy(g, x0, y0)
    tree = shapely.STRtree(geoms)
    keys, states, cand_ptr, cand_idx = _fine_grid(geoms)
    bounds = tuple(shapely.total_bounds(geoms)) if len(geoms) else (0.0, 0.0, -1.0, -1.0)
    return GenerationIndex(
        coarse_grids=_coarse_grids(geoms),
        generation=generation,
        pks=pks,
        codes=codes,
        names=names,
        geoms=geoms,
        tree=tree,
        bounds=bounds,
        keys=keys,
        states=states,
        cand_ptr=cand_ptr,
        cand_idx=cand_idx,
        complete_departements=set(complete_departements),
        national=national,
        code_array=np.array(codes + [""], dtype=object),
    )


@dataclass
class SpatialIndex:
    generations: dict  # generation -> GenerationIndex (outlines loaded), newest first
    fingerprint: tuple
    listed: dict = field(default_factory=dict)  # generation -> {département: QPVs listed, outline or not}

    def locate_many(self, lons, lats):
        lons = np.ascontiguousarray(lons, dtype=np.float64)
        lats = np.ascontiguousarray(lats, dtype=np.float64)
        return {gen: idx.code_array[idx.locate_idx(lons, lats)] for gen, idx in self.generations.items()}

    def locate(self, lon, lat, with_distance=True):
        matches = []
        xs, ys = np.array([lon], dtype=float), np.array([lat], dtype=float)
        for gen, index in self.generations.items():
            found = int(index.locate_idx(xs, ys)[0])
            if found >= 0:
                matches.append(Match(gen, index.codes[found], index.names[found], index.pks[found], True, 0.0))
            elif with_distance:
                near, dist = index.nearest(lon, lat)
                if near is not None:
                    matches.append(Match(gen, index.codes[near], index.names[near], index.pks[near], False, dist))
        return matches

    def covers(self, generation, departement):
        """Whether every QPV of this generation in this département has its outline loaded."""
        index = self.generations.get(generation)
        if index is None or not departement:
            return False
        return departement in index.complete_departements or (
            index.national and departement not in index.partial_departements
        )

    @property
    def loaded(self):
        return {gen: idx.size for gen, idx in self.generations.items() if idx.size}


# ---- the per-process index ----

_lock = threading.Lock()
_index = None
_stale = True
_checked_at = 0.0


def fingerprint():
    """Cheap summary of the outlines in the database: changes whenever outlines are added, removed or replaced."""
    from django.db.models import Count, Max, Sum
    from django.db.models.functions import Length

    from quartiers.territories.models import QPV

    agg = QPV.objects.filter(outline_wkb__isnull=False).aggregate(
        n=Count("pk"), last=Max("pk"), size=Sum(Length("outline_wkb"))
    )
    total = QPV.objects.count()
    return (agg["n"], agg["last"], agg["size"], total)


def invalidate(**kwargs):
    """Receiver of `outlines_changed`: the next lookup rebuilds the index."""
    global _stale
    _stale = True


def reset():
    """Forget the index (tests)."""
    global _index, _stale, _checked_at, _communes
    from quartiers.geocoding import coverage

    with _lock:
        _index, _stale, _checked_at, _communes = None, True, 0.0, None
    coverage.reset()


def get_index():
    global _index, _stale, _checked_at
    interval = getattr(settings, "GEOCODING_INDEX_CHECK_SECONDS", 5)
    now = time.monotonic()
    index = _index
    if index is not None and not _stale and now - _checked_at < interval:
        return index
    with _lock:
        if _index is not None and not _stale and time.monotonic() - _checked_at < interval:
            return _index
        current = fingerprint()
        _checked_at = time.monotonic()
        if _index is None or _stale or _index.fingerprint != current:
            _stale = False
            _index = load_index(current)
        return _index


def load_index(current_fingerprint=None):
    from collections import defaultdict

    from quartiers.territories.models import QPV

    rows = defaultdict(list)
    outlined = defaultdict(lambda: defaultdict(int))
    listed = defaultdict(lambda: defaultdict(int))
    for gen, dep, n in _count_by(QPV.objects.all()):
        listed[gen][dep] = n
    qs = QPV.objects.filter(outline_wkb__isnull=False).order_by("generation", "code")
    for pk, code, nom, gen, dep, wkb in qs.values_list(
        "pk", "code", "nom", "generation", "departement_id", "outline_wkb"
    ).iterator(chunk_size=200):
        geom = shapely.from_wkb(bytes(wkb))
        if geom is None or geom.is_empty:
            continue
        rows[gen].append((pk, code, nom, geom))
        outlined[gen][dep] += 1
    generations = {}
    for gen in sorted(rows, reverse=True):
        complete = {dep for dep, n in listed[gen].items() if outlined[gen].get(dep, 0) >= n}
        national = sum(listed[gen].values()) >= 1000
        index = build_generation(gen, rows[gen], complete, national)
        index.partial_departements = {dep for dep in listed[gen] if dep not in complete}
        generations[gen] = index
    return SpatialIndex(
        generations, current_fingerprint or fingerprint(), {gen: dict(deps) for gen, deps in listed.items()}
    )


def _count_by(queryset):
    from django.db.models import Count

    return queryset.values_list("generation", "departement_id").annotate(n=Count("pk")).order_by()


def locate(lon, lat, with_distance=True):
    return get_index().locate(lon, lat, with_distance=with_distance)


def locate_many(lons, lats):
    return get_index().locate_many(lons, lats)


# ---- which département a point lies in (to know whether its outlines are loaded) ----

# A point farther than this from every commune centre is given no département rather than a guess.
COMMUNE_MAX_DEG = 0.3
_communes = None


@dataclass
class CommuneLocator:
    """Commune outlines (where imported) answer exactly; otherwise the nearest commune centre decides."""

    fingerprint: tuple
    outline_deps: list
    outline_tree: shapely.STRtree
    centre_deps: np.ndarray
    centre_tree: shapely.STRtree

    def departements(self, lons, lats):
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        out = np.full(len(points), "", dtype=object)
        if len(self.outline_deps):
            inp, hit = self.outline_tree.query(points, predicate="intersects")
            out[inp[::-1]] = np.asarray(self.outline_deps, dtype=object)[hit[::-1]]
        todo = np.flatnonzero(out == "")
        if len(todo) and len(self.centre_deps):
            inp, hit = self.centre_tree.query_nearest(points[todo], max_distance=COMMUNE_MAX_DEG, all_matches=False)
            out[todo[inp]] = self.centre_deps[hit]
        return out


def _commune_fingerprint():
    from django.db.models import Count, Max

    from quartiers.territories.models import Commune

    agg = Commune.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (agg["n"], agg["last"])


def _load_communes(current):
    from quartiers.territories.models import Commune

    outline_deps, outlines, centre_deps, centres = [], [], [], []
    rows = Commune.objects.values_list("departement_id", "lon", "lat", "outline_simplified")
    for dep, lon, lat, outline in rows.iterator(chunk_size=2000):
        if outline:
            try:
                outlines.append(shapely.geometry.shape(outline))
                outline_deps.append(dep)
            except (ValueError, TypeError, KeyError, AttributeError):
                pass
        if lon is not None and lat is not None:
            centres.append(shapely.Point(lon, lat))
            centre_deps.append(dep)
    return CommuneLocator(
        current,
        outline_deps,
        shapely.STRtree(outlines),
        np.asarray(centre_deps, dtype=object),
        shapely.STRtree(centres),
    )


def departements_at(lons, lats):
    """Code of the département of each point ("" when no commune of the database is near)."""
    global _communes
    current = _commune_fingerprint()
    locator = _communes
    if locator is None or locator.fingerprint != current:
        locator = _communes = _load_communes(current)
    return locator.departements(lons, lats)


def departement_at(lon, lat):
    return str(departements_at([lon], [lat])[0])


def departement_of(citycode):
    citycode = (citycode or "").strip()
    if not citycode:
        return ""
    return citycode[:3] if citycode.startswith("97") else citycode[:2]


def _connect():
    from quartiers.territories.signals import outlines_changed

    outlines_changed.connect(invalidate, dispatch_uid="geocoding.spatial.invalidate", weak=False)


_connect()
