"""Test helpers of the programming: a Calais call for projects (and a Dunkerque one) on tests/world.py,
with a carrier whose members are the world's partner accounts (the bailleur), and a second structure
with its own partner."""

import datetime as dt
from decimal import Decimal

from quartiers.accounts.models import Organisation
from quartiers.contracts.models import Contract, Objective, Pillar
from quartiers.programming.models import Application, BudgetLine, Call, CallFinancer, Carrier
from tests.factories import MembershipFactory, OrganisationFactory

VALID_SIRET = "73282932000074"  # a real-format SIRET with a correct Luhn key
LA_POSTE_SIRET = "35600000000048"  # La Poste: the sum of digits is a multiple of 5, not the Luhn key


def make_call(contract, title="Appel à projets 2026", **dates):
    defaults = {
        "opens_on": dt.date(2025, 10, 1),
        "closes_on": dt.date(2025, 11, 30),
        "technical_committee_on": dt.date(2026, 1, 15),
        "steering_committee_on": dt.date(2026, 2, 10),
    }
    return Call.objects.create(contract=contract, year=2026, title=title, **{**defaults, **dates})


def setup(world):
    """The programming objects of the tests on the world (idempotent: a matrix case may call it again)."""
    if "call" in world.extra:
        return world
    calais = Contract.objects.create(
        generation="2024-2030", name="Grand Calais (test)", departement=world.pas_de_calais, epci=world.grand_calais
    )
    calais.qpvs.add(world.qpv, world.qpv_beau_marais)
    dunkerque = Contract.objects.create(
        generation="2024-2030", name="Dunkerque (test)", departement=world.nord, epci=world.dunkerque_cu
    )
    dunkerque.qpvs.add(world.qpv_dunkerque)
    pillar = Pillar.objects.create(contract=calais, title="Cohésion sociale")
    objective = Objective.objects.create(pillar=pillar, title="Accès aux droits")
    call = make_call(calais)
    state = CallFinancer.objects.create(call=call, organisation=world.orgs["prefecture"], envelope=Decimal("50000"))
    CallFinancer.objects.create(call=call, organisation=world.orgs["agglo"], envelope=Decimal("30000"))
    call_dk = make_call(dunkerque, title="Appel à projets Dunkerque 2026")
    carrier = Carrier.objects.create(
        name="Bailleur social (porteur)",
        kind=Carrier.Kind.LANDLORD,
        siret=VALID_SIRET,
        organisation=world.orgs["bailleur"],
    )
    other_org = OrganisationFactory(name="Association voisine (test)", kind=Organisation.Kind.ASSOCIATION)
    other_member = MembershipFactory(
        organisation=other_org, role="partenaire", scope_level="epci", scope_code="200090751"
    ).user
    other_carrier = Carrier.objects.create(
        name="Association voisine", kind=Carrier.Kind.ASSOCIATION, organisation=other_org
    )
    world.extra.update(
        calais_contract=calais,
        dunkerque_contract=dunkerque,
        objective=objective,
        call=call,
        call_dk=call_dk,
        state_financer=state,
        carrier=carrier,
        other_carrier=other_carrier,
        other_member=other_member,
    )
    return world


def make_application(call, carrier, status=Application.Status.DRAFT, title="Atelier d'accès aux droits"):
    return Application.objects.create(call=call, carrier=carrier, title=title, status=status)


def balance(application, expenses=Decimal("1000"), income=None, call_financer=None):
    BudgetLine.objects.create(application=application, side="depense", account_class="64", amount=expenses)
    BudgetLine.objects.create(
        application=application,
        side="recette",
        account_class="74",
        financer="etat_147",
        call_financer=call_financer,
        amount=expenses if income is None else income,
    )
