from django.core.management import call_command
from django.core.management.base import BaseCommand

from quartiers.core import jobs


class Command(BaseCommand):
    help = "Lance le traitement des tâches de fond (imports, géocodage par lots, rappels)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Traite la file puis s'arrête.")

    def handle(self, *args, **options):
        resumed, failed = jobs.recover_stale()
        if resumed or failed:
            self.stdout.write(f"Tâches interrompues : {resumed} reprise(s), {failed} marquée(s) en échec.")
        worker_args = ["--interval", "1"]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
