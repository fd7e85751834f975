"""GUP benchmark: 200,000 reports; the map-data endpoint of one QPV and the dashboards.

Runs on a throw-away SQLite file (or on DATABASE_URL when set), through the real views (Django test
client: middleware, permissions, templates), and prints p50 / p95 and the number of queries.

    .venv/bin/python bench/gup/run.py [--reports 200000] [--runs 30]

The geography is the test world (tests/world.py) plus made-up quartiers "BENCH…": test fixtures,
never reference data.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup(db_path):
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db_path}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n_reports, seed=7):
    from django.utils import timezone

    from quartiers.accounts.models import Organisation
    from quartiers.gup.models import CATEGORIES, Report, Status
    from quartiers.territories.models import QPV
    from tests.world import build_world

    rng = random.Random(seed)
    w = build_world()
    qpvs = [w.qpv, w.qpv_beau_marais, w.qpv_dunkerque]
    for i in range(47):
        commune = w.calais if i % 2 else w.dunkerque
        q, _ = QPV.objects.get_or_create(
            code=f"BENCH{i:03d}",
            defaults={
                "nom": f"Quartier de banc d'essai {i}",
                "generation": 2024,
                "departement_id": commune.departement_id,
                "epci_id": commune.epci_id,
            },
        )
        q.communes.add(commune)
        qpvs.append(q)
    # Realistic shape: each quartier has its own few managers (ville, agglo, one or two landlords);
    # old reports are closed, open ones are mostly recent.
    pool = [
        Organisation.objects.get_or_create(name=f"Gestionnaire de banc d'essai {i}", defaults={"kind": "autre"})[0]
        for i in range(12)
    ]
    qpv_managers = {q.pk: [pool[j % len(pool)] for j in (k, k + 1, k + 5, k + 7)] for k, q in enumerate(qpvs)}
    qpv_managers[w.qpv_beau_marais.pk][0] = w.orgs["bailleur"]
    communes = {q.pk: (w.calais if q.epci_id == w.grand_calais.siren else w.dunkerque) for q in qpvs}
    categories = list(CATEGORIES)
    now = timezone.now()
    open_statuses = [Status.NOUVEAU, Status.TRANSMIS, Status.TRANSMIS, Status.PRIS_EN_CHARGE, Status.REDIRIGE]
    batch = []
    for i in range(n_reports):
        qpv = qpvs[i % len(qpvs)]
        commune = communes[qpv.pk]
        age = rng.randint(0, 730 * 86400)
        created = now - timedelta(seconds=age)
        category = rng.choice(categories)
        draw = rng.random()
        if age > 60 * 86400:
            status = Status.RESOLU if draw < 0.85 else Status.REJETE if draw < 0.97 else rng.choice(open_statuses)
        else:
            status = Status.RESOLU if draw < 0.40 else Status.REJETE if draw < 0.45 else rng.choice(open_statuses)
        res = min(age, rng.randint(3600, 45 * 86400)) if status == Status.RESOLU else None
        batch.append(
            Report(
                reference=f"GUP-B-{i:07d}",
                category=category,
                lon=1.85 + rng.random() * 0.05,
                lat=50.93 + rng.random() * 0.04,
                qpv=qpv,
                commune=commune,
                epci_id=commune.epci_id,
                departement_id=commune.departement_id,
                manager=rng.choice(qpv_managers[qpv.pk]),
                status=status,
                deadline=Report.deadline_for(category, created),
                created_at=created,
                resolved_at=created + timedelta(seconds=res) if res is not None else None,
                resolution_seconds=res,
            )
        )
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            batch = []
    Report.objects.bulk_create(batch)
    from quartiers.gup.services import rebuild_stats

    rebuild_stats()
    return w


def analyze():
    """Fresh statistics, as autovacuum / a nightly ANALYZE would have after a bulk load. On PostgreSQL,
    VACUUM also sets the visibility map, without which index-only scans (the medians) read the heap."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("gup_report", "gup_reportstat"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


def _world_again():
    """The World of an already built base (the users and geography made by build())."""
    from types import SimpleNamespace

    from quartiers.accounts.models import Membership, Organisation
    from quartiers.territories.models import EPCI, QPV

    def user(role, scope):
        return Membership.objects.filter(role=role, scope_code=scope).first().user

    return SimpleNamespace(
        users={"admin": user("administrateur", "32"), "chef": user("chef_de_projet", "200090751")},
        qpv_beau_marais=QPV.objects.get(code="QN06254M"),
        grand_calais=EPCI.objects.get(siren="200090751"),
        orgs={"bailleur": Organisation.objects.get(name="Bailleur social (test)")},
    )


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches
    times, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(ctx.captured_queries))
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, sorted(queries), len(response.content)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--db", help="SQLite file to keep between runs (a base that already holds the reports is reused)"
    )
    args = parser.parse_args()
    db = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="gup-bench-")) / "bench.sqlite3"
    setup(db)
    from django.db import connection
    from django.test import Client

    from quartiers.gup.models import Report

    start = time.perf_counter()
    reuse = Report.objects.count() == args.reports
    w = _world_again() if reuse else build(args.reports)
    analyze()

    how = "réutilisée" if reuse else f"construite en {time.perf_counter() - start:.1f} s"
    print(f"base : {connection.vendor}, {Report.objects.count():,} signalements, {how}".replace(",", " "))
    client = Client()
    client.force_login(w.users["admin"])
    chef = Client()
    chef.force_login(w.users["chef"])
    urls = [
        ("carte : données d'un QPV (Beau Marais)", client, f"/gup/carte/{w.qpv_beau_marais.code}/donnees.json"),
        ("tableau de bord : tout (200 000)", client, "/gup/tableau-de-bord/"),
        ("tableau de bord : un EPCI", chef, f"/gup/tableau-de-bord/?epci={w.grand_calais.siren}"),
        ("tableau de bord : un QPV", chef, f"/gup/tableau-de-bord/?qpv={w.qpv_beau_marais.code}"),
        ("tableau de bord : une année et une catégorie", client, "/gup/tableau-de-bord/?annee=2026&categorie=voirie"),
        ("liste des signalements, page 1", client, "/gup/signalements/?statut=ouverts"),
    ]
    print(f"{'page':<48} {'p50 ms':>8} {'p95 ms':>8} {'requêtes':>9} {'octets':>9}")
    for label, c, url in urls:
        p50, p95, queries, size = measure(c, url, args.runs)
        flag = "" if p95 < 150 else "  (> 150 ms)"
        print(f"{label:<48} {p50:8.1f} {p95:8.1f} {','.join(map(str, queries)):>9} {size:>9}{flag}")


if __name__ == "__main__":
    main()
