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

from . import fragments, services
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
            fragments.touch([contract.pk])  # an update sends no signal
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


# The 2024–2030 contract of the CA Grand Calais Terres et Mers: its pillars, signatories and commitments.
ECO, SOCIAL, URBAN = PILLARS_2024[2][0], PILLARS_2024[0][0], PILLARS_2024[1][0]
CALAIS_2024 = {
    "signed_on": dt.date(2024, 6, 28),
    "summary": "Contrat « Engagements Quartiers 2030 » de l'agglomération (démonstration : structure et "
    "engagements illustratifs).",
    "signatories": ("etat", "epci", "ville", "departement", "caf", "bailleur", "region"),
}
y = dt.date
SIGNATORY_2024 = [
    # organisation, pillar, due (days from the day of loading), status, title, indicator, measured values
    (
        "etat",
        ECO,
        390,
        "engage",
        "Mobiliser les crédits de droit commun de l'emploi pour les résidents des QPV",
        ("Contrats aidés prescrits à des résidents des QPV", "contrats", 0, 120),
        [(y(2024, 12, 31), 35), (y(2025, 12, 31), 71)],
    ),
    (
        "departement",
        SOCIAL,
        760,
        "engage",
        "Renforcer la prévention spécialisée dans les quartiers",
        ("Éducateurs de prévention présents", "ETP", 4, 6),
        [(y(2024, 12, 31), 5)],
    ),
    (
        "caf",
        SOCIAL,
        -95,
        "realise",
        "Ouvrir un accueil de loisirs supplémentaire au Beau Marais",
        ("Places d'accueil ouvertes", "places", 0, 40),
        [(y(2025, 9, 1), 40)],
    ),
    (
        "bailleur",
        URBAN,
        -160,  # past and still « engagé »: late
        "engage",
        "Recruter des habitants des QPV pour l'entretien du patrimoine",
        ("Recrutements de résidents des QPV", "personnes", 0, 12),
        [(y(2024, 12, 31), 3), (y(2025, 6, 30), 5), (y(2025, 12, 31), 8)],
    ),
    (
        "bailleur",
        URBAN,
        -340,
        "abandonne",
        "Financer la médiation de nuit par l'abattement de TFPB",
        ("Médiateurs financés", "postes", 0, 2),
        [(y(2024, 12, 31), 0)],
    ),
]
DIJON_PILLAR = {
    "developpement_economique": ECO,
    "emploi": ECO,
    "mobilite": ECO,
    "habitat_peuplement": URBAN,
    "securite": URBAN,
    "education": SOCIAL,
    "justice": SOCIAL,
    "sante": SOCIAL,
}
DIJON_2024 = [
    # Pacte de Dijon domain, organisation, title, indicator, measured values, status — due at the end of next year
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
]

# The 2015–2023 contract, revised in 2019 by its PERR: no official reference row exists for it.
CALAIS_2015 = {
    "name": "Contrat de ville du Calaisis 2015–2023",
    "signed_on": dt.date(2015, 7, 3),
    "signatories": ("etat", "epci", "ville", "departement", "caf", "bailleur"),
}
PERR_2019 = {
    "title": "Protocole d'engagements renforcés et réciproques",
    "signed_on": dt.date(2019, 12, 12),
    "changes": "Révision du contrat après la circulaire du 22 janvier 2019 : engagements de chaque "
    "signataire, priorités communes du réseau Littoral (emploi, éducation, GUP).",
}
EXTENSION_2022 = {
    "title": "Prolongation jusqu'au 31 décembre 2023",
    "signed_on": dt.date(2022, 3, 15),
    "changes": "Prolongation de la durée du contrat jusqu'au 31 décembre 2023 (loi de finances pour 2022).",
}
PERR_DUE = dt.date(2022, 12, 31)
PERR_COMMITMENTS = [
    # organisation, title, pillar, indicator, measured values, status — all attached to the PERR
    (
        "etat",
        "Augmenter la part des résidents des QPV dans les contrats aidés",
        ECO,
        ("Part des QPV dans les parcours emploi compétences", "%", 18, 30, False),
        [(y(2021, 12, 31), 27)],
        "realise",
    ),
    (
        "caf",
        "Doubler l'offre d'accompagnement à la parentalité en QPV",
        SOCIAL,
        ("Actions parentalité financées", "actions", 6, 12),
        [(y(2020, 12, 31), 9), (y(2022, 12, 31), 12)],
        "realise",
    ),
    (
        "departement",
        "Ouvrir une maison des solidarités au Beau Marais",
        SOCIAL,
        ("Maison ouverte", "équipements", 0, 1),
        [],
        "abandonne",
    ),
    (
        "bailleur",
        "Affecter l'abattement de TFPB à des actions de gestion de proximité",
        URBAN,
        ("Actions financées", "actions", 0, 20),
        [(y(2020, 12, 31), 8), (y(2022, 12, 31), 17)],
        "engage",
    ),
]


def build_calais_2024(contract, orgs, today):
    contract.local_pilot, contract.state_pilot = orgs["epci"], orgs["etat"]
    contract.signed_on, contract.summary = CALAIS_2024["signed_on"], CALAIS_2024["summary"]
    contract.save()
    pillars = build_structure(contract, PILLARS_2024)
    sign(contract, [orgs[k] for k in CALAIS_2024["signatories"]], CALAIS_2024["signed_on"])
    for organisation, pillar, days, status, title, indicator, values in SIGNATORY_2024:
        commit(
            contract,
            orgs[organisation],
            title,
            kind="signataire",
            pillar=pillars[pillar],
            due_on=days_from(today, days),
            status=status,
            indicator=indicator,
            values=values,
        )
    for domain, organisation, title, indicator, values, status in DIJON_2024:
        commit(
            contract,
            orgs[organisation],
            title,
            kind="pacte_dijon",
            dijon_domain=domain,
            pillar=pillars[DIJON_PILLAR[domain]],
            status=status,
            indicator=indicator,
            values=values,
            due_on=year_end(today, 1),
        )


def build_calais_2015(reference_2024, orgs):
    contract, _ = Contract.objects.get_or_create(
        reference=None,
        epci_id=reference_2024.epci_id,
        generation=Contract.Generation.G2015,
        defaults={
            "name": CALAIS_2015["name"],
            "departement_id": reference_2024.departement_id,
            "local_pilot": orgs["epci"],
            "state_pilot": orgs["etat"],
            "signed_on": CALAIS_2015["signed_on"],
        },
    )
    pillars = build_structure(contract, [(t, c, []) for t, c, _o in PILLARS_2024[:4]])
    signatories = [orgs[k] for k in CALAIS_2015["signatories"]]
    sign(contract, signatories, CALAIS_2015["signed_on"])
    perr, _ = Amendment.objects.get_or_create(contract=contract, kind=Amendment.Kind.PERR, defaults=PERR_2019)
    perr.signatories.set(signatories)
    Amendment.objects.get_or_create(contract=contract, kind=Amendment.Kind.EXTENSION, defaults=EXTENSION_2022)
    for organisation, title, pillar, indicator, values, status in PERR_COMMITMENTS:
        commit(
            contract,
            orgs[organisation],
            title,
            kind="signataire",
            pillar=pillars[pillar],
            amendment=perr,
            status=status,
            indicator=indicator,
            values=values,
            due_on=PERR_DUE,
        )
