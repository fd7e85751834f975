from django.core.management.base import BaseCommand, CommandError

from quartiers.network.jobs import enqueue_reminders


class Command(BaseCommand):
    help = "Met en file d'attente l'envoi des rappels aux inscrits des rencontres des prochains jours."

    def add_arguments(self, parser):
        parser.add_argument("--jours", type=int, default=2, help="Rencontres des N prochains jours (défaut : 2).")

    def handle(self, *args, **options):
        days = options["jours"]
        if days < 1 or days > 60:
            raise CommandError("--jours doit être compris entre 1 et 60.")
        job = enqueue_reminders(days)
        self.stdout.write(f"Tâche {job.pk} en file d'attente : rappels des rencontres des {days} prochains jours.")
