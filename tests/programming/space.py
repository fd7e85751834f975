"""Objects of the calls and carrier's-space tests (matrix, write matrix, pages): built on helpers.setup(world),
each idempotent so a case may ask for it again."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from quartiers.programming.models import Application, Attachment, Call, Carrier
from tests.programming.helpers import balance, make_application, setup


def ensure(w):
    """helpers.setup(w), again when a rolled-back savepoint (the write matrix's) took its objects away."""
    if "call" in w.extra and not Call.objects.filter(pk=w.extra["call"].pk).exists():
        w.extra.clear()
    return setup(w)


def open_call(w):
    """The Calais call, open today (calendar in order around today)."""
    ensure(w)
    today = timezone.localdate()
    Call.objects.filter(pk=w.extra["call"].pk).update(
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
        technical_committee_on=today + dt.timedelta(days=40),
        steering_committee_on=today + dt.timedelta(days=60),
    )
    w.extra["call"].refresh_from_db()
    return w.extra["call"]


def _once(w, key, build):
    cached = w.extra.get(key)
    if cached is None or not type(cached).objects.filter(pk=cached.pk).exists():
        w.extra[key] = build()
    return w.extra[key]


def mine(w):
    """The bailleur's draft in the Calais call, balanced, asking the préfecture."""
    ensure(w)

    def build():
        application = make_application(w.extra["call"], w.extra["carrier"], title="Dossier du bailleur")
        balance(application, Decimal("1000"), call_financer=w.extra["state_financer"])
        return application

    return _once(w, "mine", build)


def theirs(w):
    """The other structure's balanced draft in the Calais call."""
    ensure(w)

    def build():
        application = make_application(w.extra["call"], w.extra["other_carrier"], title="Dossier voisin")
        balance(application)
        return application

    return _once(w, "theirs", build)


def dunkerque(w):
    """The bailleur's balanced draft in the Dunkerque call."""
    ensure(w)

    def build():
        application = make_application(w.extra["call_dk"], w.extra["carrier"], title="Dossier à Dunkerque")
        balance(application)
        return application

    return _once(w, "dunkerque", build)


def dunkerque_carrier(w):
    """A structure whose only dossier is in the Dunkerque call (its instructors may correct it)."""
    ensure(w)

    def build():
        carrier = Carrier.objects.create(name="Centre social dunkerquois", kind=Carrier.Kind.ASSOCIATION)
        make_application(w.extra["call_dk"], carrier, title="Action dunkerquoise")
        return carrier

    return _once(w, "dk_carrier", build)


def last_year(w, carrier_key="carrier", call_key="call"):
    """A 2025 dossier of a structure in an earlier call of the same contract (renewable into the 2026 call)."""
    ensure(w)

    def build():
        contract = w.extra[call_key].contract
        old_call, _ = Call.objects.get_or_create(
            contract=contract,
            year=2025,
            title=f"Appel à projets 2025 ({contract.name})",
            defaults={"opens_on": dt.date(2024, 10, 1), "closes_on": dt.date(2024, 11, 30)},
        )
        application = make_application(old_call, w.extra[carrier_key], Application.Status.CLOSED, "Action 2025")
        balance(application, Decimal("800"))
        return application

    return _once(w, f"last_year_{carrier_key}_{call_key}", build)


def attachment(w):
    application = mine(w)

    def build():
        item = Attachment(application=application, label="Statuts")
        item.file.save("statuts.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
        return item

    return _once(w, "attachment", build)


def dunkerque_call(w):
    ensure(w)
    return w.extra["call_dk"]
