"""Test data for contracts: built on tests/world.py (real codes, test organisations)."""

import datetime as dt
from decimal import Decimal

from quartiers.accounts.models import Organisation
from quartiers.contracts import services
from quartiers.contracts.models import Commitment, Contract, Indicator, Objective, Pillar, Signatory
from quartiers.mobilisation.catalogue import seed_measures
from quartiers.mobilisation.models import Company, Measure


def make_contract(w):
    contract, created = Contract.objects.get_or_create(
        reference=w.contrat,
        defaults={
            "generation": Contract.Generation.G2024,
            "name": "Contrat de ville de Calais (test)",
            "departement": w.pas_de_calais,
            "epci": w.grand_calais,
            "local_pilot": w.orgs["agglo"],
        },
    )
    if created:
        contract.qpvs.add(w.qpv, w.qpv_beau_marais)
        pillar = Pillar.objects.create(contract=contract, title="Emploi et développement économique", order=1)
        Pillar.objects.create(contract=contract, title="Jeunesse", cross_cutting=True)
        strategic = Objective.objects.create(pillar=pillar, level="strategique", title="Lever les freins à l'emploi")
        Objective.objects.create(pillar=pillar, parent=strategic, level="operationnel", title="Mobilité")
        Signatory.objects.create(contract=contract, organisation=w.orgs["agglo"], signed_on=dt.date(2024, 3, 1))
    return contract


def make_commitment(w, organisation=None, **extra):
    contract = make_contract(w)
    fields = {
        "kind": Commitment.Kind.SIGNATORY,
        "organisation": organisation or w.orgs["bailleur"],
        "title": extra.pop("title", "Recruter des habitants des QPV pour l'entretien"),
        "pillar": contract.pillars.first(),
    }
    fields.update(extra)
    indicator = {"label": "Recrutements", "unit": "personnes", "baseline": Decimal(0), "target": Decimal(10)}
    return services.create_commitment(None, contract, indicator=indicator, **fields)


def bailleur_commitment(w):
    return make_commitment(w)


def state_commitment(w):
    etat, _ = Organisation.objects.get_or_create(name="Préfecture (test)", defaults={"kind": "etat"})
    return make_commitment(w, organisation=etat, title="Renforcer les moyens de droit commun")


def first_indicator(commitment):
    return Indicator.objects.filter(commitment=commitment).first()


def measures():
    seed_measures()
    return {m.code: m for m in Measure.objects.all()}


def make_company(w, name="Entreprise fictive (test)"):
    org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": "entreprise"})
    company, _ = Company.objects.get_or_create(organisation=org, defaults={"commune": w.calais, "sector": "Logistique"})
    return company
