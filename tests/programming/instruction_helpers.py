"""Objects for the instruction and committee tests: dossiers of the Calais call with a balanced budget whose
class-74 lines ask each financer of the call (the préfecture 600 €, the agglo 400 € by default)."""

from decimal import Decimal

from quartiers.programming.models import BudgetLine, Call, CallFinancer, Criterion, Funding
from quartiers.programming.workflow import Status
from tests.programming import helpers
from tests.programming.helpers import make_application


def setup(w):
    """helpers.setup, again when the objects it noted were rolled back (the write matrix builds each attempt's
    objects in a savepoint it rolls back, while the world's notes stay)."""
    if "call" in w.extra and not Call.objects.filter(pk=w.extra["call"].pk).exists():
        w.extra.clear()
    return helpers.setup(w)


def financers(w):
    setup(w)
    call = w.extra["call"]
    return (
        CallFinancer.objects.get(call=call, organisation=w.orgs["prefecture"]),
        CallFinancer.objects.get(call=call, organisation=w.orgs["agglo"]),
    )


def dossier(w, status=Status.INSTRUCTION, title="Atelier d'accès aux droits", carrier=None, asks=("600", "400")):
    """A Calais dossier in `status` asking each financer of the call `asks` (one class-74 line each)."""
    setup(w)
    app = make_application(w.extra["call"], carrier or w.extra["carrier"], status=status, title=title)
    amounts = [Decimal(a) for a in asks]
    BudgetLine.objects.create(application=app, side="depense", account_class="64", amount=sum(amounts))
    for cf, amount in zip(financers(w), amounts, strict=True):
        BudgetLine.objects.create(
            application=app, side="recette", account_class="74", financer="autre", call_financer=cf, amount=amount
        )
    return app


def dunkerque_dossier(w, status=Status.INSTRUCTION):
    """A dossier of the Dunkerque call (another territory), whose call has the CU as financer."""
    setup(w)
    call = w.extra["call_dk"]
    cf, _ = CallFinancer.objects.get_or_create(call=call, organisation=w.orgs["cud"], defaults={"envelope": 10000})
    app = make_application(call, w.extra["carrier"], status=status, title="Action à Dunkerque")
    BudgetLine.objects.create(application=app, side="depense", account_class="64", amount=500)
    BudgetLine.objects.create(
        application=app, side="recette", account_class="74", financer="autre", call_financer=cf, amount=500
    )
    return app


def criterion(call, label="Ancrage territorial", weight=2):
    return Criterion.objects.get_or_create(call=call, label=label, defaults={"weight": weight})[0]


def decided(w, status=Status.ACCEPTED, granted=("500", "300"), **kwargs):
    """A dossier already decided, with its granted amounts."""
    app = dossier(w, status=status, **kwargs)
    for cf, amount in zip(financers(w), granted, strict=True):
        Funding.objects.create(application=app, call_financer=cf, granted_amount=Decimal(amount))
    return app
