"""core/dataversions.py: every table of a watched app carries the triggers, and any write to it — save, delete,
QuerySet.update, bulk_create, a many-to-many link, raw SQL — gives the app a new token in the writer's
transaction, while a write rolled back leaves the token as it was. Run on both engines by the CI."""

import pytest
from django.db import connection, transaction

from quartiers.core import dataversions
from quartiers.gup.models import Report
from quartiers.network.models import Network
from tests.gup import helpers as gup


def token(app):
    return dataversions.tokens([app]).partition("=")[2]


def _trigger_count():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(DISTINCT tgrelid) FROM pg_trigger WHERE tgname LIKE 'dv\\_%%'")
        else:
            cursor.execute(
                "SELECT count(DISTINCT tbl_name) FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'dv\\_%' ESCAPE '\\'"
            )
        return cursor.fetchone()[0]


def test_every_table_of_the_watched_apps_is_watched(db):
    tables = dataversions.watched_tables()
    assert {"gup", "network", "contracts", "resources", "renewal", "accounts"} <= set(dataversions.WATCHED)
    assert "network_network_communes" in tables  # many-to-many tables too
    assert _trigger_count() == len(tables)


def test_install_is_idempotent(db):
    dataversions.install()
    dataversions.install()
    assert _trigger_count() == len(dataversions.watched_tables())


def test_each_kind_of_write_changes_the_token(world):
    seen = [token("network")]

    def changed():
        seen.append(token("network"))
        return seen[-1] != seen[-2]

    network = Network.objects.create(slug="n1", name="Réseau 1")
    assert changed()
    Network.objects.filter(pk=network.pk).update(name="Réseau un")  # no signal
    assert changed()
    Network.objects.bulk_create([Network(slug="n2", name="Réseau 2")])
    assert changed()
    network.communes.add(world.calais)
    assert changed()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE network_network SET name = %s WHERE slug = %s", ["Réseau brut", "n2"])
    assert changed()
    Network.objects.filter(slug="n2").delete()
    assert changed()
    assert token("gup") == token("gup")  # another app's token is left alone


def test_a_write_rolled_back_leaves_the_token(world):
    before = token("network")
    with pytest.raises(RuntimeError), transaction.atomic():
        Network.objects.create(slug="annule", name="Annulé")
        raise RuntimeError
    assert token("network") == before


def test_reading_changes_nothing(world):
    before = token("gup")
    list(Report.objects.all())
    gup.report(world)
    after_write = token("gup")
    assert after_write != before
    list(Report.objects.all())
    assert token("gup") == after_write
