"""Benchmark of the contract page as its commitments grow (24 → 240), against a floor in the same run.

    .venv/bin/python bench/contracts/run.py [--runs 30]

Builds a fresh SQLite database in a temporary folder with the test geography (tests/world.py), one contract
and its commitments (one indicator each, two measured values), then times the contract page through Django's
test client, logged in as a reader, at 24 and at 240 commitments, and the health page (`/sante/`, the floor:
a view that does nothing). Each page twice: built (a new contract version before each request: what the first
visit after a write costs) and served from the cache of its contract version (contracts/fragments.py).
Prints p50 / p95 in ms, the queries of one page, the 240/24 ratio and each figure as a multiple of the floor.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def timed(client, url, runs, cold=None):
    from quartiers.contracts import fragments

    durations = []
    for _ in range(runs):
        if cold:
            fragments.touch([cold.pk])  # a new version, as after a write: the page is built again
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def count_queries(client, url, cold=None):
    from django.db import connection

    from quartiers.contracts import fragments

    if cold:
        fragments.touch([cold.pk])

    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        client.get(url)
    return len(seen)


def add_commitments(world, contract, start, count):
    from quartiers.contracts import services

    for i in range(start, start + count):
        c = services.create_commitment(
            None,
            contract,
            kind="signataire",
            organisation=world.orgs["bailleur" if i % 2 else "agglo"],
            title=f"Engagement {i:03d}",
            pillar=contract.pillars.first(),
            indicator={"label": "Recrutements", "unit": "personnes", "baseline": 0, "target": 10},
        )
        indicator = c.indicators.get()
        services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1), value=2)
        services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 1), value=i % 11)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="quartiers-bench-contracts-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["QUARTIERS_VAR_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "quartiers.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from tests.contracts.helpers import make_contract
    from tests.world import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    contract = make_contract(world)
    client = Client()
    client.force_login(world.users["lecteur"])
    url = f"/contrats/{contract.pk}/"
    rows = {}
    floor = None
    done = 0
    for total in (24, 240):
        add_commitments(world, contract, done, total - done)
        done = total
        timed(client, url, 3)  # warm-up
        floor_ms = timed(client, "/sante/", args.runs)
        for cold in (True, False):
            queries = count_queries(client, url, contract if cold else None)
            page_ms = timed(client, url, args.runs, contract if cold else None)
            rows[(total, cold)] = (statistics.median(page_ms), percentile(page_ms, 95), queries)
        floor = statistics.median(floor_ms) if floor is None else min(floor, statistics.median(floor_ms))
    print(f"Page d'un contrat de ville — {args.runs} requêtes par mesure, charge moyenne {os.getloadavg()[0]:.1f}")
    print(f"plancher (/sante/) p50 = {floor:.2f} ms")
    for (total, cold), (p50, p95, queries) in rows.items():
        how = "construite" if cold else "en cache  "
        print(
            f"{total:4} engagements, page {how} : p50 = {p50:7.1f} ms  p95 = {p95:7.1f} ms  "
            f"requêtes SQL = {queries:3}  ({p50 / floor:.0f} × le plancher)"
        )
    for cold, how in ((True, "construite"), (False, "en cache")):
        print(f"240 / 24 engagements, page {how} : p50 × {rows[(240, cold)][0] / rows[(24, cold)][0]:.2f}")


if __name__ == "__main__":
    main()
