"""Permission matrix of the follow-up pages (conventions and payments, payments due, multi-year views).

Extra actors as extra cases: the carrier of another structure (the bailleur facing the association's dossier), a
financer outside the call (the préfecture facing the Dunkerque call, which it does not fund), the chef de projet of
another territory (Dunkerque's, facing a Calais dossier — and the Calais chef facing a Dunkerque one)."""

from tests.permission_matrix import LOGIN, Case, expect
from tests.programming.followup_helpers import agreed_application, setup
from tests.programming.helpers import make_application

# Whoever sees a Calais dossier of the bailleur: its members, the call's instructors, its financers' members.
DOSSIER_READERS = expect(LOGIN, 403, 200, 403, 200, 200, delegue=200, animateur=403)


def calais_dossier(world):
    app, _ = agreed_application(world)
    return [app.pk]


def other_structure_dossier(world):
    app, _ = agreed_application(world, carrier=setup(world).extra["other_carrier"])
    return [app.pk]


def dunkerque_dossier(world):
    app = make_application(setup(world).extra["call_dk"], world.extra["other_carrier"], status="paye")
    return [app.pk]


def calais_call(world):
    agreed_application(world)
    return [world.extra["call"].pk]


def carrier_with_a_dossier(world):
    agreed_application(world)
    return [world.extra["carrier"].pk]


CASES = [
    Case("programming:followup", args=calais_dossier, expect=DOSSIER_READERS),
    Case(
        "programming:followup",
        args=other_structure_dossier,
        expect=expect(LOGIN, 403, 403, 403, 200, 200, delegue=200, animateur=403),
        label="programming:followup — dossier d'une autre structure",
    ),
    Case(
        "programming:followup",
        args=dunkerque_dossier,
        expect=expect(LOGIN, 403, 403, 200, 403, 200),
        label="programming:followup — dossier de Dunkerque (autre territoire, financeur hors appel)",
    ),
    Case(
        "programming:followup_due",
        args=calais_call,
        expect=expect(LOGIN, 403, 403, 403, 200, 200),
    ),
    Case(
        "programming:carrier_years",
        args=carrier_with_a_dossier,
        expect=expect(LOGIN, 403, 200, 200, 200, 200, delegue=200, animateur=403),
    ),
    Case("programming:renewal_chain", args=calais_dossier, expect=DOSSIER_READERS),
    Case(
        "programming:renewal_chain",
        args=dunkerque_dossier,
        expect=expect(LOGIN, 403, 403, 200, 403, 200),
        label="programming:renewal_chain — action de Dunkerque",
    ),
]

# The forms of the follow-up and bilan pages answer POST only (their write cases: writes_followup.py,
# writes_bilans.py): a GET is refused to everyone before anything is read.
POST_ONLY = expect(405, 405, 405, 405, 405, 405, delegue=405, animateur=405)
CASES += [
    Case(name, args=[1], expect=POST_ONLY, label=f"{name} — GET refusé (formulaire en POST)")
    for name in (
        "programming:followup_convention",
        "programming:followup_payment_add",
        "programming:followup_payment_paid",
        "programming:followup_sign",
        "programming:report_close",
        "programming:report_file",
        "programming:report_qpv",
        "programming:report_save",
    )
]
