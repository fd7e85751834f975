"""Dossiers at the follow-up stages for the follow-up and bilan tests (on tests/programming/helpers.py)."""

import datetime as dt
from decimal import Decimal

from quartiers.programming.models import Call, Convention, Funding, Payment
from quartiers.programming.workflow import Status
from tests.programming import helpers
from tests.programming.helpers import balance, make_application

SETUP_KEYS = (
    "calais_contract",
    "dunkerque_contract",
    "objective",
    "call",
    "call_dk",
    "state_financer",
    "carrier",
    "other_carrier",
    "other_member",
)


def setup(world):
    """helpers.setup, again when a write-matrix attempt rolled back the objects it had made."""
    if "call" in world.extra and not Call.objects.filter(pk=world.extra["call"].pk).exists():
        for key in SETUP_KEYS:
            world.extra.pop(key, None)
    return helpers.setup(world)


def granted_application(world, status=Status.ACCEPTED, granted=Decimal("800"), carrier=None, title=None):
    """A dossier of the Calais call asking 1 000 € of the préfecture, granted `granted`."""
    setup(world)
    app = make_application(
        world.extra["call"],
        carrier or world.extra["carrier"],
        status=status,
        title=title or "Atelier d'accès aux droits",
    )
    balance(app, expenses=Decimal("1000"), call_financer=world.extra["state_financer"])
    funding = Funding.objects.create(
        application=app, call_financer=world.extra["state_financer"], granted_amount=granted
    )
    return app, funding


def agreed_application(world, status=Status.AGREED, carrier=None, title=None, payments=True):
    """A conventionné dossier: convention of 01/03/2026, an advance of 400 € due 15/03/2026 (and a balance)."""
    app, funding = granted_application(world, status=status, carrier=carrier, title=title)
    convention = Convention.objects.create(
        funding=funding, signed_on=dt.date(2026, 3, 1), decided_on=dt.date(2026, 2, 10), decision_reference="AP-2026-01"
    )
    if payments:
        Payment.objects.create(convention=convention, kind="avance", amount=Decimal("400"), due_on=dt.date(2026, 3, 15))
        Payment.objects.create(convention=convention, kind="solde", amount=Decimal("400"), due_on=dt.date(2026, 12, 31))
    return app, convention
