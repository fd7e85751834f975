"""Every write URL × every role: refused writes change nothing, allowed ones work, CSRF is enforced.

See tests/write_matrix.py for how cases are written.
"""

import hashlib
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import matrix_modules
from tests.test_permission_matrix import _named_urls
from tests.world import ROLES
from tests.write_matrix import ATTACKS, NotApplicable, Write


def _write_modules():
    root = Path(__file__).resolve().parent
    return [import_module(f"tests.{p.parent.name}.writes") for p in sorted(root.glob("*/writes.py"))]


ENTRIES = [entry for module in _write_modules() for entry in module.WRITES]
WRITES = [entry for entry in ENTRIES if isinstance(entry, Write)]
WRITE_URLS = {entry.url_name for entry in ENTRIES}
# Sessions are the test client's log-in, not data: a refused request may still touch its own session.
NOT_DATA = {Session}


def _params(cases):
    return [pytest.param(c, id=str(c)) for c in cases]


def _resolve(value, world):
    return value(world) if callable(value) else value


def _tables():
    """Every table of every model (auto-created M2M tables included), with its primary key columns."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if model not in NOT_DATA and meta.managed and not meta.proxy:
            tables[meta.db_table] = tuple(field.column for field in meta.pk_fields)  # several: a composite key
    return sorted(tables.items())


TABLES = _tables()


def snapshot():
    """Row count and a hash of every row (all columns, ordered by pk) of every table.

    Raw SQL: the ORM would cost ten times more, and the runner takes two snapshots per role and case."""
    state = {}
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, pk in TABLES:
            order = ", ".join(qn(column) for column in pk)
            cursor.execute(f"SELECT * FROM {qn(table)} ORDER BY {order}")  # noqa: S608 — names from the models
            rows = cursor.fetchall()
            state[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def _changed(before, after):
    return sorted(table for table in before if before[table] != after[table])


def _request(case, world):
    """The URL and body, built before the snapshot: building them may create the objects they name."""
    url = reverse(case.url_name, args=list(_resolve(case.args, world)))
    data = _resolve(case.data, world)
    return url, data if data is not None else {}


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _attempt(case, world, client):
    """Send the request in a savepoint rolled back afterwards; return (url, response, changed tables)."""
    with transaction.atomic():
        url, data = _request(case, world)
        kwargs = {"content_type": case.content_type} if case.content_type else {}
        before = snapshot()
        response = client.post(url, data, **kwargs)
        after = snapshot()
        transaction.set_rollback(True)
    return url, response, _changed(before, after)


def _is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("case", _params(WRITES))
def test_write(case, world):
    client = Client()
    for role in ROLES:
        user = world.users[role]
        if role in case.allowed:
            continue
        url, response, changed = _attempt(case, world, _as(client, user))
        refused = response.status_code in case.refused or (user is None and _is_login_redirect(response))
        assert refused, f"{role} : POST {url} → {response.status_code}, refus attendu"
        assert not changed, f"{role} : POST {url} refusé mais tables modifiées : {changed}"
    for role in (r for r in ROLES if r in case.allowed):
        user = world.users[role]
        url, response, changed = _attempt(case, world, _as(Client(enforce_csrf_checks=True), user))
        assert response.status_code == 403, f"{role} : POST {url} sans jeton CSRF → {response.status_code}"
        assert not changed, f"{role} : POST {url} sans jeton CSRF a modifié {changed}"
        url, response, changed = _attempt(case, world, _as(client, user))
        assert response.status_code < 400, f"{role} : POST {url} autorisé → {response.status_code}"
        assert changed or case.writes_outside_db, f"{role} : POST {url} autorisé n'a rien écrit (requête invalide ?)"


def test_every_write_url_states_the_three_attacks():
    stated = {(e.url_name, e.scenario) for e in ENTRIES}
    missing = sorted(f"{url} [{attack}]" for url in WRITE_URLS for attack in ATTACKS if (url, attack) not in stated)
    assert not missing, f"Attaques ni testées ni écartées (avec leur raison) : {missing}"
    assert all(e.reason.strip() for e in ENTRIES if isinstance(e, NotApplicable))


def test_write_cases_name_real_urls_and_roles():
    assert not sorted(WRITE_URLS - _named_urls()), "cas d'écriture pour une URL inconnue"
    for case in WRITES:
        assert case.allowed <= set(ROLES) | {"animateur", "delegue"}, case


READ_CASES = {}
for _case in (c for m in matrix_modules() for c in m.CASES):
    if _case.method == "get":
        READ_CASES.setdefault(_case.url_name, _case)


@pytest.mark.parametrize("url_name", sorted(_named_urls() - WRITE_URLS))
def test_url_without_write_case_refuses_post(url_name, world, login):
    """No write case means read-only, for real: the administrator's POST answers 405."""
    read = READ_CASES.get(url_name)
    assert read is not None, f"{url_name} : ni cas de lecture dans matrix.py ni cas d'écriture dans writes.py"
    client = login(world.users["admin"])
    url = reverse(url_name, args=list(_resolve(read.args, world)))
    before = snapshot()
    response = client.post(url, {})
    assert response.status_code == 405, f"POST {url} → {response.status_code} : URL d'écriture sans cas dans writes.py"
    assert not _changed(before, snapshot())
