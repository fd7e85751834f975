"""Benchmark of the territories pages with all bundled reference data loaded.

    .venv/bin/python bench/territories/run.py [--runs 40] [--fake-outlines 1600]

Builds a fresh SQLite database in a temporary folder, loads the bundled reference data (as `quartiers demo`
does), then times the QPV list, the QPV fiche and the map-data endpoint through Django's test client,
and measures what the national map transfers on first load. Prints p50 / p95 in milliseconds.
With --fake-outlines N, adds N made-up outlines (tests/territories/outlines.py, test fixtures) and prints
the map's bytes per view against the 300 kB budget, and the time of a built, a cached and a 304 answer.
"""

import argparse
import gzip
import io
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def percentile(values, q):
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))
    return values[index]


def timed(client, urls):
    durations = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def first_load_bytes(client, page_url, data_url):
    """The map page, every static file it references, and the map data it fetches first."""
    html = client.get(page_url).content
    total, gz_total, files = len(html), len(gzip.compress(html)), []
    for ref in re.findall(rb'(?:src|href)="(/static/[^"]+)"', html):
        path = ROOT / "static" / ref.decode()[len("/static/") :]
        if path.exists():
            body = path.read_bytes()
            total += len(body)
            gz_total += len(gzip.compress(body))
            files.append(path.name)
    data = client.get(data_url).content
    return total + len(data), gz_total + len(gzip.compress(data)), len(data), files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--fake-outlines", type=int, default=0, help="add N made-up outlines, measure the map by view")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="quartiers-bench-territories-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["QUARTIERS_VAR_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "quartiers.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from quartiers.territories.demo import load_reference
    from quartiers.territories.models import QPV

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    load_reference(io.StringIO())
    load_seconds = time.perf_counter() - start
    client = Client()
    rng = random.Random(2019)
    codes = list(QPV.objects.values_list("code", flat=True))
    deps = sorted(set(QPV.objects.values_list("departement_id", flat=True)))
    list_urls = ["/territoires/"] + [
        rng.choice(
            [
                f"/territoires/?departement={rng.choice(deps)}",
                f"/territoires/?q=quartier&page={rng.randint(1, 3)}",
                "/territoires/?generation=2024&tri=nom&page=5",
                "/territoires/?region=76&contour=oui",
            ]
        )
        for _ in range(args.runs - 1)
    ]
    fiche_urls = [f"/territoires/qpv/{rng.choice(codes)}/" for _ in range(args.runs)]
    map_urls = ["/api/territoires/carte/"] * (args.runs // 2) + [
        f"/api/territoires/carte/?zoom=13&bbox={x:.2f},{y:.2f},{x + 0.1:.2f},{y + 0.1:.2f}"
        for x, y in ((rng.uniform(1.3, 2.5), rng.uniform(43.2, 44.0)) for _ in range(args.runs - args.runs // 2))
    ]
    timed(client, list_urls[:3] + fiche_urls[:3] + map_urls[:2])  # warm-up
    print(f"Données de référence chargées en {load_seconds:.1f} s ({QPV.objects.count()} QPV).")
    for label, urls in (("liste QPV", list_urls), ("fiche QPV", fiche_urls), ("données carte", map_urls)):
        durations = timed(client, urls)
        print(
            f"{label:14} n={len(durations):3}  p50={statistics.median(durations):7.1f} ms  "
            f"p95={percentile(durations, 95):7.1f} ms"
        )
    raw, compressed, data_size, files = first_load_bytes(client, "/territoires/carte/", "/api/territoires/carte/")
    print(
        f"carte, premier chargement : {raw / 1e6:.2f} Mo ({compressed / 1e6:.2f} Mo compressé gzip), "
        f"dont données {data_size / 1e3:.0f} ko ; fichiers : {', '.join(files)}"
    )
    print("OK" if raw < 1.5e6 else "TROP LOURD (> 1,5 Mo)")
    if args.fake_outlines:
        map_views(client, args.fake_outlines, args.runs)


def map_views(client, count, runs):
    """The national map by view with `count` made-up outlines (tests/territories/outlines.py) added: bytes
    per view against the 300 kB budget, time of a built answer, a cached one and a 304 revalidation."""
    import json

    from quartiers.territories.models import QPV
    from tests.territories.outlines import make_outlined_qpvs

    dep = QPV.objects.values_list("departement_id", flat=True).first()
    from quartiers.territories.models import Departement

    make_outlined_qpvs(Departement.objects.get(pk=dep), count=count)
    everything = len(json.dumps([q.outline_overview for q in QPV.objects.only("outline_overview")]))
    print(f"\nCarte par vue avec {count} contours fictifs en plus ({QPV.objects.count()} QPV) :")
    print(f"  avant (tous les contours très simplifiés d'un coup) : {everything / 1e3:.0f} ko")
    views = [
        {"zoom": "6"},
        {"zoom": "9", "bbox": "1.0,48.2,3.8,49.5"},
        {"zoom": "11", "bbox": "2.0,48.6,2.7,49.0"},
        {"zoom": "13", "bbox": "2.25,48.8,2.45,48.92"},
    ]
    for params in views:
        url = "/api/territoires/carte/?" + "&".join(f"{k}={v}" for k, v in params.items())
        start = time.perf_counter()
        first = client.get(url)
        built = (time.perf_counter() - start) * 1000
        cached = statistics.median(timed(client, [url] * runs))
        revalidate = []
        for _ in range(runs):
            start = time.perf_counter()
            assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
            revalidate.append((time.perf_counter() - start) * 1000)
        packed = len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)
        size = len(first.content)
        print(
            f"  zoom {params['zoom']:>2} : {size / 1e3:6.0f} ko ({size / 3e5:4.0%} du budget"
            f" de 300 ko ; {packed / 1e3:4.0f} ko gzip) ; construite {built:6.1f} ms, en cache p50 {cached:5.1f} ms,"
            f" 304 p50 {statistics.median(revalidate):5.1f} ms"
        )


if __name__ == "__main__":
    main()
