"""Demo: a renewal project on a Calais QPV with about forty operations at every stage.

Figures are demonstration values (the project name says so); the QPV and communes are real.
Schedules are placed relative to the day the demo is loaded (`today`): some operations are done, most on
time, about a third late by a few weeks to a year and a half — never by thousands of days. Loading again
refreshes those dates (natural keys: project name, operation title, milestone label, financer).
The official NPNRU list is keyed by QPV 2015 codes, and the 2015 list of the Pas-de-Calais is not
bundled, so the project's `npnru_code` stays empty until that list is imported.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.renewal.models import (
    Family,
    FundingLine,
    Milestone,
    Operation,
    Project,
    Stage,
)
from quartiers.territories.models import QPV, ContratDeVille

PROJECT_NAME = "NPNRU Calais Beau Marais (démonstration)"
LATE_SHARE = 0.35  # of the operations under way: late, as a real project's steering committee sees them

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


def load_demo(stdout, today=None):
    today = today or timezone.localdate()
    qpv = QPV.objects.filter(code="QN06254M").first()
    if qpv is None:
        stdout.write("NPNRU : QPV QN06254M (Beau Marais) absent, démonstration ignorée.")
        return
    orgs = _organisations()
    project, created = Project.objects.update_or_create(
        name=PROJECT_NAME,
        defaults={
            "qpv": qpv,
            "contrat": ContratDeVille.objects.filter(code="CN06207M").first(),
            "interest": "national",
            "owner": orgs["epci"],
            "description": "Projet de démonstration : les opérations, montants et dates sont fictifs.",
        },
    )
    # The project's contractual history: past events, they keep their dates.
    for kind, title, signed_on in [
        (Stage.Kind.PROTOCOLE, "Protocole de préfiguration", date(2017, 3, 15)),
        (Stage.Kind.CONVENTION, "Convention pluriannuelle", date(2019, 11, 8)),
        (Stage.Kind.AVENANT, "Avenant n° 1", date(2022, 6, 30)),
    ]:
        Stage.objects.get_or_create(project=project, kind=kind, title=title, defaults={"signed_on": signed_on})
    rng = random.Random(2019)
    n_ops = 0
    for family, pattern, count, units, unit_cost, owner in PLAN:
        for i in range(1, count + 1):
            _operation(project, rng, family, pattern.format(n=i), units, unit_cost, orgs[owner], i, today)
            n_ops += 1
    as_of = _last_quarter_end(today)
    _snapshot(
        project.rehousing,
        as_of,
        to_rehouse=412,
        rehoused=318,
        in_qpv=141,
        out_qpv=177,
        new_housing=96,
        older_housing=222,
    )
    _snapshot(project.insertion, as_of, planned_hours=96_000, achieved_hours=61_450)
    verb = "créé" if created else "mis à jour (dates recalées sur le " + f"{today:%d/%m/%Y})"
    stdout.write(f"NPNRU : projet de démonstration {verb} avec {n_ops} opérations.")


def _last_quarter_end(today):
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return quarter_start - timedelta(days=1)


def _snapshot(manager, as_of, **figures):
    """The demo's one snapshot, moved to the last quarter's end (a user's own snapshots stay)."""
    snapshot = manager.order_by("-as_of").first()
    if snapshot is None:
        manager.create(as_of=as_of, **figures)
        return
    manager.filter(pk=snapshot.pk).update(as_of=as_of, **figures)


def _operation(project, rng, family, title, units, unit_cost, owner, index, today):
    status = (
        STATUSES[(index + len(title)) % len(STATUSES)] if family != Family.INGENIERIE else Operation.Status.IN_PROGRESS
    )
    n_units = rng.randint(*units)
    cost = Decimal(rng.randint(*unit_cost)) * (n_units if n_units else 1)
    planned = _schedule(rng, status, today)
    operation, _ = Operation.objects.update_or_create(
        project=project,
        title=title,
        defaults={
            "family": family,
            "maitre_ouvrage": owner,
            "housing_units": n_units,
            "inside_qpv": not (family == Family.RECONSTITUTION and index % 3 != 0),
            "cost": cost,
            "status": status,
            "progress": {"prevue": 0, "engagee": 10, "en_cours": rng.randint(20, 90), "livree": 100, "abandonnee": 0}[
                status
            ],
            "commitment_deadline": today + timedelta(days=rng.randint(-120, 600)) if status == "prevue" else None,
        },
    )
    _milestones(operation, rng, planned, status, today)
    anru = (cost * Decimal("0.45")).quantize(Decimal(1))
    committed = anru if status in ("engagee", "en_cours", "livree") else Decimal(0)
    paid = committed * Decimal("0.6" if status == "en_cours" else "1" if status == "livree" else "0")
    lines = [
        ("anru", "", {"amount": anru, "committed": committed, "paid": paid.quantize(Decimal(1))}),
        ("maitre_ouvrage", "", {"amount": cost - anru, "committed": cost - anru if committed else 0, "paid": 0}),
    ]
    if family in (Family.RECONSTITUTION, Family.REQUALIFICATION):
        lines.append(
            (
                "action_logement",
                "Action Logement Services",
                {"amount": (cost * Decimal("0.15")).quantize(Decimal(1)), "committed": 0, "paid": 0},
            )
        )
    for financer, name, amounts in lines:
        FundingLine.objects.update_or_create(
            operation=operation, financer=financer, financer_name=name, defaults=amounts
        )


def _schedule(rng, status, today):
    """Planned dates of the three milestones, placed so that `today` falls where the status says."""
    study, works = rng.randint(200, 400), rng.randint(600, 1100)  # days from the start to each later milestone
    late = rng.random() < LATE_SHARE
    if status == Operation.Status.PLANNED:
        before = -rng.randint(30, 420)  # starts in the future
    elif status == Operation.Status.COMMITTED:  # studies launched; works due to start (late: they have not)
        before = study + rng.randint(30, 240) if late else rng.randint(30, study - 30)
    elif status == Operation.Status.IN_PROGRESS:  # works under way; delivery due (late: overdue)
        before = works + rng.randint(30, 540) if late else rng.randint(study + 30, works - 30)
    elif status == Operation.Status.DELIVERED:
        before = works + rng.randint(90, 1400)
    else:  # abandoned after its studies
        before = rng.randint(60, 700)
    start = today - timedelta(days=before)
    return [start, start + timedelta(days=study), start + timedelta(days=works)]


def _milestones(operation, rng, planned, status, today):
    labels = ["Lancement des études", "Démarrage des travaux", "Livraison"]
    done = {"prevue": 0, "engagee": 1, "en_cours": 2, "livree": 3, "abandonnee": 1}[status]
    for i, (label, when) in enumerate(zip(labels, planned, strict=True)):
        slip = timedelta(days=rng.randint(-30, 160))
        actual = min(when + slip, today - timedelta(days=1)) if i < done and when < today else None
        Milestone.objects.update_or_create(
            operation=operation, label=label, defaults={"planned_date": when, "actual_date": actual}
        )
