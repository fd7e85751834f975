"""Write cases of the NPNRU (tests/write_matrix.py): Calais and Dunkerque projects, landlords' operations."""

from datetime import date
from decimal import Decimal

from quartiers.accounts.models import Organisation
from quartiers.renewal.models import Milestone, Operation, Project
from tests.renewal.helpers import make_project
from tests.write_matrix import (
    ELEVATION,
    OTHER_ORGANISATION,
    OTHER_TERRITORY,
    not_applicable,
    write,
)

CHEFS_HERE = "chef admin"
CHEFS_THERE = "autre_chef admin"
NO_RIGHTS_FIELD = "Le formulaire ne porte ni organisation, ni territoire, ni rôle : rien qui élève des droits."
# A refused choice (a QPV he does not steer) shows the form again with the French error.
FORM_REFUSAL = (200, 403, 404)


def _association(w):
    return Organisation.objects.get_or_create(name="Association de quartier (test)", defaults={"kind": "association"})[
        0
    ]


def dunkerque_project(w):
    project, created = Project.objects.get_or_create(
        name="Projet de Dunkerque (test)",
        defaults={"qpv": w.qpv_dunkerque, "interest": "regional", "owner": w.orgs["cud"]},
    )
    if created:
        operation = Operation.objects.create(
            project=project, family="demolition", title="Démolition Soubise", maitre_ouvrage=w.orgs["cud"]
        )
        Milestone.objects.create(operation=operation, label="Démarrage", planned_date=date(2026, 1, 1))
    return project


def _operation(project, owner, title):
    operation = Operation.objects.create(
        project=project, family="requalification", title=title, maitre_ouvrage=owner, cost=Decimal(100000)
    )
    Milestone.objects.create(operation=operation, label="Démarrage", planned_date=date(2026, 1, 1))
    return operation


def dunkerque_operation(w):
    return dunkerque_project(w).operations.get(family="demolition")


def dunkerque_operation_of_bailleur(w):
    """The bailleur works in both territories; his Calais partner account must not steer Dunkerque."""
    return _operation(dunkerque_project(w), w.orgs["bailleur"], "Requalification à Dunkerque")


def association_operation(w):
    return _operation(make_project(w), _association(w), "Requalification de l'association")


def _pk(factory):
    return lambda w: [factory(w).pk]


def _milestone(factory):
    return lambda w: [factory(w).milestones.get().pk]


OPERATION_DATA = {
    "family": "requalification",
    "title": "Requalification (matrice)",
    "housing_units": 12,
    "cost": "250000",
    "status": "en_cours",
    "progress": 40,
}


def _operation_data(org_key):
    return lambda w: {**OPERATION_DATA, "maitre_ouvrage": w.orgs[org_key].pk}


def _edit_data(factory):
    return lambda w: {**OPERATION_DATA, "maitre_ouvrage": factory(w).maitre_ouvrage_id}


MILESTONE = {"label": "Livraison", "planned_date": "2027-06-30"}
FUNDING = {"financer": "anru", "amount": "1000", "committed": "0", "paid": "0"}
REHOUSING = {
    "as_of": "2026-09-30",
    "to_rehouse": 10,
    "rehoused": 5,
    "in_qpv": 2,
    "out_qpv": 3,
    "new_housing": 1,
    "older_housing": 4,
}
INSERTION = {"as_of": "2026-09-30", "planned_hours": 1000, "achieved_hours": 200}
PROJECTS = {OTHER_TERRITORY: (dunkerque_project, CHEFS_THERE), OTHER_ORGANISATION: (make_project, CHEFS_HERE)}
OPERATIONS = {
    OTHER_TERRITORY: (dunkerque_operation, CHEFS_THERE),
    OTHER_ORGANISATION: (association_operation, CHEFS_HERE),
}


def _project_data(qpv, owner):
    return lambda w: {"name": "Projet (matrice)", "qpv": qpv(w).pk, "interest": "regional", "owner": owner(w).pk}


def _cases():
    cases = []
    for url, data in (
        ("renewal:operation_create", _operation_data("agglo")),
        ("renewal:rehousing_add", REHOUSING),
        ("renewal:insertion_add", INSERTION),
    ):
        for scenario, (factory, allowed) in PROJECTS.items():
            cases.append(write(url, scenario, allowed, args=_pk(factory), data=data))
    for url, args, data in (
        ("renewal:operation_edit", _pk, _edit_data),
        ("renewal:milestone_add", _pk, lambda f: MILESTONE),
        ("renewal:funding_add", _pk, lambda f: FUNDING),
        ("renewal:milestone_edit", _milestone, lambda f: MILESTONE),
    ):
        for scenario, (factory, allowed) in OPERATIONS.items():
            cases.append(write(url, scenario, allowed, args=args(factory), data=data(factory)))
        cases.append(
            write(
                url,
                OTHER_TERRITORY,
                CHEFS_THERE,
                args=args(dunkerque_operation_of_bailleur),
                data=data(dunkerque_operation_of_bailleur),
                label=f"{url} [autre_territoire] (opération du bailleur à Dunkerque)",
            )
        )
        cases += not_applicable(
            url, ELEVATION, reason="Le maître d'ouvrage ne saisit que l'avancement : ni organisation ni territoire."
        )
    return cases


WRITES = [
    *_cases(),
    write(
        "renewal:project_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_project_data(lambda w: w.qpv_dunkerque, lambda w: w.orgs["cud"]),
        refused=FORM_REFUSAL,
    ),
    *not_applicable(
        "renewal:project_create",
        OTHER_ORGANISATION,
        reason="Un projet n'existe pas encore : seul son QPV (le territoire) décide qui le crée.",
    ),
    write(
        "renewal:project_create",
        ELEVATION,
        CHEFS_HERE,
        data=_project_data(lambda w: w.qpv, lambda w: w.orgs["bailleur"]),
        refused=FORM_REFUSAL,
        label="renewal:project_create [elevation] (le bailleur crée un projet dont il est porteur)",
    ),
    write(
        "renewal:project_edit",
        OTHER_TERRITORY,
        CHEFS_THERE,
        args=_pk(dunkerque_project),
        data=_project_data(lambda w: w.qpv_dunkerque, lambda w: w.orgs["cud"]),
    ),
    write(
        "renewal:project_edit",
        OTHER_ORGANISATION,
        CHEFS_HERE,
        args=_pk(make_project),
        data=_project_data(lambda w: w.qpv_beau_marais, lambda w: w.orgs["agglo"]),
    ),
    write(
        "renewal:project_edit",
        ELEVATION,
        "admin",
        args=_pk(make_project),
        data=_project_data(lambda w: w.qpv_dunkerque, lambda w: w.orgs["cud"]),
        refused=FORM_REFUSAL,
        label="renewal:project_edit [elevation] (projet de Calais déplacé sur un QPV de Dunkerque)",
    ),
    write(
        "renewal:operation_create",
        ELEVATION,
        CHEFS_HERE,
        args=_pk(make_project),
        data=_operation_data("bailleur"),
        label="renewal:operation_create [elevation] (le bailleur se crée une opération)",
    ),
    *not_applicable("renewal:rehousing_add", ELEVATION, reason=NO_RIGHTS_FIELD),
    *not_applicable("renewal:insertion_add", ELEVATION, reason=NO_RIGHTS_FIELD),
]
