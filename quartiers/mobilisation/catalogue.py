"""The main measures of the national mobilisation plan for the neighbourhoods (2018), as followed locally.

Descriptions say what a measure is, not national figures: the figures that matter are the ones each
territory records.
"""

from django.db import transaction

MEASURES = [
    {
        "code": "emplois-francs",
        "title": "Emplois francs",
        "programme": "Emploi",
        "description": "Aide de l'État versée à l'employeur qui recrute, en CDI ou en CDD d'au moins six mois, "
        "un demandeur d'emploi résidant dans un quartier prioritaire.",
        "indicator_label": "Embauches en emploi franc de résidents des QPV",
        "indicator_unit": "embauches",
        "summable": True,
    },
    {
        "code": "cites-educatives",
        "title": "Cités éducatives",
        "programme": "Éducation",
        "description": "Label qui réunit, autour du collège et des écoles, les acteurs éducatifs d'un grand "
        "quartier (services de l'État, collectivités, associations, parents) pour les enfants et les jeunes "
        "de 0 à 25 ans.",
        "indicator_label": "Part des enfants et des jeunes du quartier touchés par les actions de la cité",
        "indicator_unit": "%",
        "summable": False,
    },
    {
        "code": "dedoublement-cp-ce1",
        "title": "Dédoublement des classes de CP et de CE1 en REP et REP+",
        "programme": "Éducation",
        "description": "Classes de CP et de CE1 des écoles de l'éducation prioritaire (REP et REP+) "
        "limitées à une douzaine d'élèves environ.",
        "indicator_label": "Classes de CP et de CE1 dédoublées",
        "indicator_unit": "classes",
        "summable": True,
    },
    {
        "code": "paqte",
        "title": "PAQTE — pacte avec les quartiers pour toutes les entreprises",
        "programme": "Développement économique",
        "description": "Engagement des entreprises sur quatre axes : sensibiliser (stages de 3e), former "
        "(apprentissage), recruter et acheter (achats inclusifs) dans les quartiers prioritaires.",
        "indicator_label": "Entreprises engagées dans le PAQTE sur le territoire",
        "indicator_unit": "entreprises",
        "summable": True,
    },
    {
        "code": "stages-3e",
        "title": "Stages de 3e pour les collégiens des quartiers",
        "programme": "Éducation",
        "description": "Offre de stages d'observation de 3e de qualité aux collégiens de l'éducation "
        "prioritaire, par les administrations et les entreprises.",
        "indicator_label": "Stages de 3e proposés",
        "indicator_unit": "stages",
        "summable": True,
    },
    {
        "code": "adultes-relais",
        "title": "Adultes-relais",
        "programme": "Lien social",
        "description": "Postes de médiation sociale et culturelle, cofinancés par l'État, confiés à des "
        "habitants des quartiers prioritaires employés par des associations ou des collectivités.",
        "indicator_label": "Postes d'adultes-relais pourvus",
        "indicator_unit": "postes",
        "summable": True,
    },
    {
        "code": "fonjep",
        "title": "Postes FONJEP politique de la ville",
        "programme": "Vie associative",
        "description": "Aide au financement de postes permanents dans les associations de jeunesse et "
        "d'éducation populaire intervenant dans les quartiers prioritaires.",
        "indicator_label": "Postes FONJEP financés",
        "indicator_unit": "postes",
        "summable": True,
    },
    {
        "code": "quartiers-reconquete-republicaine",
        "title": "Quartiers de reconquête républicaine",
        "programme": "Sécurité",
        "description": "Quartiers où la police de sécurité du quotidien est renforcée par des effectifs "
        "supplémentaires de policiers ou de gendarmes.",
        "indicator_label": "Taux d'effectifs supplémentaires affectés",
        "indicator_unit": "%",
        "summable": False,
    },
]


@transaction.atomic
def seed_measures():
    """Create or update the catalogue (idempotent on the measure code); return how many were created."""
    from .models import Measure

    created = 0
    for order, data in enumerate(MEASURES, start=1):
        _measure, was_created = Measure.objects.update_or_create(
            code=data["code"], defaults={**{k: v for k, v in data.items() if k != "code"}, "order": order}
        )
        created += was_created
    return created
