"""Benchmark of the territories pages with all bundled reference data loaded.

    .venv/bin/python bench/territories/run.py [--runs 40]

Builds a fresh SQLite database in a temporary folder, loads the bundled reference data (as `quartiers demo`
does), then times the QPV list, the QPV fiche and the map-data endpoint through Django's test client,
and measures what the national map transfers on first load. Prints p50 / p95 in milliseconds.
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
        f"/api/territoires/carte/?bbox={x:.2f},{y:.2f},{x + 0.1:.2f},{y + 0.1:.2f}"
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


if __name__ == "__main__":
    main()
