"""`quartiers import-ban FILE…` / `quartiers import-ban --officiel 59 62`: load BAN address files."""

import sys

from django.core.management.base import BaseCommand, CommandError

from quartiers.geocoding import ban


class Command(BaseCommand):
    help = (
        "Importe les fichiers de la Base Adresse Nationale (adresses-DD.csv ou .csv.gz) pour le géocodeur "
        "hors ligne. Chaque fichier remplace les départements qu'il contient."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="*", help="fichiers adresses-DD.csv(.gz) ou départements avec --officiel")
        parser.add_argument(
            "--officiel",
            action="store_true",
            help="télécharger les fichiers officiels des départements donnés (ex. --officiel 59 62)",
        )
        parser.add_argument("--url", default="", help="modèle d'adresse de téléchargement contenant {dep}")

    def handle(self, *args, fichiers, officiel, url, **options):
        if not fichiers:
            raise CommandError("Indiquez un ou plusieurs fichiers adresses-DD.csv.gz, ou --officiel 59 62.")
        progress = self._progress if sys.stderr.isatty() else None
        try:
            if officiel:
                reports = ban.import_official(fichiers, base_url=url, progress=progress)
            else:
                reports = []
                for path in fichiers:
                    reports.append(ban.import_file(path, progress))
                    self._print(reports[-1])
                    reports.pop()
        except ban.BanImportError as exc:
            raise CommandError(str(exc)) from exc
        for report in reports:
            self._print(report)

    def _print(self, report):
        if sys.stderr.isatty():
            sys.stderr.write("\r" + " " * 70 + "\r")
        for line in report.lines():
            self.stdout.write(line)

    def _progress(self, done, total, message):
        share = f"{100 * done / total:3.0f} %" if total else ""
        sys.stderr.write(f"\r{message[:55]:55} {share}")
        sys.stderr.flush()
