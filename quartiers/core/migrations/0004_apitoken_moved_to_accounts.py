"""ApiToken now belongs to accounts (accounts 0004 adopts the table): only Django's state forgets it here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_dataversion"),
        ("accounts", "0004_apitoken_moved_from_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ApiToken")], database_operations=[]),
    ]
