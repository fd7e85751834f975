"""Write cases of the committee (tests/write_matrix.py): bulk decisions on the Calais call (its instructors), on the
Dunkerque call (another territory), on another structure's dossier; no field of the form names a right."""

from quartiers.programming.models import CallFinancer
from quartiers.programming.workflow import Status
from tests.programming.instruction_helpers import dossier, dunkerque_dossier, financers
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write


def _calais_decision(w, carrier=None):
    app = dossier(w, status=Status.OPINIONS, carrier=carrier, title="Dossier au comité")
    state, agglo = financers(w)
    return {f"decision-{app.pk}": "accept", f"granted-{app.pk}-{state.pk}": "600", f"granted-{app.pk}-{agglo.pk}": "0"}


def _dk_decision(w):
    app = dunkerque_dossier(w, status=Status.OPINIONS)
    cf = CallFinancer.objects.get(call=app.call)
    return {f"decision-{app.pk}": "accept", f"granted-{app.pk}-{cf.pk}": "250,00"}


WRITES = [
    write(
        "programming:committee_decisions",
        OTHER_TERRITORY,
        "autre_chef admin",
        args=lambda w: [dunkerque_dossier(w, status=Status.OPINIONS).call_id],
        data=_dk_decision,
    ),
    write(
        "programming:committee_decisions",
        OTHER_ORGANISATION,
        "chef admin",
        args=lambda w: [financers(w)[0].call_id],
        data=lambda w: _calais_decision(w, carrier=w.extra["other_carrier"]),
    ),
    *not_applicable(
        "programming:committee_decisions",
        ELEVATION,
        reason="Le formulaire ne porte que des décisions et des montants : ni rôle, ni organisation, ni territoire.",
    ),
]
