"""PostgreSQL: keep `search_vector` in the table row (compressed) rather than in the TOAST table.

Ranking reads the vector of every match; fetched out of line it cost ~15 µs per row (a broad query
over 20,000 documents took hundreds of ms), inline ~1 µs. The large text columns go out of line instead.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ALTER TABLE resources_document ALTER COLUMN search_vector SET STORAGE MAIN")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("ALTER TABLE resources_document ALTER COLUMN search_vector SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("resources", "0003_document_meeting")]
    operations = [migrations.RunPython(forwards, backwards)]
