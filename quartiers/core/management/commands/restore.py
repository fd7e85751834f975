from django.core.management.base import BaseCommand, CommandError

from quartiers.core import backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (quartiers backup) : toutes les tables et les fichiers déposés, "
        "en une seule transaction. Refuse une base qui contient déjà des données, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Archive produite par quartiers backup")
        parser.add_argument("--force", action="store_true", help="Remplace les données d'une base qui n'est pas vide.")

    def handle(self, *args, **options):
        try:
            manifest = backup.restore(options["fichier"], force=options["force"], stdout=self.stdout)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at'][:10]} restaurée : {len(manifest['tables'])} tables, "
            f"{rows} lignes, {len(manifest['media'])} fichier(s) joint(s)."
        )
