"""Each word's token (the key of the postings kept between searches, postings.py); no more index by impact (a
search reads a word's postings whole); the ranking index filled from the documents already there when it is
empty (a base that ran 0006 before this migration has it already)."""

from django.db import migrations, models

MAX_INDEXED_CHARS = 400_000  # as services.MAX_INDEXED_CHARS


def fill(apps, schema_editor):
    from quartiers.resources import ranking

    alias = schema_editor.connection.alias
    if apps.get_model("resources", "SearchTerm").objects.using(alias).exists():
        return
    documents = apps.get_model("resources", "Document").objects.using(alias)
    rows = (
        (pk, title, summary, "\n".join(p for p in (text, extracted) if p)[:MAX_INDEXED_CHARS])
        for pk, title, summary, text, extracted in documents.order_by("pk")
        .values_list("pk", "title", "summary", "text", "extracted_text")
        .iterator(chunk_size=500)
    )
    ranking.rebuild(rows, using=alias)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0006_ranking_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchterm",
            name="token",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RemoveIndex(
            model_name="searchposting",
            name="resources_posting_by_impact",
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
