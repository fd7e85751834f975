"""Matrix of the carrier's space: a carrier reaches its own dossiers only; the call's instructors and its
financers read them; another structure's dossier answers 404."""

from tests.permission_matrix import LOGIN, Case, expect
from tests.programming import space

# The bailleur's Calais dossier: its members, the Calais chef (instructs), the préfecture (financer), the admin.
SEES_MINE = expect(LOGIN, 404, 200, 404, 200, 200, delegue=200, animateur=404)
CHANGES_MINE = expect(LOGIN, 404, 200, 404, 200, 200, delegue=403, animateur=404)
# Another structure's Calais dossier: the bailleur's partner does not see it.
SEES_THEIRS = expect(LOGIN, 404, 404, 404, 200, 200, delegue=200, animateur=404)
CONTRIBUTORS = expect(LOGIN, 403, 200, 200, 200, 200)


def _mine(w):
    return [space.mine(w).pk]


def _theirs(w):
    return [space.theirs(w).pk]


CASES = [
    Case("programming:application_create", CONTRIBUTORS, args=lambda w: [space.open_call(w).pk]),
    Case("programming:application_detail", SEES_MINE, args=_mine),
    Case("programming:application_detail", SEES_THEIRS, args=_theirs, label="dossier d'une autre structure"),
    Case(
        "programming:application_detail",
        expect(LOGIN, 404, 200, 200, 404, 200, delegue=404, animateur=404),
        args=lambda w: [space.dunkerque(w).pk],
        label="dossier du bailleur à Dunkerque",
    ),
    Case("programming:application_edit", CHANGES_MINE, args=_mine),
    Case(
        "programming:application_edit",
        expect(LOGIN, 404, 404, 404, 200, 200, delegue=403, animateur=404),
        args=_theirs,
        label="modifier le dossier d'une autre structure",
    ),
    Case("programming:application_budget", CHANGES_MINE, args=_mine),
    Case(
        "programming:application_budget",
        expect(LOGIN, 404, 404, 404, 200, 200, delegue=403, animateur=404),
        args=_theirs,
        label="budget du dossier d'une autre structure",
    ),
    Case("programming:attachment_add", CHANGES_MINE, args=_mine),
    Case("programming:attachment_download", SEES_MINE, args=lambda w: [space.attachment(w).pk]),
]

# The two POST-only URLs (their write cases are in writes_applications.py).
CASES += [
    Case(
        "programming:application_submit",
        expect(LOGIN, 404, 302, 404, 403, 302, delegue=403, animateur=404),
        args=_mine,
        method="post",
    ),
    Case(
        "programming:application_renew",
        expect(LOGIN, 403, 302, 404, 403, 302, delegue=403, animateur=403),
        args=lambda w: [space.open_call(w).pk],
        method="post",
        data=lambda w: {"previous": space.last_year(w).pk},
    ),
]
