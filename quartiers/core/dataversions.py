"""A version token per app, changed by the database itself on every write to one of the app's tables.

Caches whose answer depends on many tables of several apps (the QPV fiche's links to the other modules, each
filtered by the permission policy) cannot list every signal that could make them stale: `QuerySet.update`,
`bulk_create`, raw SQL, imports and restores send none. So each watched app's tables carry triggers (created after
every `migrate`, by `install`) that write a new random token for the app in `core_dataversion`, in the writer's
own transaction: a cache keyed by `tokens(apps)` is never served after a write committed by any process, and a
write rolled back changes nothing. Random rather than counted, so a flushed table never gives an old token back.

Apps say what to watch with `watch("gup", …)` before `migrate` runs (from their AppConfig.ready); `core` names
no app itself.
"""

import hashlib

from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connections

from quartiers.core.derived import DERIVED

TABLE = "core_dataversion"
WATCHED = set()


def watch(*app_labels):
    WATCHED.update(app_labels)


def tokens(app_labels, using="default"):
    """One string standing for the state of every table of `app_labels` (one query)."""
    labels = sorted(app_labels)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT app, token FROM {TABLE} WHERE app IN ({', '.join(['%s'] * len(labels))}) ORDER BY app", labels
        )
        return ";".join(f"{app}={token}" for app, token in cursor.fetchall())


def cached(name, parts, build, seconds=600):
    """`build()`, kept in the cache under `name` and `parts` — the versions it was built from first (`tokens`,
    the reference data's…), then anything with a stable repr that tells the answers apart. Hashed: a key stays
    under memcached's 250 characters whatever the parts."""
    key = f"{name}:{hashlib.sha1(repr(parts).encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


def watched_tables():
    """{table: app label} of every table of the watched apps, many-to-many tables included."""
    tables = {}
    for label in sorted(WATCHED):
        for model in django_apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in DERIVED:
                tables[model._meta.db_table] = label
    return tables


def _trigger_name(table, suffix=""):
    return f"dv_{hashlib.sha1(table.encode()).hexdigest()[:16]}{suffix}"


def _sqlite_statements(table, app):
    # An UPDATE, not an INSERT OR REPLACE: SQLite lets the writer's own conflict clause override the trigger's, and
    # Django adds to a many-to-many with INSERT OR IGNORE, which silently kept the old token.
    bump = (
        f"INSERT OR IGNORE INTO {TABLE} (app, token) VALUES ('{app}', ''); "
        f"UPDATE {TABLE} SET token = lower(hex(randomblob(8))) WHERE app = '{app}';"
    )
    statements = []
    for op in ("INSERT", "UPDATE", "DELETE"):
        name = _trigger_name(table, "_" + op[0].lower())
        statements += [
            f"DROP TRIGGER IF EXISTS {name}",
            f'CREATE TRIGGER {name} AFTER {op} ON "{table}" BEGIN {bump} END',
        ]
    return statements


PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION quartiers_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TABLE} (app, token) VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (app) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$
"""


def _postgresql_statements(table, app):
    name = _trigger_name(table)
    return [
        f'DROP TRIGGER IF EXISTS {name} ON "{table}"',
        f'CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
        f"FOR EACH STATEMENT EXECUTE FUNCTION quartiers_bump_data_version('{app}')",
    ]


def install(using="default", **kwargs):
    """Create the triggers of every watched table (idempotent; run after every migrate)."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    if TABLE not in existing:
        return
    statements = [PG_FUNCTION] if connection.vendor == "postgresql" else []
    build = _postgresql_statements if connection.vendor == "postgresql" else _sqlite_statements
    for table, app in watched_tables().items():
        if table in existing:
            statements += build(table, app)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
