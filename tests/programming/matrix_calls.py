"""Matrix of the calls pages and the register of carriers (the index, calls, financers, carriers)."""

from tests.permission_matrix import LOGIN, MEMBERS, Case, expect
from tests.programming import space

STEERS_HERE = expect(LOGIN, 403, 403, 403, 200, 200)  # chefs de projet of Calais, administrators
CHEFS = expect(LOGIN, 403, 403, 200, 200, 200)


def _call(w):
    return [space.ensure(w).extra["call"].pk]


def _carrier_with_calais_dossier(w):
    space.mine(w)
    return [w.extra["carrier"].pk]


CASES = [
    Case("programming:index", MEMBERS),
    Case("programming:call_detail", MEMBERS, args=_call),
    Case("programming:call_detail", MEMBERS, args=lambda w: [space.dunkerque_call(w).pk], label="appel de Dunkerque"),
    Case("programming:call_create", CHEFS),
    Case("programming:call_edit", STEERS_HERE, args=_call),
    Case(
        "programming:call_edit",
        expect(LOGIN, 403, 403, 200, 403, 200),
        args=lambda w: [space.dunkerque_call(w).pk],
        label="appel de Dunkerque : son chef de projet seulement",
    ),
    Case("programming:call_financer", STEERS_HERE, args=_call),
    Case("programming:carrier_list", MEMBERS),
    # Carriers are registered by chefs de projet and partners (their own structure).
    Case("programming:carrier_create", expect(LOGIN, 403, 200, 200, 200, 200)),
    # The bailleur's structure with a Calais dossier: its member and the call's instructors change it; the
    # préfecture (financer of the call) sees it, Dunkerque's chef sees the register only.
    Case(
        "programming:carrier_edit",
        expect(LOGIN, 404, 200, 403, 200, 200, delegue=403, animateur=404),
        args=_carrier_with_calais_dossier,
    ),
    Case(
        "programming:carrier_edit",
        expect(LOGIN, 404, 404, 403, 403, 200, delegue=404, animateur=404),
        args=lambda w: [space.ensure(w).extra["other_carrier"].pk],
        label="structure d'une autre organisation, sans dossier",
    ),
]
