"""Demo: a renewal project on a Calais QPV with about forty operations at every stage.

Figures are demonstration values (the project name says so); the QPV and communes are real.
The official NPNRU list is keyed by QPV 2015 codes, and the 2015 list of the Pas-de-Calais is not
bundled, so the project's `npnru_code` stays empty until that list is imported.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from quartiers.accounts.models import Organisation
from quartiers.renewal.models import (
    Family,
    FundingLine,
    InsertionSnapshot,
    Milestone,
    Operation,
    Project,
    RehousingSnapshot,
    Stage,
)
from quartiers.territories.models import QPV, ContratDeVille

PROJECT_NAME = "NPNRU Calais Beau Marais (démonstration)"
TODAY = date(2026, 11, 26)

# (family, title pattern, count, units range, cost per unit or flat cost range, owner key)
PLAN = [
    (Family.DEMOLITION, "Démolition bâtiment {n}", 6, (40, 120), (25_000, 35_000), "bailleur"),
    (Family.RECONSTITUTION, "Reconstitution de l'offre — site {n}", 8, (15, 45), (150_000, 185_000), "bailleur"),
    (Family.REQUALIFICATION, "Requalification résidence {n}", 6, (30, 110), (45_000, 70_000), "bailleur"),
    (Family.RESIDENTIALISATION, "Résidentialisation îlot {n}", 5, (20, 80), (4_000, 9_000), "bailleur"),
    (Family.ACCESSION, "Accession sociale — lot {n}", 2, (10, 25), (160_000, 190_000), "promoteur"),
    (Family.DIVERSIFICATION, "Diversification — programme {n}", 2, (15, 30), (170_000, 200_000), "promoteur"),
    (Family.EQUIPEMENTS, "Équipement public {n}", 4, (0, 0), (1_200_000, 4_500_000), "ville"),
    (Family.AMENAGEMENT, "Aménagement des espaces publics — secteur {n}", 5, (0, 0), (800_000, 3_000_000), "epci"),
    (Family.INGENIERIE, "Ingénierie et conduite de projet {n}", 2, (0, 0), (300_000, 900_000), "epci"),
]
STATUSES = [
    Operation.Status.PLANNED,
    Operation.Status.COMMITTED,
    Operation.Status.IN_PROGRESS,
    Operation.Status.DELIVERED,
    Operation.Status.ABANDONED,
]


def _organisations():
    specs = {
        "epci": ("CA Grand Calais Terres et Mers", Organisation.Kind.EPCI),
        "ville": ("Ville de Calais", Organisation.Kind.COMMUNE),
        "bailleur": ("Pas-de-Calais habitat", Organisation.Kind.BAILLEUR),
        "promoteur": ("Promoteur démo — accession", Organisation.Kind.ENTREPRISE),
    }
    return {k: Organisation.objects.get_or_create(name=n, defaults={"kind": kind})[0] for k, (n, kind) in specs.items()}


def load_demo(stdout):
    qpv = QPV.objects.filter(code="QN06254M").first()
    if qpv is None:
        stdout.write("NPNRU : QPV QN06254M (Beau Marais) absent, démonstration ignorée.")
        return
    if Project.objects.filter(name=PROJECT_NAME).exists():
        stdout.write("NPNRU : projet de démonstration déjà présent.")
        return
    orgs = _organisations()
    project = Project.objects.create(
        name=PROJECT_NAME,
        qpv=qpv,
        contrat=ContratDeVille.objects.filter(code="CN06207M").first(),
        interest="national",
        owner=orgs["epci"],
        description="Projet de démonstration : les opérations, montants et dates sont fictifs.",
    )
    Stage.objects.bulk_create(
        [
            Stage(
                project=project,
                kind=Stage.Kind.PROTOCOLE,
                title="Protocole de préfiguration",
                signed_on=date(2017, 3, 15),
            ),
            Stage(
                project=project,
                kind=Stage.Kind.CONVENTION,
                title="Convention pluriannuelle",
                signed_on=date(2019, 11, 8),
            ),
            Stage(project=project, kind=Stage.Kind.AVENANT, title="Avenant n° 1", signed_on=date(2022, 6, 30)),
        ]
    )
    rng = random.Random(2019)
    n_ops = 0
    for family, pattern, count, units, unit_cost, owner in PLAN:
        for i in range(1, count + 1):
            _create_operation(project, rng, family, pattern.format(n=i), units, unit_cost, orgs[owner], i)
            n_ops += 1
    RehousingSnapshot.objects.create(
        project=project,
        as_of=date(2026, 9, 30),
        to_rehouse=412,
        rehoused=318,
        in_qpv=141,
        out_qpv=177,
        new_housing=96,
        older_housing=222,
    )
    InsertionSnapshot.objects.create(
        project=project, as_of=date(2026, 9, 30), planned_hours=96_000, achieved_hours=61_450
    )
    stdout.write(f"NPNRU : projet de démonstration créé avec {n_ops} opérations.")


def _create_operation(project, rng, family, title, units, unit_cost, owner, index):
    status = (
        STATUSES[(index + len(title)) % len(STATUSES)] if family != Family.INGENIERIE else Operation.Status.IN_PROGRESS
    )
    n_units = rng.randint(*units)
    cost = Decimal(rng.randint(*unit_cost)) * (n_units if n_units else 1)
    start = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1500))
    operation = Operation.objects.create(
        project=project,
        family=family,
        title=title,
        maitre_ouvrage=owner,
        housing_units=n_units,
        inside_qpv=not (family == Family.RECONSTITUTION and index % 3 != 0),
        cost=cost,
        status=status,
        progress={"prevue": 0, "engagee": 10, "en_cours": rng.randint(20, 90), "livree": 100, "abandonnee": 0}[status],
        commitment_deadline=TODAY + timedelta(days=rng.randint(-120, 600)) if status == "prevue" else None,
    )
    _milestones(operation, rng, start, status)
    anru = (cost * Decimal("0.45")).quantize(Decimal(1))
    committed = anru if status in ("engagee", "en_cours", "livree") else Decimal(0)
    FundingLine.objects.bulk_create(
        [
            FundingLine(
                operation=operation,
                financer="anru",
                amount=anru,
                committed=committed,
                paid=(
                    committed * Decimal("0.6" if status == "en_cours" else "1" if status == "livree" else "0")
                ).quantize(Decimal(1)),
            ),
            FundingLine(
                operation=operation,
                financer="maitre_ouvrage",
                amount=cost - anru,
                committed=cost - anru if committed else 0,
            ),
        ]
    )
    if family in (Family.RECONSTITUTION, Family.REQUALIFICATION):
        FundingLine.objects.create(
            operation=operation,
            financer="action_logement",
            financer_name="Action Logement Services",
            amount=(cost * Decimal("0.15")).quantize(Decimal(1)),
        )


def _milestones(operation, rng, start, status):
    labels = ["Lancement des études", "Démarrage des travaux", "Livraison"]
    planned = [start, start + timedelta(days=rng.randint(200, 400)), start + timedelta(days=rng.randint(600, 1100))]
    done = {"prevue": 0, "engagee": 1, "en_cours": 2, "livree": 3, "abandonnee": 1}[status]
    rows = []
    for i, (label, when) in enumerate(zip(labels, planned, strict=True)):
        actual = when + timedelta(days=rng.randint(-30, 160)) if i < done and when < TODAY else None
        rows.append(Milestone(operation=operation, label=label, planned_date=when, actual_date=actual))
    Milestone.objects.bulk_create(rows)
