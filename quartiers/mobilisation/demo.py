"""Demo data of the national mobilisation: the measures catalogue (reference), the roll-out of national
measures in Calais and in the other Littoral contracts, and two fictional PAQTE companies of the Calaisis.

Company names are fictional and say so; measured values are demonstration values (their comment says
so). Runs after contracts/demo.py (INSTALLED_APPS order).
"""

import datetime as dt

from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.contracts import hooks as contract_hooks
from quartiers.territories.models import Commune

from .catalogue import seed_measures
from .models import Company, Measure

COMPANIES = [
    ("Transports Côte d'Opale (entreprise fictive de démonstration)", "Transport et logistique", "250 à 499 salariés"),
    ("Boulangeries du Détroit (entreprise fictive de démonstration)", "Commerce alimentaire", "50 à 99 salariés"),
]
y = dt.date
PAQTE = [
    # company index, axis, title, (label, unit, baseline, target), values, status
    (
        0,
        "sensibiliser",
        "Accueillir des collégiens de REP+ en stage de 3e",
        ("Stages de 3e offerts", "stages", 0, 20),
        [(y(2025, 1, 31), 12), (y(2026, 1, 31), 18)],
        "engage",
    ),
    (
        0,
        "former",
        "Former des apprentis conducteurs issus des QPV",
        ("Apprentis résidant en QPV", "apprentis", 0, 6),
        [(y(2025, 9, 30), 4)],
        "engage",
    ),
    (
        0,
        "recruter",
        "Recruter des résidents des QPV en CDI",
        ("Embauches de résidents des QPV", "embauches", 0, 15),
        [(y(2025, 12, 31), 15)],
        "realise",
    ),
    (
        0,
        "acheter",
        "Confier des prestations à des structures d'insertion",
        ("Achats inclusifs", "euros", 0, 80000),
        [(y(2025, 12, 31), 52000)],
        "engage",
    ),
    (
        1,
        "sensibiliser",
        "Faire découvrir les métiers de bouche aux collégiens",
        ("Stages de 3e offerts", "stages", 0, 8),
        [(y(2025, 1, 31), 8)],
        "realise",
    ),
    (
        1,
        "former",
        "Ouvrir des contrats d'apprentissage en boulangerie",
        ("Apprentis résidant en QPV", "apprentis", 0, 4),
        [],
        "prevu",
    ),
]
CALAIS_ROLLOUTS = [
    # measure, organisation (contracts' demo key), title, measured values, target, status, pillar
    (
        "emplois-francs",
        "etat",
        "Déployer les emplois francs auprès des employeurs du Calaisis",
        [(y(2024, 12, 31), 48), (y(2025, 12, 31), 97)],
        150,
        "engage",
        "Développement économique et emploi",
    ),
    (
        "cites-educatives",
        "education",
        "Faire vivre la cité éducative de Calais",
        [(y(2025, 6, 30), 62)],
        80,
        "engage",
        "Cohésion sociale",
    ),
    (
        "dedoublement-cp-ce1",
        "education",
        "Dédoubler les classes de CP et de CE1 des écoles REP et REP+",
        [(y(2024, 9, 1), 38)],
        38,
        "realise",
        "Cohésion sociale",
    ),
    (
        "paqte",
        "epci",
        "Réunir les entreprises du territoire autour du PAQTE",
        [(y(2025, 12, 31), 2)],
        10,
        "engage",
        "Développement économique et emploi",
    ),
    (
        "adultes-relais",
        "etat",
        "Pourvoir les postes d'adultes-relais des quartiers",
        [(y(2025, 12, 31), 10)],
        12,
        "engage",
        "Cohésion sociale",
    ),
]
ROLLOUTS = {
    # contract code -> [(measure code, value, target, status)]
    "CN06205I": [
        ("emplois-francs", 61, 100, "engage"),
        ("cites-educatives", 55, 75, "engage"),
        ("dedoublement-cp-ce1", 30, 30, "realise"),
    ],
    "CN05908M": [
        ("emplois-francs", 140, 200, "engage"),
        ("dedoublement-cp-ce1", 52, 52, "realise"),
        ("adultes-relais", 18, 20, "engage"),
    ],
    "CN06206M": [("emplois-francs", 22, 60, "engage"), ("stages-3e", 35, 50, "engage")],
}


def load_reference(stdout):
    created = seed_measures()
    stdout.write(f"Mobilisation nationale : {Measure.objects.count()} mesures au catalogue ({created} nouvelle(s)).")


def load_demo(stdout, today=None):
    today = today or timezone.localdate()
    by_code = {
        c.reference.code: c
        for c in contract_hooks.contracts().filter(reference__isnull=False).select_related("reference")
    }
    calais_contract = by_code.get("CN06207M")
    if calais_contract is None:
        stdout.write("Mobilisation : contrat CN06207M absent, démonstration PAQTE ignorée.")
        return
    measures = {m.code: m for m in Measure.objects.all()}
    pillars = {p.title: p for p in calais_contract.pillars.all()}
    for code, organisation, title, values, target, status, pillar in CALAIS_ROLLOUTS:
        if code in measures:
            _rollout(
                calais_contract,
                contract_hooks.demo_organisation(organisation),
                measures[code],
                today,
                title=title,
                values=values,
                target=target,
                status=status,
                pillar=pillars.get(pillar),
            )
    companies = _companies()
    for index, axis, title, indicator, values, status in PAQTE:
        contract_hooks.demo_commitment(
            calais_contract,
            companies[index].organisation,
            title,
            kind="paqte",
            paqte_axis=axis,
            pillar=pillars.get("Développement économique et emploi"),
            measure=measures.get("paqte"),
            indicator=indicator,
            values=values,
            status=status,
            due_on=contract_hooks.year_end(today),  # judged against the day the demo is loaded
        )
    _littoral_rollouts(stdout, by_code, measures, today)
    stdout.write(
        f"Mobilisation : {len(companies)} entreprises du PAQTE (fictives), déploiements des mesures "
        f"dans {len(ROLLOUTS)} autres contrats. Valeurs mesurées : démonstration."
    )


def _companies():
    calais = Commune.objects.filter(insee="62193").first()
    companies = []
    for name, sector, headcount in COMPANIES:
        organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": Organisation.Kind.ENTREPRISE})
        company, _ = Company.objects.get_or_create(
            organisation=organisation,
            defaults={"sector": sector, "headcount": headcount, "commune": calais, "joined_on": y(2019, 7, 1)},
        )
        companies.append(company)
    return companies


def _littoral_rollouts(stdout, by_code, measures, today):
    state = contract_hooks.demo_organisation("etat")
    for code, rows in ROLLOUTS.items():
        contract = by_code.get(code)
        if contract is None:
            stdout.write(f"Mobilisation : contrat {code} absent, déploiements ignorés.")
            continue
        for measure_code, value, target, status in rows:
            measure = measures[measure_code]
            title = f"Déployer « {measure.title} »"
            values = [(y(2025, 12, 31), value)]
            _rollout(contract, state, measure, today, title=title, values=values, target=target, status=status)


def _rollout(contract, organisation, measure, today, *, title, values, target, status, pillar=None):
    """The local roll-out of a national measure: a commitment followed by the measure's own indicator."""
    extra = {"pillar": pillar} if pillar is not None else {}
    contract_hooks.demo_commitment(
        contract,
        organisation,
        title,
        kind="deploiement",
        measure=measure,
        status=status,
        due_on=contract_hooks.year_end(today),  # judged against the day the demo is loaded
        values=values,
        indicator=(measure.indicator_label, measure.indicator_unit, 0, target, measure.summable),
        **extra,
    )
