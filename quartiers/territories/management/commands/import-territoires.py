from django.core.management.base import BaseCommand, CommandError

from quartiers.territories.importers import ImportFailure, import_territoires


class Command(BaseCommand):
    help = "Importe l'arbre administratif (régions, départements, EPCI, communes) et les contours fournis."

    def add_arguments(self, parser):
        parser.add_argument("--dossier", help="Dossier des fichiers (par défaut : les données fournies).")

    def handle(self, *args, **options):
        try:
            reports = import_territoires(options["dossier"])
        except (ImportFailure, OSError) as exc:
            raise CommandError(str(exc)) from None
        for report in reports:
            self.stdout.write(str(report))
