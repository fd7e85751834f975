from datetime import date
from decimal import Decimal

from quartiers.renewal.models import FundingLine, Milestone, Operation, Project


def make_project(w, name="Projet de test", qpv=None):
    project = Project.objects.create(
        name=name, qpv=qpv or w.qpv_beau_marais, contrat=w.contrat, interest="national", owner=w.orgs["agglo"]
    )
    demolition = Operation.objects.create(
        project=project,
        family="demolition",
        title="Démolition test",
        maitre_ouvrage=w.orgs["bailleur"],
        housing_units=100,
        cost=Decimal("3000000"),
        status="livree",
        progress=100,
    )
    Operation.objects.create(
        project=project,
        family="reconstitution",
        title="Reconstitution dans le QPV",
        maitre_ouvrage=w.orgs["bailleur"],
        housing_units=30,
        inside_qpv=True,
        status="en_cours",
    )
    Operation.objects.create(
        project=project,
        family="reconstitution",
        title="Reconstitution hors QPV",
        maitre_ouvrage=w.orgs["bailleur"],
        housing_units=50,
        inside_qpv=False,
        status="engagee",
    )
    Operation.objects.create(
        project=project,
        family="reconstitution",
        title="Reconstitution abandonnée",
        maitre_ouvrage=w.orgs["bailleur"],
        housing_units=999,
        inside_qpv=False,
        status="abandonnee",
    )
    Operation.objects.create(
        project=project,
        family="requalification",
        title="Requalification test",
        maitre_ouvrage=w.orgs["bailleur"],
        housing_units=80,
        status="prevue",
        commitment_deadline=date(2027, 1, 31),
    )
    Milestone.objects.create(
        operation=demolition, label="Démarrage", planned_date=date(2020, 1, 1), actual_date=date(2020, 3, 1)
    )
    FundingLine.objects.create(
        operation=demolition,
        financer="anru",
        amount=Decimal("1000000"),
        committed=Decimal("1000000"),
        paid=Decimal("400000"),
    )
    return project


def first_operation(w):
    return make_project(w).operations.get(family="demolition")


def first_milestone(w):
    return first_operation(w).milestones.get()
