"""`quartiers backup` / `quartiers restore`: a round trip gives back every row of every table and every file.

Runs on the engine of the suite (SQLite, or PostgreSQL when DATABASE_URL says so, as in CI).
"""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from quartiers.core import backup
from quartiers.resources import services
from quartiers.territories.models import QPV
from tests.conftest import matrix_modules
from tests.world import build_world

# FTS5's own shadow tables hold a binary index whose layout depends on insertion history; the text they
# index is compared through resources_document_search, and the search itself is checked below.
# core_dataversion holds derived tokens that the restore's own writes renew (core/derived.py). The ranking index is
# rebuilt with new word ids: it is compared by word below (RANKING).
# sqlite_stat*: the planner's statistics, refreshed by the index rebuild.
SKIPPED_TABLES = (
    "resources_document_fts",
    "core_dataversion",
    "resources_searchposting",
    "resources_searchterm",
    "sqlite_stat",
)
RANKING = (
    "SELECT t.stem, p.document_id, p.impact, t.df FROM resources_searchposting p "
    "JOIN resources_searchterm t ON t.id = p.term_id"
)


def _populate():
    """The test world plus the objects every app's permission-matrix cases create (uploads included)."""
    # A transactional test run before this one was emptied by Django's flush, which skips SQLite's FTS5 tables
    # (not models): their rows would be counted here and, rightly, not restored.
    services.rebuild_index()
    world = build_world()
    for module in matrix_modules():
        for case in module.CASES:
            for value in (case.args, case.data):
                if callable(value):
                    value(world)
    return world


def _snapshot():
    """Every table of the database (not only the models'): its rows, sorted, as the engine returns them."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(SKIPPED_TABLES) or table == "django_migrations":
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
        cursor.execute(RANKING)
        tables["ranking index"] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return tables


def _media(root):
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _empty_everything(media_root):
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    with connection.cursor() as cursor:
        if "resources_document_search" in connection.introspection.table_names(cursor):
            cursor.execute("DELETE FROM resources_document_search")
    for file in Path(media_root).rglob("*"):
        if file.is_file():
            file.unlink()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Path(settings.MEDIA_ROOT).mkdir()
    return Path(settings.MEDIA_ROOT)


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_and_every_file(media_root, tmp_path):
    _populate()
    before, media_before = _snapshot(), _media(media_root)
    non_empty = {table for table, rows in before.items() if rows}
    # The world touches every app: a table of each must hold rows, and uploads exist.
    for app in ("accounts", "territories", "contracts", "mobilisation", "renewal", "gup", "network", "resources"):
        assert any(table.startswith(f"{app}_") for table in non_empty), app
    assert media_before, "aucun fichier déposé : le test ne prouverait rien pour les pièces jointes"

    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    _empty_everything(media_root)
    assert backup.database_is_empty()
    assert _media(media_root) == {}

    call_command("restore", str(archive), verbosity=0)

    after = _snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert len(after[table]) == len(before[table]), table
        assert after[table] == before[table], table
    assert _media(media_root) == media_before
    # The sequences follow the restored ids (PostgreSQL): a new row gets a fresh id, not a taken one.
    from tests.factories import UserFactory

    assert UserFactory().pk > max(row[0] for row in before["accounts_user"])


@pytest.mark.django_db(transaction=True)
def test_restored_search_index_finds_documents(media_root, tmp_path):
    from quartiers.resources.models import Document

    _populate()
    doc = Document.objects.order_by("pk").first()
    assert doc is not None
    word = doc.title.split()[0]
    found_before = list(Document.objects.search(word).values_list("pk", flat=True))
    assert doc.pk in found_before
    archive = tmp_path / "s.tar.gz"
    backup.backup(archive)
    _empty_everything(media_root)
    backup.restore(archive)
    assert list(Document.objects.search(word).values_list("pk", flat=True)) == found_before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_unless_forced(media_root, tmp_path):
    world = build_world()
    archive = tmp_path / "s.tar.gz"
    backup.backup(archive)
    QPV.objects.filter(pk=world.qpv.pk).update(nom="Modifié après la sauvegarde")

    with pytest.raises(CommandError, match="n'est pas vide.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert QPV.objects.get(pk=world.qpv.pk).nom == "Modifié après la sauvegarde"

    call_command("restore", str(archive), "--force", verbosity=0)
    assert QPV.objects.get(pk=world.qpv.pk).nom == world.qpv.nom


def _rewrite(archive, target, change):
    """Copies `archive` to `target`, passing each member's (name, bytes) through `change`."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_another_schema_version(media_root, tmp_path):
    build_world()
    archive, other = tmp_path / "s.tar.gz", tmp_path / "autre.tar.gz"
    backup.backup(archive)

    def older_schema(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"] = [m for m in manifest["migrations"] if not m.startswith("gup.")]
        return json.dumps(manifest).encode()

    _rewrite(archive, other, older_schema)
    _empty_everything(media_root)
    with pytest.raises(CommandError, match="autre version du schéma"):
        call_command("restore", str(other), verbosity=0)
    assert backup.database_is_empty()


@pytest.mark.django_db(transaction=True)
def test_a_broken_archive_leaves_the_database_as_it_was(media_root, tmp_path):
    world = build_world()
    archive, broken = tmp_path / "s.tar.gz", tmp_path / "abime.tar.gz"
    backup.backup(archive)
    QPV.objects.filter(pk=world.qpv.pk).update(nom="État à garder")
    before = _snapshot()

    def cut_last_table_row(name, data):
        # The QPV table loses a row: the other tables load, then the count check must roll it all back.
        if name.endswith("territories.qpv.jsonl"):
            return b"\n".join(data.strip().split(b"\n")[:-1]) + b"\n"
        return data

    _rewrite(archive, broken, cut_last_table_row)
    with pytest.raises(CommandError, match="Archive abîmée.*territories_qpv"):
        call_command("restore", str(broken), "--force", verbosity=0)
    assert _snapshot() == before

    (tmp_path / "tronque.tar.gz").write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(CommandError, match="illisible ou incomplète"):
        call_command("restore", str(tmp_path / "tronque.tar.gz"), "--force", verbosity=0)
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_an_archive_cannot_write_outside_its_folder(media_root, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../../hors.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"ko"))
    with pytest.raises(CommandError, match="sort de l'archive"):
        call_command("restore", str(evil), verbosity=0)
    assert not (tmp_path / "hors.txt").exists()


@pytest.mark.django_db(transaction=True)
def test_a_freshly_migrated_database_counts_as_empty(media_root):
    from importlib import import_module

    from django.apps import apps

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    call_command("migrate", verbosity=0)  # post_migrate: content types and permissions
    for data_migration in ("quartiers.network.migrations.0002_themes",):
        module = import_module(data_migration)
        module.Migration.operations[0].code(apps, None)
    assert backup.database_is_empty()
    build_world()
    assert not backup.database_is_empty()
