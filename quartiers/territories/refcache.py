"""What depends only on the reference data (QPVs, communes, indicators, outlines), cached per data version.

The reference data changes only by import (and the rare edit): `bump()` gives it a new version token,
called at the end of every import service, by `outlines_changed`, and on every save / delete of a territory
model (connected in `apps.py`). Cached values are keyed by that token, read from the database (one query), so
every process drops its stale entries at once; entries also expire after `TIMEOUT` as a safety net.

Only public data may be cached this way: the same answer for every user (the territories' models are public).
"""

import functools
import uuid

from django.db import connection

from quartiers.core import dataversions
from quartiers.territories.models import Commune, ReferenceVersion

TIMEOUT = 3600  # seconds


def version():
    # Plain SQL: pages ask it at every request, and the ORM's query building cost ten times the query.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {ReferenceVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return (row[0] if row else None) or "0"


def bump(**_signal_kwargs):
    token = uuid.uuid4().hex
    if not ReferenceVersion.objects.filter(pk=1).update(token=token):
        ReferenceVersion.objects.update_or_create(pk=1, defaults={"token": token})


def bumps_version(func):
    """Decorator for an import service: the data version changes when it returns (inside its transaction)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        bump()
        return result

    return wrapper


def cached(name, parts, build, token=None):
    """`build()` once per data version and `parts` (anything with a stable repr: the query string…)."""
    return dataversions.cached(f"territories:{name}", (token or version(), parts), build, TIMEOUT)


def epci_communes(siren):
    """The INSEE codes of an EPCI's communes: the rights on a contract ask them on every page."""
    codes = Commune.objects.filter(epci_id=siren).values_list("insee", flat=True)
    return cached("epci_communes", siren, lambda: list(codes))
