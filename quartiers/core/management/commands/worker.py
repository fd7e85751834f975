import threading

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
        # Jobs of a worker that dies while this one runs are recovered too, not only at the next start.
        stop = threading.Event()
        threading.Thread(target=jobs.watch_stale, args=(stop,), name="reprise-taches", daemon=True).start()
        # Never under the autoreloader (db_worker's default when DEBUG): its watcher process would hide the real
        # worker in a child that outlives a `kill` of the worker's pid, and a reload stops a job mid-way.
        worker_args = ["--interval", "1", "--no-reload"]
        if options["batch"]:
            worker_args.append("--batch")
        try:
            call_command("db_worker", *worker_args)
        finally:
            stop.set()
