from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.territories.importers import ImportFailure, import_indicateurs, read_definitions


class Command(BaseCommand):
    help = (
        "Importe des indicateurs (CSV ou XLSX au format INSEE : une ligne par territoire, une colonne par "
        "indicateur ; virgules décimales et secret statistique acceptés)."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier")
        parser.add_argument("--colonnes", help="Fichier décrivant les colonnes (colonne, description, type_valeur).")
        parser.add_argument("--source", default="", help="Source des données (affichée sur les fiches).")
        parser.add_argument("--annee", type=int, help="Millésime de toutes les colonnes.")

    def handle(self, *args, **options):
        path = Path(options["fichier"])
        if not path.exists():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            definitions = read_definitions(options["colonnes"]) if options["colonnes"] else None
            report = import_indicateurs(
                path, definitions=definitions, source_label=options["source"], annee=options["annee"]
            )
        except ImportFailure as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(report))
