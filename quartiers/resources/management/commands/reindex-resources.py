from django.core.management.base import BaseCommand

from quartiers.resources import services


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche plein texte des ressources (après un import en masse ou pour le réparer)."

    def handle(self, *args, **options):
        count = services.rebuild_index()
        self.stdout.write(self.style.SUCCESS(f"{count} document(s) indexé(s)."))
