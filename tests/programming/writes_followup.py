"""Write matrix of the follow-up pages: conventions, payment schedules, payments, « conventionné »."""

from decimal import Decimal

from quartiers.programming.models import CallFinancer, Convention, Payment
from tests.programming.followup_helpers import agreed_application, granted_application, setup
from tests.programming.helpers import balance, make_application
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

NO_RIGHTS = (
    "Ces formulaires ne portent que des dates, des montants et des références : aucun rôle, organisation ni territoire."
)


def _dunkerque_granted(world, status="accepte"):
    """A Dunkerque dossier of the association, funded by the CU de Dunkerque (a financer of that call only)."""
    setup(world)
    financer, _ = CallFinancer.objects.get_or_create(call=world.extra["call_dk"], organisation=world.orgs["cud"])
    app = make_application(world.extra["call_dk"], world.extra["other_carrier"], status=status)
    balance(app, expenses=Decimal("1000"), call_financer=financer)
    return app, app.fundings.create(call_financer=financer, granted_amount=Decimal("800"))


def _convention_data(world):
    funding = world.extra["_funding"]
    return {
        f"c{funding.pk}-signed_on": "01/03/2026",
        f"c{funding.pk}-decided_on": "10/02/2026",
        f"c{funding.pk}-decision_reference": "AP-2026-01",
        f"c{funding.pk}-terms": "echelonne",
        f"c{funding.pk}-nature": "aide_numeraire",
    }


def _funding(kind):
    def args(world):
        if kind == "calais":
            _app, funding = granted_application(world)
        elif kind == "other_org":
            _app, funding = granted_application(world, carrier=setup(world).extra["other_carrier"])
        else:
            _app, funding = _dunkerque_granted(world)
        world.extra["_funding"] = funding
        return [funding.pk]

    return args


def _convention(kind):
    def args(world):
        if kind == "dunkerque":
            _app, funding = _dunkerque_granted(world, status="conventionne")
            convention = Convention.objects.create(funding=funding, signed_on="2026-03-01")
        else:
            carrier = setup(world).extra["other_carrier"] if kind == "other_org" else None
            _app, convention = agreed_application(world, carrier=carrier, payments=False)
        world.extra["_convention"] = convention
        return [convention.pk]

    return args


def _payment_data(world):
    prefix = f"p{world.extra['_convention'].funding_id}"
    return {f"{prefix}-kind": "avance", f"{prefix}-amount": "400,00", f"{prefix}-due_on": "15/03/2026"}


def _payment(kind):
    def args(world):
        convention = Convention.objects.get(pk=_convention(kind)(world)[0])
        return [Payment.objects.create(convention=convention, kind="avance", amount=100, due_on="2026-03-15").pk]

    return args


def _dossier(kind):
    def args(world):
        if kind == "dunkerque":
            app, funding = _dunkerque_granted(world)
        else:
            carrier = setup(world).extra["other_carrier"] if kind == "other_org" else None
            app, funding = granted_application(world, carrier=carrier)
        Convention.objects.create(funding=funding, signed_on="2026-03-01")
        return [app.pk]

    return args


PAID = {"paid_on": "20/03/2026", "reference": "MDT-1"}

WRITES = [
    write("programming:followup_convention", "nominal", "chef admin", args=_funding("calais"), data=_convention_data),
    write(
        "programming:followup_convention",
        OTHER_TERRITORY,
        "autre_chef admin",
        args=_funding("dunkerque"),
        data=_convention_data,
    ),
    write(
        "programming:followup_convention",
        OTHER_ORGANISATION,
        "chef admin",
        args=_funding("other_org"),
        data=_convention_data,
    ),
    *not_applicable("programming:followup_convention", ELEVATION, reason=NO_RIGHTS),
    write("programming:followup_payment_add", "nominal", "chef admin", args=_convention("calais"), data=_payment_data),
    write(
        "programming:followup_payment_add",
        OTHER_TERRITORY,
        "autre_chef admin",
        args=_convention("dunkerque"),
        data=_payment_data,
    ),
    write(
        "programming:followup_payment_add",
        OTHER_ORGANISATION,
        "chef admin",
        args=_convention("other_org"),
        data=_payment_data,
    ),
    *not_applicable("programming:followup_payment_add", ELEVATION, reason=NO_RIGHTS),
    write("programming:followup_payment_paid", "nominal", "chef admin", args=_payment("calais"), data=PAID),
    write(
        "programming:followup_payment_paid", OTHER_TERRITORY, "autre_chef admin", args=_payment("dunkerque"), data=PAID
    ),
    write("programming:followup_payment_paid", OTHER_ORGANISATION, "chef admin", args=_payment("other_org"), data=PAID),
    *not_applicable("programming:followup_payment_paid", ELEVATION, reason=NO_RIGHTS),
    write("programming:followup_sign", "nominal", "chef admin", args=_dossier("calais"), data={}),
    write("programming:followup_sign", OTHER_TERRITORY, "autre_chef admin", args=_dossier("dunkerque"), data={}),
    write("programming:followup_sign", OTHER_ORGANISATION, "chef admin", args=_dossier("other_org"), data={}),
    *not_applicable(
        "programming:followup_sign", ELEVATION, reason="Passer un dossier en « conventionné » ne touche aucun droit."
    ),
]
