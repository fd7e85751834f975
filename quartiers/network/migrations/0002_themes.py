"""The standard themes of the network's agenda items (editable later; slugs stay stable)."""

from django.db import migrations

THEMES = [
    ("etat-des-lieux-qpv", "État des lieux des QPV"),
    ("revision-contrats-de-ville", "Révision des contrats de ville"),
    ("npnru", "NPNRU (renouvellement urbain)"),
    ("gup", "Gestion urbaine de proximité (GUP)"),
    ("axes-prioritaires", "Priorités et axes de collaboration"),
    ("point-actualite", "Point d'actualité"),
    ("programmation", "Programmation et appel à projets"),
    ("mobilisation-nationale", "Mobilisation nationale et PAQTE"),
]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("network", "Theme")
    for position, (slug, name) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(add_themes, migrations.RunPython.noop)]
