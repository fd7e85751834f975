"""The permission matrix: every URL × the eight users → the expected answer.

Each app lists its cases in `tests/<app>/matrix.py` as `CASES = [Case(...), ...]`. The test in
`tests/test_permission_matrix.py` runs every case for every role, and fails when a named URL exists
that no case covers.

    Case("territories:qpv_detail", args=lambda w: [w.qpv.code], expect=PUBLIC)
    Case("contracts:edit", args=lambda w: [make_contract(w).pk], method="post", data={...},
         expect=expect(anonyme=LOGIN, lecteur=403, partenaire=403, autre_chef=403, chef=302, admin=302))

`args` and `data` may be callables taking the World (tests/world.py); they may create the objects
the case needs. LOGIN means "redirected to the login page".
"""

from dataclasses import dataclass, field
from typing import Any

from tests.world import ROLES

LOGIN = "login"


def expect(anonyme, lecteur, partenaire, autre_chef, chef, admin, *, delegue=None, animateur=None):
    """The délégué du préfet and the resource-centre animator answer like the lecteur unless told."""
    answers = {
        "anonyme": anonyme,
        "lecteur": lecteur,
        "partenaire": partenaire,
        "delegue": lecteur if delegue is None else delegue,
        "animateur": lecteur if animateur is None else animateur,
        "autre_chef": autre_chef,
        "chef": chef,
        "admin": admin,
    }
    assert set(answers) == set(ROLES)
    return {role: answers[role] for role in ROLES}


PUBLIC = expect(200, 200, 200, 200, 200, 200)
MEMBERS = expect(LOGIN, 200, 200, 200, 200, 200)
ADMIN_ONLY = expect(LOGIN, 403, 403, 403, 403, 200)


@dataclass
class Case:
    url_name: str
    expect: dict
    args: Any = ()
    method: str = "get"
    data: Any = None
    query: str = ""
    label: str = ""
    extra: dict = field(default_factory=dict)

    def __str__(self):
        return self.label or f"{self.method.upper()} {self.url_name}"
