"""The write matrix: every URL that accepts a write × every role of tests/world.py.

Each app lists its write cases in `tests/<app>/writes.py` as `WRITES = [...]`. The runner
(tests/test_write_matrix.py) sends each request as every role of `tests.world.ROLES`:

- a role not in `allowed` is refused (403/404, the login page for anonyme) and the database is
  unchanged (every table: row count and a hash of every row);
- every allowed role gets the same request through, and the database changes (the payload is valid,
  so a refusal is really the policy);
- the allowed role's request without a CSRF token is refused (403) and changes nothing.

Every write URL states the three attacks of issue 12, or why one makes no sense for it:

    write("renewal:operation_edit", OTHER_TERRITORY, "autre_chef admin", args=_calais_operation, data={...}),
    not_applicable("accounts:logout", ELEVATION, "La déconnexion ne touche aucun droit."),

A URL with no write case must answer 405 to a POST (tests/test_write_matrix.py proves it), so a new
write URL fails the suite until it has its cases.
"""

from dataclasses import dataclass
from typing import Any

NOMINAL = "nominal"
OTHER_TERRITORY = "autre_territoire"
OTHER_ORGANISATION = "autre_organisation"
ELEVATION = "elevation"
ATTACKS = (OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION)


@dataclass
class Write:
    url_name: str
    scenario: str
    allowed: frozenset
    args: Any = ()
    data: Any = None
    label: str = ""
    content_type: str | None = None
    # Form pages may refuse a forbidden choice by showing the form again (200) with the French error.
    refused: tuple = (403, 404)
    # Some writes land outside the database (an uploaded file waiting for its column mapping): say where.
    writes_outside_db: str = ""

    def __str__(self):
        return self.label or f"{self.url_name} [{self.scenario}]"


@dataclass
class NotApplicable:
    url_name: str
    scenario: str
    reason: str


def write(url_name, scenario, allowed, **kwargs):
    """`allowed` is a space-separated list of roles ("chef admin"); "" means nobody."""
    return Write(url_name, scenario, frozenset(allowed.split()), **kwargs)


def not_applicable(url_name, *scenarios, reason):
    return [NotApplicable(url_name, scenario, reason) for scenario in scenarios]
