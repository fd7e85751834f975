"""Backup and restore of a whole Quartiers instance: every table and the uploaded files, in one archive.

    quartiers backup sauvegarde.tar.gz
    quartiers restore sauvegarde.tar.gz [--force]

The archive is a .tar.gz holding

- `manifest.json`: format, Quartiers and Django versions, the engine it came from, the applied migrations
  (the schema version), and per table its model and row count; per media file its size and SHA-256;
- `tables/<app_label>.<model>.jsonl`: every row of the table, one JSON object a line (Django's portable
  serializer: the same archive restores on SQLite or PostgreSQL, whichever it came from);
- `media/…`: every file under MEDIA_ROOT (uploads, attachments, photos, batch results).

Restore is all or nothing: the archive is unpacked and checked (manifest, schema version, file hashes)
before anything is written; the rows are then replaced in one transaction (a broken table rolls it all
back, the row counts are checked against the manifest before commit); the media files are moved into
place only once the database has committed. A database that holds data is refused unless `force`.

Structures outside the models (the full-text search index) are rebuilt by their app on the `restored`
signal, sent inside the transaction.
"""

import datetime
import hashlib
import json
import shutil
import tarfile
import tempfile
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.dispatch import Signal
from django.utils import timezone

from quartiers.core.derived import DERIVED

FORMAT = "quartiers-sauvegarde"
FORMAT_VERSION = 1
BATCH = 500
# Rows `migrate` itself creates (Django's, and the data migrations' reference rows): a freshly migrated
# database holding only these counts as empty. A new data migration filling a table adds it here.
CREATED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "network.theme"}
# Derived rows, never saved nor restored (core/derived.py): the data version tokens are written by the database's
# own triggers on every write, the restore's writes included; a search index is rebuilt on `restored`.

restored = Signal()  # sent with `using` inside the restore transaction, after every row is in


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder rounds times to the millisecond (ECMA-262); a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """A refusal or a broken archive, said in French for the operator."""


def backed_up_models():
    """Every table Django manages (auto-created many-to-many tables included), in a stable order."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped and m._meta.label_lower not in DERIVED
    ]
    return sorted(models, key=lambda m: m._meta.label_lower)


def _label(model):
    return model._meta.label_lower


def _quartiers_version():
    try:
        return package_version("quartiers")
    except PackageNotFoundError:
        return "inconnue"


def applied_migrations(using="default"):
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return []
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# ---- backup ----


def backup(path, using="default"):
    """Writes the archive at `path`; returns the manifest."""
    path = Path(path)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "quartiers": _quartiers_version(),
        "django": django.get_version(),
        "engine": connections[using].vendor,
        "migrations": applied_migrations(using),
        "tables": {},
        "media": {},
    }
    with tempfile.TemporaryDirectory(prefix="quartiers-sauvegarde-") as tmp:
        tmp = Path(tmp)
        (tmp / "tables").mkdir()
        # One repeatable-read snapshot on PostgreSQL (one transaction on SQLite): the tables agree.
        snapshot = connections[using].vendor == "postgresql" and not connections[using].in_atomic_block
        with transaction.atomic(using=using):
            if snapshot:  # only as the transaction's first statement
                with connections[using].cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in backed_up_models():
                manifest["tables"][_label(model)] = _dump_table(model, tmp / "tables", using)
        media_root = Path(settings.MEDIA_ROOT)
        for file in _media_files(media_root):
            rel = file.relative_to(media_root).as_posix()
            manifest["media"][rel] = {"size": file.stat().st_size, "sha256": _sha256(file)}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = path.with_name(path.name + ".partiel")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(tmp / "tables", arcname="tables")
            for rel in manifest["media"]:
                tar.add(media_root / rel, arcname=f"media/{rel}")
        partial.replace(path)  # never a half-written archive under the final name
    return manifest


def _dump_table(model, folder, using):
    meta = model._meta
    fields = [f.name for f in meta.concrete_fields if not f.primary_key]
    name = f"{_label(model)}.jsonl"
    queryset = model._base_manager.using(using).order_by("pk")
    with open(folder / name, "w", encoding="utf-8") as fh:
        serializers.serialize("jsonl", queryset.iterator(chunk_size=2000), fields=fields, stream=fh, cls=_ExactEncoder)
    with open(folder / name, encoding="utf-8") as fh:
        rows = sum(1 for line in fh if line.strip())
    return {"table": meta.db_table, "file": f"tables/{name}", "rows": rows}


# ---- restore ----


def restore(path, using="default", force=False, stdout=None):
    """Replaces the database and media with the archive's. Returns the manifest. Raises BackupError."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restauration-", dir=media_root.parent))
    try:
        manifest = _unpack(path, staging)
        _check_schema(manifest, using, stdout)
        if not force and not database_is_empty(using):
            raise BackupError(
                "La base de données n'est pas vide : la restauration remplacerait ses données. "
                "Relancez avec --force pour les remplacer (faites d'abord une sauvegarde de l'existant)."
            )
        _load_tables(manifest, staging, using)
        _install_media(staging / "media", media_root, force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return manifest


def database_is_empty(using="default"):
    for model in backed_up_models():
        if _label(model) in CREATED_BY_MIGRATE:
            continue
        if model._base_manager.using(using).exists():
            return False
    return True


def _unpack(path, staging):
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Archive introuvable : {path}.")
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                name = PurePosixPath(member.name)
                if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
                    raise BackupError(f"Archive refusée : l'entrée « {member.name} » sort de l'archive.")
                if member.isfile():
                    target = staging.joinpath(*name.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as src, open(target, "wb") as dst:
                        shutil.copyfileobj(src, dst)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"Archive illisible ou incomplète ({path.name}) : {exc}.") from None
    try:
        manifest = json.loads((staging / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError("Archive incomplète : le fichier manifest.json manque ou est illisible.") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Ce fichier n'est pas une sauvegarde Quartiers au format {FORMAT_VERSION} "
            f"(format lu : {manifest.get('format')} {manifest.get('format_version')})."
        )
    for table in manifest["tables"].values():
        if not (staging / table["file"]).is_file():
            raise BackupError(f"Archive incomplète : la table {table['table']} manque ({table['file']}).")
    for rel, info in manifest["media"].items():
        file = staging / "media" / rel
        if not file.is_file() or file.stat().st_size != info["size"] or _sha256(file) != info["sha256"]:
            raise BackupError(f"Archive abîmée : le fichier joint « {rel} » manque ou ne correspond pas.")
    return manifest


def _check_schema(manifest, using, stdout):
    current = applied_migrations(using)
    if not current:
        # A database never migrated: give it the schema first, then compare as usual.
        from django.core.management import call_command

        call_command("migrate", database=using, verbosity=0, interactive=False)
        current = applied_migrations(using)
        if stdout:
            stdout.write("Base vide : schéma créé (migrate).")
    theirs, ours = set(manifest["migrations"]), set(current)
    if theirs != ours:
        missing, extra = sorted(theirs - ours), sorted(ours - theirs)
        detail = []
        if missing:
            detail.append(f"migrations de l'archive absentes ici : {', '.join(missing[:5])}")
        if extra:
            detail.append(f"migrations d'ici absentes de l'archive : {', '.join(extra[:5])}")
        raise BackupError(
            "Cette sauvegarde vient d'une autre version du schéma de la base "
            f"(Quartiers {manifest.get('quartiers')} ; {' ; '.join(detail)}). Restaurez-la avec la version de "
            "Quartiers qui l'a produite, puis mettez à jour (quartiers migrate)."
        )
    unknown = set(manifest["tables"]) - {_label(m) for m in backed_up_models()}
    if unknown:
        raise BackupError(f"Cette sauvegarde contient des tables inconnues ici : {', '.join(sorted(unknown))}.")


def _load_tables(manifest, staging, using):
    connection = connections[using]
    models = backed_up_models()
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                # Foreign keys are deferred (Django creates them so): checked at commit, whatever the order.
                if connection.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for model in models:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            for model in models:
                entry = manifest["tables"].get(_label(model))
                loaded = _load_table(model, staging / entry["file"], using) if entry else 0
                expected = entry["rows"] if entry else 0
                if loaded != expected:
                    raise BackupError(
                        f"Archive abîmée : la table {model._meta.db_table} a {loaded} ligne(s) au lieu de {expected}."
                    )
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            restored.send(sender=None, using=using)
    except BackupError:
        raise
    except Exception as exc:
        raise BackupError(
            f"La restauration a échoué et la base est restée telle qu'elle était : {type(exc).__name__}: {exc}"
        ) from exc


def _load_table(model, file, using):
    fields = model._meta.concrete_fields
    manager = model._base_manager.using(using)
    batch, count = [], 0
    with open(file, encoding="utf-8") as fh:
        for deserialized in serializers.deserialize("jsonl", fh, using=using):
            if type(deserialized.object) is not model:
                raise BackupError(f"Archive abîmée : {file.name} contient une ligne d'une autre table.")
            batch.append(deserialized.object)
            if len(batch) >= BATCH:
                count += _insert(manager, batch, fields, using)
                batch = []
    if batch:
        count += _insert(manager, batch, fields, using)
    return count


def _insert(manager, objs, fields, using):
    # raw=True keeps the values as saved (auto_now dates, primary keys) instead of recomputing them.
    size = max(1, min(BATCH, connections[using].ops.bulk_batch_size(fields, objs)))
    for start in range(0, len(objs), size):
        manager._insert(objs[start : start + size], fields=fields, raw=True, using=using)
    return len(objs)


def _install_media(source, media_root, force):
    if not source.is_dir():
        return
    media_root.mkdir(parents=True, exist_ok=True)
    if force:
        for child in media_root.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    for file in _media_files(source):
        target = media_root / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(file, target)
