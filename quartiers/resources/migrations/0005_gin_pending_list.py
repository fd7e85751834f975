"""PostgreSQL: bound the GIN index's pending list.

With `fastupdate` (the default), new index entries wait in a pending list that every search scans
linearly until VACUUM merges it — up to 4 MB by default, i.e. slower searches after a bulk import
until autovacuum passes. 256 kB keeps that scan short; `services.rebuild_index` also merges the list
and refreshes the planner statistics at once.
"""

from django.db import migrations

INDEX = "resources_document_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"ALTER INDEX {INDEX} SET (gin_pending_list_limit = 256)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"ALTER INDEX {INDEX} RESET (gin_pending_list_limit)")


class Migration(migrations.Migration):
    dependencies = [("resources", "0004_search_vector_inline")]
    operations = [migrations.RunPython(forwards, backwards)]
