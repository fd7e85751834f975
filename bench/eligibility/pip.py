"""Benchmark a — point-in-polygon: Quartiers' grid index against geopandas.sjoin, same points, same outlines.

    taskset -c 0 .venv/bin/python bench/eligibility/pip.py [--points 1000000] [--outlines FILE.geojson]

Outlines: the real QPV 2015 outlines of Occitanie shipped in quartiers/data/qpv/ (or ../shared/data/qpv/).
Points: uniform random in the outlines' bounding box (fixed seed). Both sides are timed end to end in
the same run: coordinate arrays in, one QPV code (or nothing) per point out.
- Quartiers: `GenerationIndex.locate_idx` + the code lookup (`SpatialIndex.locate_many` does exactly this);
- geopandas: building the points GeoDataFrame (points_from_xy) + `sjoin(predicate="within")` + codes
  back in input order, in the bench venv (bench/.venv-bench, created on first run; geopandas is not a
  dependency of the project), pinned to the same core.
- PostGIS ST_Contains: only if the PostgreSQL at DATABASE_URL (default 127.0.0.1:5432) has PostGIS.
The two answers are compared point by point.
"""

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiers.settings")

from quartiers.geocoding import spatial  # noqa: E402

BENCH_VENV = ROOT / "bench" / ".venv-bench"
GEOPANDAS_PIN = ["geopandas==1.1.1", "shapely==2.2.0", "numpy==2.4.6", "pyproj==3.7.2"]
CANDIDATES = [
    ROOT / "quartiers" / "data" / "qpv" / "qpv2015_occitanie.geojson.gz",
    ROOT / "quartiers" / "data" / "qpv" / "qpv2015_occitanie.geojson",
    ROOT.parent / "shared" / "data" / "qpv" / "qpv2015_occitanie.geojson",
]

GEOPANDAS_SIDE = r"""
import json, sys, time
import numpy as np, geopandas as gpd
outlines, points, out, repeat = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
polys = gpd.read_file(outlines)[["code_qp", "geometry"]].set_crs(4326, allow_override=True)
xy = np.load(points)
times = []
for _ in range(repeat):
    t = time.perf_counter()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[0], xy[1]), crs=4326)
    joined = gpd.sjoin(pts, polys, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    codes = joined["code_qp"].reindex(range(len(pts))).fillna("").to_numpy()
    times.append(time.perf_counter() - t)
np.save(out, codes.astype("U12"))
print(json.dumps({"times": times, "version": gpd.__version__}))
"""


def n(value):
    """12 345 678: thousands separated by a narrow space, as in French."""
    return f"{float(value):,.0f}".replace(",", "\u202f")


def machine():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return f"{os.cpu_count()} cœurs {model} ; charge moyenne {load}"


def find_outlines(explicit=None):
    for path in [Path(explicit)] if explicit else CANDIDATES:
        if path.exists():
            return path
    sys.exit("Contours introuvables : quartiers/data/qpv/qpv2015_occitanie.geojson(.gz).")


def read_geojson(path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def load_rows(path):
    data = read_geojson(path)
    rows = []
    for i, feature in enumerate(data["features"]):
        geom = shapely.from_geojson(json.dumps(feature["geometry"]))
        props = feature["properties"]
        rows.append((i, props.get("code_qp") or props.get("code"), props.get("nom_qp") or "", geom))
    return rows


def ensure_bench_venv():
    python = BENCH_VENV / "bin" / "python"
    if python.exists():
        ok = subprocess.run([str(python), "-c", "import geopandas"], capture_output=True).returncode == 0
        if ok:
            return python
    print("Création de bench/.venv-bench (geopandas) …", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *GEOPANDAS_PIN], check=True)
    return python


def pinned(cmd):
    """Same core as this process when it is pinned (taskset -c 0)."""
    try:
        cores = os.sched_getaffinity(0)
    except AttributeError:
        return cmd
    if len(cores) == 1 and shutil_which("taskset"):
        return ["taskset", "-c", str(next(iter(cores))), *cmd]
    return cmd


def shutil_which(name):
    from shutil import which

    return which(name)


def postgis_check():
    try:
        import psycopg
    except ImportError:
        return "psycopg absent"
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
    except Exception as exc:  # no server: say so
        return f"serveur PostgreSQL injoignable ({exc.__class__.__name__})"
    return None if row else "extension PostGIS non installée sur ce serveur PostgreSQL"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--outlines", default=None)
    parser.add_argument("--sans-geopandas", action="store_true")
    args = parser.parse_args()

    path = find_outlines(args.outlines)
    rows = load_rows(path)
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    shown = path.relative_to(ROOT.parent) if ROOT.parent in path.parents else path
    print(f"Point dans polygone — {len(rows)} contours ({shown})")
    print(f"Machine : {machine()} ; cœurs utilisables par ce processus : {cores}")

    t = time.perf_counter()
    index = spatial.build_generation(2015, rows)
    build = time.perf_counter() - t
    boundary = int((index.states < 0).sum())
    print(
        f"Index Quartiers : construit en {build * 1000:.0f} ms ({len(index.keys)} cellules dont {boundary} en bordure)"
    )

    rng = np.random.default_rng(20190125)
    x0, y0, x1, y1 = index.bounds
    lons = rng.uniform(x0, x1, args.points)
    lats = rng.uniform(y0, y1, args.points)
    print(f"{n(args.points)} points aléatoires dans l'emprise {x0:.3f} {y0:.3f} – {x1:.3f} {y1:.3f} (lon lat)")

    def ours():
        return index.code_array[index.locate_idx(lons, lats)]

    ours()  # warm-up
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        codes = ours()
        times.append(time.perf_counter() - t)
    ours_s = statistics.median(times)
    ours_rate = args.points / ours_s
    inside = int((codes != "").sum())
    print(
        f"Quartiers (grille + GEOS en bordure) : {ours_s * 1000:.1f} ms médian sur {args.repeat} → "
        f"{n(ours_rate)} points/s ; {n(inside)} points dans un QPV"
    )

    # Exactness: the grid must give what GEOS gives point by point.
    t = time.perf_counter()
    sample = rng.choice(args.points, size=min(args.points, 200_000), replace=False)
    reference = np.full(len(sample), "", dtype=object)
    for idx, geom in enumerate(index.geoms):
        reference[shapely.contains_xy(geom, lons[sample], lats[sample])] = index.codes[idx]
    exact = bool((reference == codes[sample]).all())
    print(f"Contrôle exact (GEOS contains_xy, {n(len(sample))} points) : {'identique' if exact else 'DIFFÉRENT'}")

    # A harder case than the brief's: the same number of points over Toulouse only, where QPVs are dense.
    tl = (1.35, 43.55, 1.50, 43.65)
    tx = rng.uniform(tl[0], tl[2], args.points)
    ty = rng.uniform(tl[1], tl[3], args.points)
    dense = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        dense_codes = index.code_array[index.locate_idx(tx, ty)]
        dense.append(time.perf_counter() - t)
    dense_s = statistics.median(dense)
    print(
        f"Cas dense (emprise de Toulouse, {n((dense_codes != '').sum())} points en QPV) : "
        f"{n(args.points / dense_s)} points/s"
    )

    if not args.sans_geopandas:
        python = ensure_bench_venv()
        with tempfile.TemporaryDirectory() as tmp:
            pts = Path(tmp) / "points.npy"
            out = Path(tmp) / "codes.npy"
            np.save(pts, np.vstack([lons, lats]))
            plain = path
            if path.suffix == ".gz":
                plain = Path(tmp) / "outlines.geojson"
                plain.write_text(json.dumps(read_geojson(path)))
            cmd = pinned([str(python), "-c", GEOPANDAS_SIDE, str(plain), str(pts), str(out), str(min(args.repeat, 3))])
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                print("geopandas : échec\n" + proc.stderr[-2000:])
            else:
                info = json.loads(proc.stdout.strip().splitlines()[-1])
                gpd_s = statistics.median(info["times"])
                gpd_codes = np.load(out)
                same = int((gpd_codes == codes.astype("U12")).sum())
                print(
                    f"geopandas {info['version']} sjoin (points compris) : {gpd_s * 1000:.0f} ms médian sur "
                    f"{len(info['times'])} → {n(args.points / gpd_s)} points/s"
                )
                print(f"Mêmes réponses que geopandas : {n(same)}/{n(args.points)} points")
                print(f"Rapport : Quartiers {gpd_s / ours_s:.1f} × plus rapide que geopandas.sjoin")

    problem = postgis_check()
    if problem:
        print(f"PostGIS ST_Contains : non mesuré — {problem}.")
    else:
        print("PostGIS ST_Contains : extension disponible mais mesure non implémentée dans ce banc.")
    target = "atteint" if ours_rate >= 3_000_000 else "NON atteint"
    print(f"Objectif ≥ 3 000 000 points/s sur un cœur : {target}.")


if __name__ == "__main__":
    main()
