from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.territories.importers import ImportFailure, download_official, import_qpv


class Command(BaseCommand):
    help = (
        "Importe un fichier officiel des QPV (GeoJSON ou GeoPackage, géographie 2015 ou 2024, "
        "EPSG:4326 ou Lambert-93 ; ou la liste CSV sans contours). --officiel télécharge le fichier national."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", nargs="?", help="Chemin du fichier à importer.")
        parser.add_argument("--generation", type=int, choices=[2015, 2024], help="Géographie des QPV du fichier.")
        parser.add_argument("--officiel", action="store_true", help="Télécharge le fichier national sur data.gouv.")
        parser.add_argument("--url", help="Adresse de la description du jeu de données (par défaut : data.gouv).")

    def handle(self, *args, **options):
        if bool(options["fichier"]) == bool(options["officiel"]):
            raise CommandError("Indiquez soit un FICHIER, soit --officiel.")
        generation = options["generation"]
        try:
            if options["officiel"]:
                self.stdout.write("Téléchargement du fichier officiel des QPV…")
                data, url = download_official(options["url"], generation or 2024)
                report = import_qpv(data, generation or 2024, filename=url, source_label=f"data.gouv.fr ({url})")
            else:
                path = Path(options["fichier"])
                if not path.exists():
                    raise CommandError(f"Fichier introuvable : {path}")
                report = import_qpv(path, generation)
        except ImportFailure as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(report))
