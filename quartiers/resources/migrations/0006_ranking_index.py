"""The ranking index (resources/ranking.py). Filled by 0007, once its words have their `token` column."""

import django.db.models.deletion
from django.db import migrations, models

def covering_primary_key(apps, schema_editor):
    # A search probes (word, document) for the impact millions of times: the primary key itself carries it.
    # SQLite: a WITHOUT ROWID table is its primary key's b-tree (same columns as Django's, whose indexes are
    # created at the end of this migration; a later migration remaking the table would lose this clause, not
    # the data). PostgreSQL: INCLUDE (impact).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TABLE resources_searchposting")
            cursor.execute(
                'CREATE TABLE "resources_searchposting" ("impact" integer unsigned NOT NULL CHECK ("impact" >= 0), '
                '"document_id" bigint NOT NULL, "term_id" bigint NOT NULL, PRIMARY KEY ("term_id", "document_id")) '
                "WITHOUT ROWID"
            )
        elif connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE resources_searchposting DROP CONSTRAINT resources_searchposting_pkey")
            cursor.execute(
                "ALTER TABLE resources_searchposting ADD CONSTRAINT resources_searchposting_pkey "
                "PRIMARY KEY (term_id, document_id) INCLUDE (impact)"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0005_gin_pending_list"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stem", models.CharField(max_length=100, unique=True)),
                ("df", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="SearchPosting",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "term", "document", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("impact", models.PositiveIntegerField()),
                (
                    "document",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="resources.document",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="resources.searchterm",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["term", "-impact", "-document"], name="resources_posting_by_impact")],
            },
        ),
        migrations.RunPython(covering_primary_key, migrations.RunPython.noop),
    ]
