from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="BanDepartement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=3, unique=True, verbose_name="département")),
                ("source", models.CharField(max_length=300, verbose_name="fichier source")),
                ("imported_at", models.DateTimeField(auto_now=True, verbose_name="importé le")),
                ("address_count", models.PositiveIntegerField(default=0, verbose_name="adresses")),
                ("street_count", models.PositiveIntegerField(default=0, verbose_name="voies et lieux-dits")),
                ("commune_count", models.PositiveIntegerField(default=0, verbose_name="communes")),
                ("format_version", models.PositiveSmallIntegerField(default=1)),
                ("data", models.BinaryField(editable=False, verbose_name="données compressées")),
            ],
            options={
                "verbose_name": "département de la Base Adresse Nationale",
                "verbose_name_plural": "départements de la Base Adresse Nationale",
                "ordering": ["code"],
            },
        ),
    ]
