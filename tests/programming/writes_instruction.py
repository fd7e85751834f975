"""Write cases of the instruction pages (tests/write_matrix.py): the Calais call's dossiers (instructed by the Calais
chef de projet, opinions also by the préfecture's délégué), a Dunkerque dossier (another territory), another
structure's dossier in Calais, and an opinion given for a financer one does not belong to (elevation)."""

from quartiers.programming.models import CallFinancer
from quartiers.programming.workflow import Status
from tests.programming.instruction_helpers import criterion, dossier, dunkerque_dossier, financers
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

HERE = "chef admin"
THERE = "autre_chef admin"
NO_RIGHTS = "Le formulaire ne porte ni rôle, ni organisation, ni territoire : rien qui élève des droits."


def _other_org_app(w):
    dossier(w)
    return dossier(w, carrier=w.extra["other_carrier"], title="Action de l'association voisine")


def _dk_call(w):
    return dunkerque_dossier(w).call


def _scores_for(app):
    c = criterion(app.call)
    return {f"score-{c.pk}": "4", f"comment-{c.pk}": "Bien ancré"}


def _dk_cf(app):
    return CallFinancer.objects.get(call=app.call)


OPINION = {"opinion": "reserve", "proposed_amount": "300,00", "comment": "À revoir"}
MESSAGE = {"message": "Merci de préciser le public visé."}

WRITES = [
    write(
        "programming:criterion_add", OTHER_TERRITORY, THERE, args=lambda w: [_dk_call(w).pk], data={"label": "Public"}
    ),
    write(
        "programming:criterion_add",
        OTHER_ORGANISATION,
        HERE,
        args=lambda w: [financers(w)[0].call_id],
        data={"label": "Public en QPV", "weight": "3"},
    ),
    *not_applicable("programming:criterion_add", ELEVATION, reason=NO_RIGHTS),
    write(
        "programming:criterion_edit",
        OTHER_TERRITORY,
        THERE,
        args=lambda w: [criterion(_dk_call(w)).pk],
        data={"label": "Partenariats", "weight": "2"},
    ),
    write(
        "programming:criterion_edit",
        OTHER_ORGANISATION,
        HERE,
        args=lambda w: [criterion(financers(w)[0].call).pk],
        data={"delete": "1"},
        label="criterion_edit supprimer",
    ),
    *not_applicable("programming:criterion_edit", ELEVATION, reason=NO_RIGHTS),
    write(
        "programming:instruction_assess",
        OTHER_TERRITORY,
        THERE,
        args=lambda w: [dunkerque_dossier(w).pk],
        data=lambda w: _scores_for(dunkerque_dossier(w)),
    ),
    write(
        "programming:instruction_assess",
        OTHER_ORGANISATION,
        HERE,
        args=lambda w: [_other_org_app(w).pk],
        data=lambda w: _scores_for(_other_org_app(w)),
    ),
    *not_applicable("programming:instruction_assess", ELEVATION, reason=NO_RIGHTS),
    write(
        "programming:instruction_opinion",
        OTHER_TERRITORY,
        THERE,
        args=lambda w: [dunkerque_dossier(w).pk, _dk_cf(dunkerque_dossier(w)).pk],
        data=OPINION,
    ),
    write(
        "programming:instruction_opinion",
        OTHER_ORGANISATION,
        "chef admin delegue",
        args=lambda w: [_other_org_app(w).pk, financers(w)[0].pk],
        data=OPINION,
    ),
    # The préfecture's délégué gives the préfecture's opinion, never the agglo's.
    write(
        "programming:instruction_opinion",
        ELEVATION,
        HERE,
        args=lambda w: [dossier(w).pk, financers(w)[1].pk],
        data=OPINION,
    ),
    write(
        "programming:instruction_transition",
        OTHER_TERRITORY,
        THERE,
        args=lambda w: [dunkerque_dossier(w).pk, "record_opinions"],
    ),
    write(
        "programming:instruction_transition",
        OTHER_ORGANISATION,
        HERE,
        args=lambda w: [_other_org_app(w).pk, "record_opinions"],
    ),
    # The carrier's own transition (« déposer ») is not the instructor's to run from this page.
    write(
        "programming:instruction_transition",
        ELEVATION,
        "admin",
        args=lambda w: [dossier(w, status=Status.DRAFT).pk, "submit"],
    ),
    write(
        "programming:instruction_request",
        OTHER_TERRITORY,
        THERE,
        args=lambda w: [dunkerque_dossier(w).pk],
        data=MESSAGE,
    ),
    write(
        "programming:instruction_request", OTHER_ORGANISATION, HERE, args=lambda w: [_other_org_app(w).pk], data=MESSAGE
    ),
    *not_applicable("programming:instruction_request", ELEVATION, reason=NO_RIGHTS),
]
