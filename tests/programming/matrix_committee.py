"""Permission matrix of the committee pages: the table and its exports for the call's instructors and financers;
decisions and notification letters for its instructors only."""

from quartiers.programming.workflow import Status
from tests.permission_matrix import LOGIN, Case, expect
from tests.programming.instruction_helpers import decided, dossier, financers

READERS = expect(LOGIN, 403, 403, 403, 200, 200, delegue=200, animateur=403)
INSTRUCTORS = expect(LOGIN, 403, 403, 403, 200, 200, delegue=403, animateur=403)
DECIDE = expect(LOGIN, 403, 403, 403, 302, 302, delegue=403, animateur=403)


def _call(w):
    dossier(w, status=Status.OPINIONS)
    return [financers(w)[0].call_id]


def _decision(w):
    app = dossier(w, status=Status.OPINIONS, title="Dossier à décider")
    state, agglo = financers(w)
    return {
        f"decision-{app.pk}": "accept",
        f"granted-{app.pk}-{state.pk}": "500,50",
        f"granted-{app.pk}-{agglo.pk}": "",
    }


def _letter(w):
    app = decided(w)
    return [app.call_id, app.carrier_id]


CASES = [
    Case("programming:committee_table", READERS, args=_call),
    Case("programming:committee_table", READERS, args=_call, query="?format=xlsx", label="export XLSX"),
    Case("programming:committee_table", READERS, args=_call, query="?format=csv", label="export CSV"),
    Case("programming:committee_decisions", INSTRUCTORS, args=_call),
    Case("programming:committee_decisions", DECIDE, args=_call, method="post", data=_decision),
    Case("programming:committee_letter", INSTRUCTORS, args=_letter),
]
