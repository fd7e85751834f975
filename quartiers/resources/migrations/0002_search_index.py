"""Full-text search structures, per engine (see quartiers/resources/search.py).

PostgreSQL: the `quartiers_fr` text search configuration (french + unaccent when the extension can be
installed), a `search_vector` tsvector column on resources_document and its GIN index.
SQLite: an external-content FTS5 table over resources_document_search (the original text, for
snippets); the index itself receives folded, stemmed text from the service layer.
"""

from django.db import DatabaseError, migrations, transaction

SQLITE_FORWARD = [
    "CREATE TABLE resources_document_search (id INTEGER PRIMARY KEY, title TEXT, summary TEXT, text TEXT)",
    "CREATE VIRTUAL TABLE resources_document_fts USING fts5(title, summary, text, "
    "content='resources_document_search', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS resources_document_fts", "DROP TABLE IF EXISTS resources_document_search"]


def _pg_unaccent(cursor, alias):
    # Needs the contrib package and the right to create extensions; without it we fold in Python.
    try:
        with transaction.atomic(using=alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        return True
    except DatabaseError:
        return False


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            unaccent = _pg_unaccent(cursor, connection.alias)
            cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS quartiers_fr")
            cursor.execute("CREATE TEXT SEARCH CONFIGURATION quartiers_fr (COPY = pg_catalog.french)")
            if unaccent:
                cursor.execute(
                    "ALTER TEXT SEARCH CONFIGURATION quartiers_fr "
                    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
                )
            cursor.execute("ALTER TABLE resources_document ADD COLUMN search_vector tsvector")
            cursor.execute(
                "CREATE INDEX resources_document_search_gin ON resources_document USING GIN (search_vector)"
            )
        elif connection.vendor == "sqlite":
            for sql in SQLITE_FORWARD:
                cursor.execute(sql)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE resources_document DROP COLUMN IF EXISTS search_vector")
            cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS quartiers_fr")
        elif connection.vendor == "sqlite":
            for sql in SQLITE_BACKWARD:
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
