"""Permission matrix of the bilan page (the write URLs are in writes_bilans.py)."""

from tests.permission_matrix import LOGIN, Case, expect
from tests.programming.followup_helpers import agreed_application
from tests.programming.matrix_followup import DOSSIER_READERS, dunkerque_dossier, other_structure_dossier


def paid_dossier(world):
    app, _ = agreed_application(world, status="paye")
    return [app.pk]


CASES = [
    Case("programming:report", args=paid_dossier, expect=DOSSIER_READERS),
    Case(
        "programming:report",
        args=other_structure_dossier,
        expect=expect(LOGIN, 403, 403, 403, 200, 200, delegue=200, animateur=403),
        label="programming:report — dossier d'une autre structure",
    ),
    Case(
        "programming:report",
        args=dunkerque_dossier,
        expect=expect(LOGIN, 403, 403, 200, 403, 200),
        label="programming:report — dossier de Dunkerque (autre territoire, financeur hors appel)",
    ),
]
