"""The ×10 region of issue 13: 10 contracts, 100 QPVs, 200 partners, 100,000 GUP reports, 20,000 resources.

    .venv/bin/python bench/data10x/generate.py [--scale 1.0]      # on DATABASE_URL, else /tmp/quartiers-data10x

Builds, on top of the test world (tests/world.py: Calais, Dunkerque, six users), made-up data that a
region's load benchmarks (bench/load, bench/contracts, bench/search) can run against. Every made-up
quartier has a code starting with « BX » and a made-up outline: test fixtures, never reference data.
Idempotent on a database it already filled (it says so and stops). Prints the counts and the time taken.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQLITE_FILE = Path("/tmp/quartiers-data10x/data10x.sqlite3")
FULL = {"contracts": 10, "qpvs": 100, "partners": 200, "reports": 100_000, "resources": 20_000}
COMMITMENTS_PER_CONTRACT = 24


def sizes(scale):
    return {k: max(1, round(v * scale)) for k, v in FULL.items()}


def generate(scale=1.0, seed=2019, stdout=sys.stdout, counts=None):
    """Fill the current database; returns the counts made (`counts` overrides the scaled sizes). Needs
    django.setup() and a migrated base."""
    from quartiers.territories.models import QPV

    if QPV.objects.filter(code__startswith="BX").exists():
        stdout.write("Base déjà remplie par ce générateur : rien à faire.\n")
        return {}
    from tests.world import build_world

    n = counts or sizes(scale)
    rng = random.Random(seed)
    w = build_world()
    qpvs = _qpvs(w, n["qpvs"], rng)
    partners = _partners(n["partners"])
    _contracts(w, qpvs, partners, n["contracts"], rng)
    _reports(w, qpvs, partners, n["reports"], rng)
    _resources(n["resources"])
    return n


def _qpvs(w, count, rng):
    from shapely.geometry import shape

    from quartiers.territories import geo
    from quartiers.territories.models import QPV
    from tests.territories.outlines import fake_polygon

    made = []
    for i in range(max(0, count - 3)):  # the test world has three QPVs
        commune = w.calais if i % 2 else w.dunkerque
        lon, lat = (1.80, 50.92) if i % 2 else (2.30, 51.00)
        lon, lat = lon + rng.uniform(0, 0.12), lat + rng.uniform(0, 0.06)
        outline = shape(fake_polygon(rng, lon, lat, rng.uniform(0.003, 0.006)))
        made.append(
            QPV(
                code=f"BX{i:04d}",
                nom=f"Quartier fictif {i}",
                generation=2024,
                departement_id=commune.departement_id,
                epci_id=commune.epci_id,
                lat=lat,
                lon=lon,
                outline_wkb=outline.wkb,
                outline_simplified=geo.display_geojson(outline),
                outline_overview=geo.display_geojson(outline, geo.OVERVIEW_TOLERANCE, 4),
            )
        )
    QPV.objects.bulk_create(made)
    for q in QPV.objects.filter(code__startswith="BX"):
        q.communes.add(w.calais if q.epci_id == w.grand_calais.siren else w.dunkerque)
    return [w.qpv, w.qpv_beau_marais, w.qpv_dunkerque, *QPV.objects.filter(code__startswith="BX")]


def _partners(count):
    from quartiers.accounts.models import Organisation

    kinds = ["bailleur", "association", "entreprise", "commune", "autre"]
    Organisation.objects.bulk_create(
        Organisation(name=f"Partenaire fictif {i:03d}", kind=kinds[i % len(kinds)]) for i in range(count)
    )
    return list(Organisation.objects.filter(name__startswith="Partenaire fictif"))


def _contracts(w, qpvs, partners, count, rng):
    from quartiers.contracts.models import Commitment, Contract, Indicator, Measurement, Pillar, Signatory

    for i in range(count):
        epci = w.grand_calais if i % 2 else w.dunkerque_cu
        contract = Contract.objects.create(
            generation=Contract.Generation.G2024,
            name=f"Contrat de ville fictif {i}",
            departement=w.pas_de_calais if i % 2 else w.nord,
            epci=epci,
        )
        contract.qpvs.set([q for q in qpvs if q.epci_id == epci.siren][:10])
        pillars = [
            Pillar.objects.create(contract=contract, title=title, order=k)
            for k, title in enumerate(["Cohésion sociale", "Cadre de vie et renouvellement urbain", "Emploi"])
        ]
        signatories = rng.sample(partners, min(8, len(partners)))
        Signatory.objects.bulk_create(Signatory(contract=contract, organisation=o) for o in signatories)
        commitments = Commitment.objects.bulk_create(
            Commitment(
                contract=contract,
                kind=Commitment.Kind.SIGNATORY,
                organisation=signatories[k % len(signatories)],
                title=f"Engagement fictif {k} du contrat {i}",
                pillar=pillars[k % 3],
                status=rng.choice(list(Commitment.Status.values)),
                due_on=dt.date(2026, 1, 1) + timedelta(days=rng.randint(-400, 800)),
            )
            for k in range(COMMITMENTS_PER_CONTRACT)
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(commitment=c, label="Personnes accompagnées", unit="personnes", baseline=0, target=100)
            for c in commitments
        )
        Measurement.objects.bulk_create(
            Measurement(indicator=ind, measured_on=dt.date(2024 + y, 12, 31), value=rng.randint(0, 120))
            for ind in indicators
            for y in range(2)
        )


def _reports(w, qpvs, managers, count, rng):
    from django.utils import timezone

    from quartiers.gup.models import CATEGORIES, Report, Status
    from quartiers.gup.services import rebuild_stats

    now = timezone.now()
    categories = list(CATEGORIES)
    open_statuses = [Status.NOUVEAU, Status.TRANSMIS, Status.PRIS_EN_CHARGE, Status.REDIRIGE]
    batch = []
    for i in range(count):
        qpv = qpvs[i % len(qpvs)]
        commune = w.calais if qpv.epci_id == w.grand_calais.siren else w.dunkerque
        age = rng.randint(0, 730 * 86400)
        created = now - timedelta(seconds=age)
        category = rng.choice(categories)
        draw = rng.random()
        status = Status.RESOLU if draw < 0.7 else Status.REJETE if draw < 0.78 else rng.choice(open_statuses)
        res = min(age, rng.randint(3600, 45 * 86400)) if status == Status.RESOLU else None
        batch.append(
            Report(
                reference=f"GUP-X-{i:07d}",
                category=category,
                lon=(qpv.lon or commune.lon or 1.85) + rng.uniform(-0.003, 0.003),
                lat=(qpv.lat or commune.lat or 50.95) + rng.uniform(-0.002, 0.002),
                qpv=qpv,
                commune=commune,
                epci_id=commune.epci_id,
                departement_id=commune.departement_id,
                manager=managers[i % len(managers)],
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
    rebuild_stats()


def _resources(count):
    from django.db import transaction

    from bench.search.run import generate as documents
    from quartiers.resources import services
    from quartiers.resources.models import Document

    with transaction.atomic():
        batch = []
        for row in documents(count):
            batch.append(Document(**row))
            if len(batch) == 2000:
                Document.objects.bulk_create(batch)
                batch = []
        Document.objects.bulk_create(batch)
    services.rebuild_index()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the ×10 region; 0.01 to try it")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
        os.environ.setdefault("QUARTIERS_VAR_DIR", str(SQLITE_FILE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiers.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    made = generate(args.scale)
    if made:
        print(f"Base {os.environ['DATABASE_URL']} remplie en {time.perf_counter() - start:.0f} s :")
        for key, value in made.items():
            print(f"  {key:10} {value:>8}")


if __name__ == "__main__":
    main()
