"""Point → QPV on the full-resolution outlines: exactness, distance, index rebuilds."""

import numpy as np
import pytest
import shapely
from pyproj import Geod

from quartiers.geocoding import spatial
from quartiers.territories.models import QPV
from quartiers.territories.signals import outlines_changed
from tests.geocoding import outlines as t


def _codes(point):
    return {m.generation: m.code for m in spatial.locate(*point) if m.inside}


def test_inside_outside_hole_multipolygon(outlines):
    assert _codes(t.INSIDE_SQUARE) == {2024: "QNTEST01", 2015: "QPTEST01"}
    assert _codes(t.IN_HOLE) == {2015: "QPTEST01"}  # the hole of the 2024 square is not in it
    assert _codes(t.IN_SECOND_ISLAND) == {2024: "QNTEST02"}
    assert _codes(t.BETWEEN_ISLANDS) == {}


def test_never_the_simplified_outline(outlines):
    # The display outline covers this point; the real outline does not.
    assert shapely.contains_xy(
        shapely.geometry.shape(QPV.objects.get(code="QNTEST01").outline_simplified), *t.ONLY_IN_SIMPLIFIED
    )
    assert 2024 not in _codes(t.ONLY_IN_SIMPLIFIED)


def test_distance_to_nearest_outside(outlines):
    match = next(m for m in spatial.locate(*t.WEST_OF_SQUARE) if m.generation == 2024)
    assert not match.inside and match.code == "QNTEST01"
    expected = Geod(ellps="WGS84").inv(0.998, 45.005, 1.000, 45.005)[2]
    assert match.distance_m == pytest.approx(expected, abs=0.5)
    assert 150 < match.distance_m < 165


def test_distance_picks_the_nearest_in_metres_not_in_degrees(db):
    # At 60°N a degree of longitude is half a degree of latitude: the nearest in degrees is not the nearest.
    t.add_qpv("QNTEST10", "Test nord", 2024, shapely.box(0.0, 60.03, 0.01, 60.04))  # 0.03° north ≈ 3.3 km
    t.add_qpv("QNTEST11", "Test est", 2024, shapely.box(0.04, 59.995, 0.05, 60.005))  # 0.04° east ≈ 2.2 km
    match = spatial.get_index().generations[2024].nearest(0.0, 60.0)
    assert spatial.get_index().generations[2024].codes[match[0]] == "QNTEST11"
    assert match[1] == pytest.approx(Geod(ellps="WGS84").inv(0.0, 60.0, 0.04, 60.0)[2], rel=1e-3)


def test_locate_many_matches_geos_point_by_point(outlines):
    rng = np.random.default_rng(7)
    lons = rng.uniform(0.995, 1.04, 20_000)
    lats = rng.uniform(44.995, 45.015, 20_000)
    lons[:3], lats[:3] = (1.0, 1.004, 1.02), (45.003, 45.005, 45.0)  # exactly on edges: not inside
    codes = spatial.locate_many(lons, lats)[2024]
    square, islands = t.SQUARE, t.ISLANDS
    expected = np.where(
        shapely.contains_xy(square, lons, lats),
        "QNTEST01",
        np.where(shapely.contains_xy(islands, lons, lats), "QNTEST02", ""),
    )
    assert (codes.astype(str) == expected).all()
    assert set(codes[:3]) == {""}
    assert (codes == "QNTEST01").sum() > 1000


def test_index_rebuilt_after_outlines_changed(db, settings):
    settings.GEOCODING_INDEX_CHECK_SECONDS = 3600  # only the signal can tell this process
    assert spatial.get_index().loaded == {}
    t.add_qpv("QNTEST01", "QPV de test carré troué", 2024, t.SQUARE, send=False)
    assert spatial.get_index().loaded == {}  # not checked again yet
    outlines_changed.send(sender=QPV)
    assert spatial.get_index().loaded == {2024: 1}
    assert _codes(t.INSIDE_SQUARE) == {2024: "QNTEST01"}


def test_change_by_another_process_seen_through_fingerprint(db, settings):
    settings.GEOCODING_INDEX_CHECK_SECONDS = 0
    assert spatial.get_index().loaded == {}
    # Another process (no signal here): the fingerprint changes.
    t.add_qpv("QNTEST01", "QPV de test carré troué", 2024, t.SQUARE, send=False)
    assert _codes(t.INSIDE_SQUARE) == {2024: "QNTEST01"}
    QPV.objects.filter(code="QNTEST01").update(outline_wkb=shapely.to_wkb(t.OLD_SQUARE))
    assert _codes((1.011, 45.011)) == {2024: "QNTEST01"}


def test_index_built_once_when_threads_race(monkeypatch, settings):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    settings.GEOCODING_INDEX_CHECK_SECONDS = 3600
    builds = []

    def slow_build(fingerprint=None):
        builds.append(threading.get_ident())
        time.sleep(0.05)
        return spatial.SpatialIndex({}, fingerprint)

    monkeypatch.setattr(spatial, "fingerprint", lambda: (0, None, None, 0))
    monkeypatch.setattr(spatial, "load_index", slow_build)
    with ThreadPoolExecutor(8) as pool:
        indexes = list(pool.map(lambda _: spatial.get_index(), range(16)))
    assert len(builds) == 1
    assert all(i is indexes[0] for i in indexes)


def test_coverage_and_france_boxes(outlines):
    index = spatial.get_index()
    assert index.covers(2024, "99")
    assert not index.covers(2024, "62")
    assert spatial.in_france(2.35, 48.85) and spatial.in_france(55.45, -20.9)
    assert not spatial.in_france(-30.0, 45.0) and not spatial.in_france(48.85, 2.35)


def test_concurrent_lookups_give_the_same_answers():
    from concurrent.futures import ThreadPoolExecutor

    rows = [(1, "QNTEST01", "carré", t.SQUARE), (2, "QNTEST02", "îlots", t.ISLANDS)]
    index = spatial.build_generation(2024, rows)
    rng = np.random.default_rng(3)
    lons, lats = rng.uniform(0.995, 1.04, 50_000), rng.uniform(44.995, 45.015, 50_000)
    expected = index.locate_idx(lons, lats)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: index.locate_idx(lons, lats), range(16)))
        distances = list(pool.map(lambda i: index.nearest(0.998, 45.005 + i * 1e-5), range(16)))
    assert all((r == expected).all() for r in results)
    assert all(d[0] == 0 and 150 < d[1] < 165 for d in distances)


def test_nearest_many_equals_nearest_one_by_one(outlines):
    index = spatial.get_index().generations[2024]
    rng = np.random.default_rng(11)
    lons, lats = rng.uniform(0.9, 1.2, 300), rng.uniform(44.9, 45.1, 300)
    idx, dist = index.nearest_many(lons, lats)
    for k in range(300):
        one_idx, one_dist = index.nearest(lons[k], lats[k])
        assert idx[k] == one_idx
        assert dist[k] == pytest.approx(one_dist, abs=0.01)
    assert index.nearest_many(np.array([]), np.array([]))[0].size == 0


def test_overseas_outlines_get_their_own_grid():
    # A TEST square in Guadeloupe must not stretch the metropolitan grid, and must still be found.
    overseas = shapely.box(-61.55, 16.20, -61.54, 16.21)
    rows = [(1, "QNTEST01", "carré", t.SQUARE), (2, "QNTEST97", "outre-mer", overseas)]
    index = spatial.build_generation(2024, rows)
    assert len(index.coarse_grids) == 2
    assert max(grid[0].size for grid in index.coarse_grids) < 100_000
    lons = np.array([t.INSIDE_SQUARE[0], -61.545, -61.5, t.IN_HOLE[0]])
    lats = np.array([t.INSIDE_SQUARE[1], 16.205, 16.205, t.IN_HOLE[1]])
    assert [index.code_array[i] for i in index.locate_idx(lons, lats)] == ["QNTEST01", "QNTEST97", "", ""]
