"""Benchmark of the programming table of a call: 2,000 dossiers × 6 financers, on SQLite and PostgreSQL.

    .venv/bin/python bench/programming/run.py [--dossiers 2000] [--runs 30] [--engines sqlite,postgresql]

For each engine, a throw-away database (a temporary SQLite file; the PostgreSQL database
`quartiers_bench_programming`, dropped and created again, `BENCH_PG_DB` to change it) gets the test geography
(tests/world.py), one call with six financers, then dossiers spread over the workflow, each with its forecast budget
(one expense line, one class-74 line per financer), one funding per financer (opinion, proposed amount, granted
amount once decided), a pillar and one or two QPVs. The table page (`programming:committee_table`) is timed through
Django's test client (middleware, permissions, template), logged in as the call's chef de projet, at 30 dossiers and
at the full size, against the floor of the same run: the health page (`/sante/`, a view that does nothing) on the
same stack.
Prints, per size, the wall-clock p50 / p95 in ms and the CPU time of the process per request (time.process_time:
less sensitive to the other loads of a shared machine; with SQLite the database's work is in it, not PostgreSQL's),
each as a multiple of the floor measured the same way in the same run, the queries of one page and its size.
Target: p95 < 300 ms at 2,000 dossiers, the same number of queries at 30 and at 2,000.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = "postgres://postgres@127.0.0.1:5432/"
PG_DB = os.environ.get("BENCH_PG_DB", "quartiers_bench_programming")
FINANCERS = ["Préfecture (État)", "Agglomération", "Commune", "Département", "CAF", "Région"]
TARGET_P95_MS = 300


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * (len(values) - 1))))]


def timed(client, url, runs, cpu=None):
    """Wall-clock durations in ms; `cpu` (a list) also gets the CPU time of this process for each request — less
    sensitive to the other loads of a shared machine (with SQLite the database's work is in it; not PostgreSQL's)."""
    durations = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def count_queries(client, url):
    from django.db import connection

    seen = []

    def spy(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        client.get(url)
    return len(seen)


def build_call(world):
    from quartiers.contracts.models import Contract, Objective, Pillar
    from quartiers.programming.models import Call, CallFinancer, Carrier
    from tests.factories import OrganisationFactory

    contract = Contract.objects.create(
        generation="2024-2030",
        name="Grand Calais (banc d'essai)",
        departement=world.pas_de_calais,
        epci=world.grand_calais,
    )
    contract.qpvs.add(world.qpv, world.qpv_beau_marais)
    pillars = [
        Pillar.objects.create(contract=contract, title=t) for t in ("Cohésion sociale", "Cadre de vie", "Emploi")
    ]
    objectives = [Objective.objects.create(pillar=p, title=f"Objectif — {p.title}") for p in pillars]
    call = Call.objects.create(
        contract=contract,
        year=2026,
        title="Appel à projets (banc d'essai)",
        opens_on="2025-10-01",
        closes_on="2025-11-30",
    )
    orgs = [world.orgs["prefecture"], world.orgs["agglo"]] + [OrganisationFactory(name=n) for n in FINANCERS[2:]]
    financers = [CallFinancer.objects.create(call=call, organisation=o, envelope=Decimal(2_000_000)) for o in orgs]
    carriers = [
        Carrier.objects.create(name=f"Structure de banc d'essai {i:03d}", kind="association") for i in range(150)
    ]
    return call, financers, carriers, objectives, [world.qpv, world.qpv_beau_marais]


def add_dossiers(call, financers, carriers, objectives, qpvs, start, count, seed=15):
    """`count` dossiers more, written with bulk_create (the benchmark times the page, not the loading)."""
    from quartiers.programming.models import Application, BudgetLine, Funding
    from quartiers.programming.workflow import Status

    rng = random.Random(seed + start)
    statuses = [Status.SUBMITTED, Status.INSTRUCTION, Status.OPINIONS, Status.ACCEPTED, Status.REFUSED, Status.PAID]
    apps = Application.objects.bulk_create(
        Application(
            call=call,
            carrier=carriers[i % len(carriers)],
            title=f"Action de banc d'essai n° {i:05d}",
            status=statuses[i % len(statuses)],
        )
        for i in range(start, start + count)
    )
    lines, fundings, app_qpvs, app_objectives = [], [], [], []
    for app in apps:
        asks = [Decimal(rng.randrange(500, 20_000)) for _ in financers]
        lines.append(BudgetLine(application=app, side="depense", account_class="64", amount=sum(asks)))
        decided = app.status in (Status.ACCEPTED, Status.PAID)
        for cf, ask in zip(financers, asks, strict=True):
            lines.append(
                BudgetLine(
                    application=app, side="recette", account_class="74", financer="autre", call_financer=cf, amount=ask
                )
            )
            fundings.append(
                Funding(
                    application=app,
                    call_financer=cf,
                    opinion="favorable",
                    proposed_amount=ask,
                    granted_amount=ask if decided else None,
                )
            )
        app_qpvs += [Application.qpvs.through(application=app, qpv=q) for q in qpvs[: 1 + app.pk % 2]]
        app_objectives.append(Application.objectives.through(application=app, objective=objectives[app.pk % 3]))
    BudgetLine.objects.bulk_create(lines, batch_size=2000)
    Funding.objects.bulk_create(fundings, batch_size=2000)
    Application.qpvs.through.objects.bulk_create(app_qpvs, batch_size=2000)
    Application.objectives.through.objects.bulk_create(app_objectives, batch_size=2000)


def run_engine(engine, dossiers, runs):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tests.world import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    call, financers, carriers, objectives, qpvs = build_call(world)
    client = Client()
    client.force_login(world.users["chef"])
    url = f"/programmation/appels/{call.pk}/programmation/"
    results, done = [], 0
    for size in (30, dossiers):
        add_dossiers(call, financers, carriers, objectives, qpvs, done, size - done)
        done = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        timed(client, url, 3)  # warm-up
        floor_cpu = []
        floor = timed(client, "/sante/", runs, floor_cpu)
        cpu = []
        page = timed(client, url, runs, cpu)
        results.append(
            {
                "dossiers": size,
                "queries": count_queries(client, url),
                "p50": statistics.median(page),
                "p95": percentile(page, 95),
                "cpu_p50": statistics.median(cpu),
                "cpu_p95": percentile(cpu, 95),
                "floor_p50": statistics.median(floor),
                "floor_p95": percentile(floor, 95),
                "floor_cpu_p50": statistics.median(floor_cpu),
                "floor_cpu_p95": percentile(floor_cpu, 95),
                "bytes": len(client.get(url).content),
            }
        )
    return {"engine": engine, "version": _version(connection), "results": results}


def _version(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            return cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def prepare_database(engine, tmp):
    if engine == "sqlite":
        return f"sqlite:///{tmp}/bench.sqlite3"
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
        conn.execute(f"CREATE DATABASE {PG_DB}")
    return PG_SERVER + PG_DB


def drop_pg():
    import psycopg

    with psycopg.connect(PG_SERVER + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_engine(args.worker, args.dossiers, args.runs)))
        return
    reports = []
    for engine in args.engines.split(","):
        tmp = tempfile.mkdtemp(prefix="quartiers-bench-programming-")
        env = {
            **os.environ,
            "DATABASE_URL": prepare_database(engine, tmp),
            "QUARTIERS_VAR_DIR": tmp,
            "DJANGO_SETTINGS_MODULE": "quartiers.settings",
            "DEBUG": "true",
        }
        out = subprocess.run(
            [sys.executable, __file__, "--worker", engine, "--dossiers", str(args.dossiers), "--runs", str(args.runs)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if engine == "postgresql" and os.environ.get("BENCH_DROP", "1") == "1":
            drop_pg()
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            sys.exit(f"échec du banc d'essai sur {engine}")
        reports.append(json.loads(out.stdout.strip().splitlines()[-1]))
    report(reports, args)


def _ratio(value, floor):
    return f"× {value / floor:,.0f}".replace(",", "\u202f") if floor > 0 else "× ?"


def _line(label, p50, p95, floor_p50, floor_p95):
    return (
        f"    {label:<22} p50 = {p50:7.1f} ms ({_ratio(p50, floor_p50):>7})   "
        f"p95 = {p95:7.1f} ms ({_ratio(p95, floor_p95):>7})"
    )


def report(reports, args):
    load = os.getloadavg()
    print(
        f"Tableau de programmation d'un appel — {len(FINANCERS)} financeurs, {args.runs} requêtes par mesure\n"
        f"machine : {os.cpu_count()} cœurs, charge moyenne {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n"
        "(× n : rapporté au plancher, la page /sante/ mesurée de la même façon dans la même exécution)\n"
    )
    ok = True
    for r in reports:
        print(f"{r['engine']} {r['version']}")
        for m in r["results"]:
            print(f"  {m['dossiers']} dossiers — requêtes SQL : {m['queries']}, page : {m['bytes'] // 1024} Ko")
            print(_line("temps écoulé", m["p50"], m["p95"], m["floor_p50"], m["floor_p95"]))
            print(_line("temps CPU du processus", m["cpu_p50"], m["cpu_p95"], m["floor_cpu_p50"], m["floor_cpu_p95"]))
            print(
                f"    {'plancher (/sante/)':<22} p50 = {m['floor_p50']:7.2f} ms, p95 = {m['floor_p95']:.2f} ms ; "
                f"CPU p50 = {m['floor_cpu_p50']:.2f} ms, p95 = {m['floor_cpu_p95']:.2f} ms"
            )
        small, large = r["results"][0], r["results"][-1]
        constant = small["queries"] == large["queries"]
        ok = ok and constant and large["p95"] < TARGET_P95_MS
        print(
            f"  requêtes {'constantes' if constant else 'NON constantes'} ({small['queries']} → {large['queries']}) ; "
            f"p95 {large['dossiers']} / {small['dossiers']} dossiers = × {large['p95'] / small['p95']:.1f}\n"
        )
    print(
        f"Objectif p95 < {TARGET_P95_MS} ms à {args.dossiers} dossiers, requêtes constantes : "
        f"{'atteint' if ok else 'NON atteint'}"
    )


if __name__ == "__main__":
    main()
