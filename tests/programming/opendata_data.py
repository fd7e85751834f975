"""Granted subsidies built with the models directly (the instruction and follow-up pages are built elsewhere):
a dossier, its class-74 request, the funding with its granted amount, the convention and its payments."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from quartiers.programming import import_files
from quartiers.programming.models import Application, BudgetLine, CallFinancer, Convention, Funding, Payment
from tests.programming.helpers import make_application, setup

PREFECTURE_SIRET = "17620001200019"
AGGLO_SIRET = "20009075100013"
CARRIER_SIRETS = ["77582008700010", "31212345800019", "44298765700016"]


def subsidy(
    financer,
    carrier,
    amount,
    title="Accompagnement à la scolarité",
    nature=Convention.Nature.CASH,
    payments=((dt.date(2026, 3, 15), "avance"), (dt.date(2026, 12, 15), "solde")),
    convention=True,
):
    application = make_application(financer.call, carrier, status=Application.Status.AGREED, title=title)
    BudgetLine.objects.create(
        application=application, side="recette", account_class="74", call_financer=financer, amount=Decimal(amount)
    )
    funding = Funding.objects.create(application=application, call_financer=financer, granted_amount=Decimal(amount))
    if convention:
        signed = Convention.objects.create(
            funding=funding, signed_on=dt.date(2026, 3, 1), decision_reference="DEL-2026-042", nature=nature
        )
        for day, kind in payments:
            Payment.objects.create(convention=signed, kind=kind, amount=Decimal(amount) / 2, due_on=day)
    return funding


def fresh_setup(w):
    """helpers.setup, again when a rolled-back attempt of the write matrix took its rows away with it."""
    call = w.extra.get("call")
    if call is not None and not type(call).objects.filter(pk=call.pk).exists():
        w.extra.clear()
    return setup(w)


def granted_world(w):
    """The préfecture (with a SIRET) and the agglo (without) each grant subsidies in the Calais call; the Dunkerque
    call has one too. Returns the world."""
    fresh_setup(w)
    if "subsidies" in w.extra:
        return w
    prefecture, agglo = w.orgs["prefecture"], w.orgs["agglo"]
    prefecture.siret = PREFECTURE_SIRET
    prefecture.save()
    call = w.extra["call"]
    state = CallFinancer.objects.get(call=call, organisation=prefecture)
    agglo_financer = CallFinancer.objects.get(call=call, organisation=agglo)
    carrier, other = w.extra["carrier"], w.extra["other_carrier"]
    # get_or_create: another family's helpers (followup, instruction) may have made the Dunkerque financer already.
    dk_financer, _ = CallFinancer.objects.get_or_create(call=w.extra["call_dk"], organisation=w.orgs["cud"])
    w.extra["subsidies"] = [
        subsidy(state, carrier, "12500.50"),
        subsidy(state, other, "3000", title="Atelier sans SIRET"),  # a carrier without SIRET: not publishable
        subsidy(agglo_financer, carrier, "4000", title="Chantier éducatif"),  # the agglo has no SIRET
        subsidy(state, carrier, "800", title="Action sans convention", convention=False),
        subsidy(dk_financer, carrier, "2000", title="Action à Dunkerque"),
    ]
    return w


def prefecture_file_args(w):
    granted_world(w)
    return [w.orgs["prefecture"].pk, 2026]


IMPORT_FILE = Path(__file__).parent / "files" / "programmation-2019-cp1252.csv"


def pending_file(w, owner="chef", contract="calais_contract"):
    """An uploaded programming file waiting for its mapping (as the upload step leaves it), owned by `owner`."""
    fresh_setup(w)
    return [import_files.save(w.users[owner], w.extra[contract], IMPORT_FILE.name, IMPORT_FILE.read_bytes())]


def mapping_post(w, action="importer"):
    return {
        "col_annee": "Année",
        "col_porteur": "Porteur",
        "col_siret": "SIRET",
        "col_intitule": "Intitulé de l'action",
        "col_statut": "Statut",
        "financer_1": w.orgs["prefecture"].pk,
        "financer_col_1": "Montant État (€)",
        "action": action,
    }
