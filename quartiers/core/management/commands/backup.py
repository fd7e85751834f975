from django.core.management.base import BaseCommand, CommandError

from quartiers.core import backup


class Command(BaseCommand):
    help = "Sauvegarde toute l'instance (toutes les tables et les fichiers déposés) dans une archive .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Archive à écrire, par exemple sauvegarde-2026-12-05.tar.gz")

    def handle(self, *args, **options):
        try:
            manifest = backup.backup(options["fichier"])
        except OSError as exc:
            raise CommandError(f"Impossible d'écrire l'archive : {exc}") from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Sauvegarde écrite : {options['fichier']} — {len(manifest['tables'])} tables, {rows} lignes, "
            f"{len(manifest['media'])} fichier(s) joint(s)."
        )
