"""Demo data of the contracts module, after the seed story: the Littoral network met in Calais on
25 January 2019 to revise its contrats de ville (circular of 22 January 2019).

Reference contracts (CN…) come from the territories reference data; a missing one is skipped with a
message. Commitments, indicators and measured values are demonstration data: every measured value
says so in its comment. The funded posts are the real ANCT 2025 files (data/README.md).
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.territories.models import Commune, ContratDeVille

from . import services
from .models import Amendment, Commitment, Contract, Indicator, Measurement, Objective, Pillar, Signatory

DATA = Path(__file__).resolve().parent / "data"
POST_FILES = {"adultes_relais": "postes_adultes_relais_2025.json.gz", "fonjep": "postes_fonjep_2025.json.gz"}
LITTORAL = ["CN06207M", "CN06205I", "CN05908M", "CN06206M"]
HAZEBROUCK_INSEE = "59295"
DEMO_NOTE = "Valeur de démonstration"

ORGS = {
    "etat": ("Préfecture du Pas-de-Calais", Organisation.Kind.ETAT),
    "epci": ("CA Grand Calais Terres et Mers", Organisation.Kind.EPCI),
    "ville": ("Ville de Calais", Organisation.Kind.COMMUNE),
    "departement": ("Département du Pas-de-Calais", Organisation.Kind.AUTRE),
    "caf": ("CAF du Pas-de-Calais", Organisation.Kind.AUTRE),
    "bailleur": ("Pas-de-Calais habitat", Organisation.Kind.BAILLEUR),
    "region": ("Région Hauts-de-France", Organisation.Kind.AUTRE),
    "education": ("Éducation nationale — DSDEN du Pas-de-Calais", Organisation.Kind.ETAT),
}

PILLARS_2024 = [
    (
        "Cohésion sociale",
        False,
        [
            ("Réussite éducative de la petite enfance à l'insertion", ["Cité éducative", "Parentalité"]),
            ("Accès aux droits et à la santé", ["Permanences d'accès aux droits"]),
        ],
    ),
    (
        "Cadre de vie et renouvellement urbain",
        False,
        [("Améliorer l'habitat et la gestion urbaine de proximité", ["Diagnostics en marchant", "Abattement de TFPB"])],
    ),
    (
        "Développement économique et emploi",
        False,
        [
            ("Lever les freins à l'emploi", ["Mobilité", "Emplois francs"]),
            ("Soutenir l'activité dans les quartiers", ["Achats inclusifs"]),
        ],
    ),
    ("Jeunesse", True, []),
    ("Égalité femmes-hommes", True, []),
    ("Lutte contre les discriminations", True, []),
]


def load_reference(stdout):
    for programme, name in POST_FILES.items():
        report = services.import_posts(services.read_posts_file(DATA / name), programme)
        stdout.write(f"Contrats de ville — postes {programme} 2025 : " + next(report.lines()))


def org(key):
    name, kind = ORGS[key]
    organisation, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
    return organisation


def load_demo(stdout, today=None):
    today = today or timezone.localdate()
    orgs = {key: org(key) for key in ORGS}
    contracts = {}
    for code in LITTORAL + [hazebrouck_code(stdout)]:
        if code is None:
            continue
        reference = ContratDeVille.objects.filter(code=code).select_related("epci", "commune").first()
        if reference is None:
            stdout.write(f"Contrats de ville : {code} absent des données de référence, ignoré.")
            continue
        contracts[code] = contract_for(reference)
    calais = contracts.get("CN06207M")
    if calais is None:
        stdout.write("Contrats de ville : CN06207M absent, démonstration de Calais ignorée.")
        return
    build_calais_2024(calais, orgs, today)
    build_calais_2015(calais, orgs)
    stdout.write(
        f"Contrats de ville : {len(contracts)} contrat(s) du réseau Littoral, "
        f"{Commitment.objects.count()} engagement(s)."
    )


def hazebrouck_code(stdout):
    commune = Commune.objects.filter(insee=HAZEBROUCK_INSEE).first()
    if commune is None:
        stdout.write("Contrats de ville : Hazebrouck absente des communes de référence, ignorée.")
        return None
    reference = ContratDeVille.objects.filter(commune=commune).first()
    if reference is None and commune.epci_id:
        reference = ContratDeVille.objects.filter(epci_id=commune.epci_id).first()
    if reference is None:
        stdout.write("Contrats de ville : aucun contrat de ville de référence pour Hazebrouck, ignoré.")
        return None
    return reference.code


def contract_for(reference):
    contract, created = Contract.objects.get_or_create(
        reference=reference,
        defaults={
            "generation": Contract.Generation.G2024,
            "name": f"Contrat de ville {reference.nom.split(' - ', 1)[-1]} 2024–2030",
            "departement_id": reference.departement_id,
            "epci_id": reference.epci_id,
            "commune_id": reference.commune_id,
        },
    )
    if created:
        contract.qpvs.set(reference.qpvs.all())
    return contract


def build_structure(contract, pillars):
    for order, (title, cross, objectives) in enumerate(pillars, start=1):
        pillar, _ = Pillar.objects.get_or_create(
            contract=contract, title=title, defaults={"cross_cutting": cross, "order": order}
        )
        for strategic_title, operational in objectives:
            strategic, _ = Objective.objects.get_or_create(pillar=pillar, level="strategique", title=strategic_title)
            for op_title in operational:
                Objective.objects.get_or_create(pillar=pillar, parent=strategic, level="operationnel", title=op_title)
    return {p.title: p for p in contract.pillars.all()}


def sign(contract, organisations, date, role=""):
    for organisation in organisations:
        Signatory.objects.get_or_create(
            contract=contract, organisation=organisation, defaults={"signed_on": date, "role": role}
        )


def commit(contract, organisation, title, *, indicator, values=(), status="prevu", history=(), **fields):
    """Create a demo commitment once (natural key: contract, organisation, title)."""
    existing = Commitment.objects.filter(contract=contract, organisation=organisation, title=title).first()
    if existing:
        if "due_on" in fields and existing.due_on != fields["due_on"]:  # deadlines follow the day of loading
            Commitment.objects.filter(pk=existing.pk).update(due_on=fields["due_on"])
            existing.due_on = fields["due_on"]
        return existing
    label, unit, baseline, target, *rest = indicator
    commitment = services.create_commitment(
        None,
        contract,
        organisation=organisation,
        title=title,
        indicator={
            "label": label,
            "unit": unit,
            "baseline": baseline,
            "target": target,
            "summable": rest[0] if rest else True,
        },
        **fields,
    )
    ind = Indicator.objects.get(commitment=commitment)
    for date, value in values:
        Measurement.objects.create(indicator=ind, measured_on=date, value=Decimal(value), comment=DEMO_NOTE)
    for step in history or _default_path(status):
        services.change_status(None, commitment, step[0], step[1])
    return commitment


def _default_path(status):
    return {
        "prevu": [],
        "engage": [("engage", "Démarrage constaté en comité technique.")],
        "realise": [("engage", "Démarrage constaté en comité technique."), ("realise", "Objectif atteint.")],
        "abandonne": [("abandonne", "Financement non reconduit.")],
    }[status]


def year_end(today, years=0):
    """The 31 December of this year (or a later one): demo deadlines judged against the day of loading."""
    return dt.date(today.year + years, 12, 31)


def days_from(today, days):
    return today + dt.timedelta(days=days)


def build_calais_2024(contract, orgs, today):
    from quartiers.mobilisation.models import Measure

    contract.local_pilot, contract.state_pilot = orgs["epci"], orgs["etat"]
    contract.signed_on = dt.date(2024, 6, 28)
    contract.summary = (
        "Contrat « Engagements Quartiers 2030 » de l'agglomération (démonstration : structure et "
        "engagements illustratifs)."
    )
    contract.save()
    pillars = build_structure(contract, PILLARS_2024)
    sign(
        contract,
        [orgs[k] for k in ("etat", "epci", "ville", "departement", "caf", "bailleur", "region")],
        dt.date(2024, 6, 28),
    )
    eco, social, urban = (
        pillars["Développement économique et emploi"],
        pillars["Cohésion sociale"],
        pillars["Cadre de vie et renouvellement urbain"],
    )
    y = dt.date
    commit(
        contract,
        orgs["etat"],
        "Mobiliser les crédits de droit commun de l'emploi pour les résidents des QPV",
        kind="signataire",
        pillar=eco,
        due_on=days_from(today, 390),
        status="engage",
        indicator=("Contrats aidés prescrits à des résidents des QPV", "contrats", 0, 120),
        values=[(y(2024, 12, 31), 35), (y(2025, 12, 31), 71)],
    )
    commit(
        contract,
        orgs["departement"],
        "Renforcer la prévention spécialisée dans les quartiers",
        kind="signataire",
        pillar=social,
        due_on=days_from(today, 760),
        status="engage",
        indicator=("Éducateurs de prévention présents", "ETP", 4, 6),
        values=[(y(2024, 12, 31), 5)],
    )
    commit(
        contract,
        orgs["caf"],
        "Ouvrir un accueil de loisirs supplémentaire au Beau Marais",
        kind="signataire",
        pillar=social,
        due_on=days_from(today, -95),
        status="realise",
        indicator=("Places d'accueil ouvertes", "places", 0, 40),
        values=[(y(2025, 9, 1), 40)],
    )
    commit(
        contract,
        orgs["bailleur"],
        "Recruter des habitants des QPV pour l'entretien du patrimoine",
        kind="signataire",
        pillar=urban,
        due_on=days_from(today, -160),  # past and still « engagé »: late
        status="engage",
        indicator=("Recrutements de résidents des QPV", "personnes", 0, 12),
        values=[(y(2024, 12, 31), 3), (y(2025, 6, 30), 5), (y(2025, 12, 31), 8)],
    )
    commit(
        contract,
        orgs["bailleur"],
        "Financer la médiation de nuit par l'abattement de TFPB",
        kind="signataire",
        pillar=urban,
        due_on=days_from(today, -340),
        status="abandonne",
        indicator=("Médiateurs financés", "postes", 0, 2),
        values=[(y(2024, 12, 31), 0)],
    )
    dijon_pillar = {
        "developpement_economique": eco,
        "emploi": eco,
        "mobilite": eco,
        "habitat_peuplement": urban,
        "securite": urban,
        "education": social,
        "justice": social,
        "sante": social,
    }
    for domain, organisation, title, ind, values, status in [
        (
            "developpement_economique",
            "epci",
            "Ouvrir une pépinière d'entreprises en QPV",
            ("Entreprises hébergées", "entreprises", 0, 15),
            [(y(2025, 12, 31), 6)],
            "engage",
        ),
        (
            "emploi",
            "epci",
            "Créer un guichet unique emploi-formation de proximité",
            ("Personnes accompagnées", "personnes", 0, 300),
            [(y(2024, 12, 31), 120), (y(2025, 12, 31), 260)],
            "engage",
        ),
        (
            "habitat_peuplement",
            "epci",
            "Adopter une convention intercommunale d'attribution",
            ("Part des attributions hors QPV aux ménages du premier quartile", "%", 12, 25, False),
            [(y(2025, 12, 31), 19)],
            "engage",
        ),
        (
            "mobilite",
            "epci",
            "Desservir les zones d'emploi depuis les quartiers en transport à la demande",
            ("Lignes ouvertes", "lignes", 0, 3),
            [(y(2025, 6, 30), 3)],
            "realise",
        ),
        (
            "education",
            "education",
            "Scolariser les enfants de moins de trois ans en éducation prioritaire",
            ("Taux de scolarisation des moins de 3 ans en REP+", "%", 15, 30, False),
            [(y(2025, 9, 1), 22)],
            "engage",
        ),
        (
            "securite",
            "etat",
            "Tenir une cellule de veille sécurité trimestrielle avec les bailleurs",
            ("Réunions tenues", "réunions", 0, 8),
            [(y(2025, 12, 31), 7)],
            "engage",
        ),
        (
            "justice",
            "etat",
            "Ouvrir une permanence du point-justice en QPV",
            ("Permanences tenues", "permanences", 0, 40),
            [],
            "prevu",
        ),
        (
            "sante",
            "etat",
            "Soutenir l'ouverture d'un centre de santé au Fort Nieulay",
            ("Centre de santé ouvert", "centres", 0, 1),
            [],
            "prevu",
        ),
    ]:
        commit(
            contract,
            orgs[organisation],
            title,
            kind="pacte_dijon",
            dijon_domain=domain,
            pillar=dijon_pillar[domain],
            status=status,
            indicator=ind,
            values=values,
            due_on=year_end(today, 1),
        )
    measures = {m.code: m for m in Measure.objects.all()}
    rollouts = [
        (
            "emplois-francs",
            "etat",
            "Déployer les emplois francs auprès des employeurs du Calaisis",
            [(y(2024, 12, 31), 48), (y(2025, 12, 31), 97)],
            150,
            "engage",
        ),
        (
            "cites-educatives",
            "education",
            "Faire vivre la cité éducative de Calais",
            [(y(2025, 6, 30), 62)],
            80,
            "engage",
        ),
        (
            "dedoublement-cp-ce1",
            "education",
            "Dédoubler les classes de CP et de CE1 des écoles REP et REP+",
            [(y(2024, 9, 1), 38)],
            38,
            "realise",
        ),
        ("paqte", "epci", "Réunir les entreprises du territoire autour du PAQTE", [(y(2025, 12, 31), 2)], 10, "engage"),
        (
            "adultes-relais",
            "etat",
            "Pourvoir les postes d'adultes-relais des quartiers",
            [(y(2025, 12, 31), 10)],
            12,
            "engage",
        ),
    ]
    for code, organisation, title, values, target, status in rollouts:
        measure = measures.get(code)
        if measure is None:
            continue
        commit(
            contract,
            orgs[organisation],
            title,
            kind="deploiement",
            measure=measure,
            pillar=eco if code in ("emplois-francs", "paqte") else social,
            status=status,
            due_on=year_end(today),
            values=values,
            indicator=(measure.indicator_label, measure.indicator_unit, 0, target, measure.summable),
        )


def build_calais_2015(reference_2024, orgs):
    """The 2015–2023 contract, revised in 2019 by its PERR: no official reference row exists for it."""
    contract, _ = Contract.objects.get_or_create(
        reference=None,
        epci_id=reference_2024.epci_id,
        generation=Contract.Generation.G2015,
        defaults={
            "name": "Contrat de ville du Calaisis 2015–2023",
            "departement_id": reference_2024.departement_id,
            "local_pilot": orgs["epci"],
            "state_pilot": orgs["etat"],
            "signed_on": dt.date(2015, 7, 3),
        },
    )
    pillars = build_structure(contract, [(t, c, []) for t, c, _o in PILLARS_2024[:4]])
    sign(contract, [orgs[k] for k in ("etat", "epci", "ville", "departement", "caf", "bailleur")], dt.date(2015, 7, 3))
    perr, _ = Amendment.objects.get_or_create(
        contract=contract,
        kind=Amendment.Kind.PERR,
        defaults={
            "title": "Protocole d'engagements renforcés et réciproques",
            "signed_on": dt.date(2019, 12, 12),
            "changes": "Révision du contrat après la circulaire du 22 janvier 2019 : engagements de chaque "
            "signataire, priorités communes du réseau Littoral (emploi, éducation, GUP).",
        },
    )
    perr.signatories.set([orgs[k] for k in ("etat", "epci", "ville", "departement", "caf", "bailleur")])
    Amendment.objects.get_or_create(
        contract=contract,
        kind=Amendment.Kind.EXTENSION,
        defaults={
            "title": "Prolongation jusqu'au 31 décembre 2023",
            "signed_on": dt.date(2022, 3, 15),
            "changes": "Prolongation de la durée du contrat jusqu'au 31 décembre 2023 (loi de finances pour 2022).",
        },
    )
    y = dt.date
    eco, social = pillars["Développement économique et emploi"], pillars["Cohésion sociale"]
    for organisation, title, pillar, ind, values, status in [
        (
            "etat",
            "Augmenter la part des résidents des QPV dans les contrats aidés",
            eco,
            ("Part des QPV dans les parcours emploi compétences", "%", 18, 30, False),
            [(y(2021, 12, 31), 27)],
            "realise",
        ),
        (
            "caf",
            "Doubler l'offre d'accompagnement à la parentalité en QPV",
            social,
            ("Actions parentalité financées", "actions", 6, 12),
            [(y(2020, 12, 31), 9), (y(2022, 12, 31), 12)],
            "realise",
        ),
        (
            "departement",
            "Ouvrir une maison des solidarités au Beau Marais",
            social,
            ("Maison ouverte", "équipements", 0, 1),
            [],
            "abandonne",
        ),
        (
            "bailleur",
            "Affecter l'abattement de TFPB à des actions de gestion de proximité",
            pillars["Cadre de vie et renouvellement urbain"],
            ("Actions financées", "actions", 0, 20),
            [(y(2020, 12, 31), 8), (y(2022, 12, 31), 17)],
            "engage",
        ),
    ]:
        commit(
            contract,
            orgs[organisation],
            title,
            kind="signataire",
            pillar=pillar,
            amendment=perr,
            status=status,
            indicator=ind,
            values=values,
            due_on=y(2022, 12, 31),
        )
