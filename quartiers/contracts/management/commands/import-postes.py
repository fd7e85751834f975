from django.core.management.base import BaseCommand, CommandError

from quartiers.contracts import services
from quartiers.contracts.models import FundedPost


class Command(BaseCommand):
    help = "Importe les postes financés (adultes-relais ou FONJEP) de l'export JSON de l'ANCT (Ci.Ville)."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier JSON (éventuellement compressé en .gz)")
        parser.add_argument(
            "--programme", choices=FundedPost.Programme.values, help="Deviné d'après le nom du fichier sinon."
        )

    def handle(self, *args, **options):
        path = options["fichier"]
        programme = options["programme"] or services.guess_programme(path)
        try:
            rows = services.read_posts_file(path)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        report = services.import_posts(rows, programme)
        for line in report.lines():
            self.stdout.write(line)
