"""Permission matrix of the instruction pages: the call's instructors (the Calais chef de projet) and the members of
its financers (the préfecture's délégué du préfet, the agglo) read them; the carrier, the readers, the chef de projet
of another territory do not. Writes: the instructors; an opinion also by the financer's own members."""

from quartiers.programming.workflow import Status
from tests.permission_matrix import LOGIN, Case, expect
from tests.programming.instruction_helpers import criterion, dossier, dunkerque_dossier, financers

READERS = expect(LOGIN, 403, 403, 403, 200, 200, delegue=200, animateur=403)
INSTRUCTORS = expect(LOGIN, 403, 403, 403, 302, 302, delegue=403, animateur=403)
OPINION = expect(LOGIN, 403, 403, 403, 302, 302, delegue=302, animateur=403)
THERE = expect(LOGIN, 403, 403, 200, 403, 200, delegue=403, animateur=403)


def _call(w):
    return [financers(w)[0].call_id]


def _app(w):
    return [dossier(w).pk]


def _criterion(w):
    _call(w)
    return [criterion(w.extra["call"]).pk]


def _scores(w):
    return {f"score-{criterion(w.extra['call']).pk}": "3", f"comment-{criterion(w.extra['call']).pk}": "Solide"}


CASES = [
    Case("programming:instruction_list", READERS, args=_call),
    Case("programming:instruction_list", READERS, args=_call, query="?status=en_instruction&pillar=x&qpv=1"),
    Case("programming:instruction_grid", READERS, args=_call),
    Case("programming:criterion_add", INSTRUCTORS, args=_call, method="post", data={"label": "Public", "weight": "2"}),
    Case(
        "programming:criterion_edit", INSTRUCTORS, args=_criterion, method="post", data={"label": "Lien", "weight": 3}
    ),
    Case("programming:instruction_detail", READERS, args=_app),
    Case("programming:instruction_detail", THERE, args=lambda w: [dunkerque_dossier(w).pk], label="dossier Dunkerque"),
    Case("programming:instruction_assess", INSTRUCTORS, args=_app, method="post", data=_scores),
    Case(
        "programming:instruction_opinion",
        OPINION,
        args=lambda w: [dossier(w).pk, financers(w)[0].pk],
        method="post",
        data={"opinion": "favorable", "proposed_amount": "550,50", "comment": "Action utile"},
    ),
    Case(
        "programming:instruction_transition",
        INSTRUCTORS,
        args=lambda w: [dossier(w).pk, "record_opinions"],
        method="post",
    ),
    Case(
        "programming:instruction_transition",
        INSTRUCTORS,
        args=lambda w: [dossier(w, status=Status.SUBMITTED).pk, "start_instruction"],
        method="post",
        label="mettre en instruction",
    ),
    Case(
        "programming:instruction_request",
        INSTRUCTORS,
        args=_app,
        method="post",
        data={"message": "Merci de joindre le budget de la structure."},
    ),
]
