from django.core.management.base import BaseCommand, CommandError

from quartiers.network.importers import ImportFileError, import_members
from quartiers.network.models import Network


class Command(BaseCommand):
    help = "Importe les membres d'un réseau depuis un fichier CSV ou XLSX (nom, prénom, e-mail, organisation…)."

    def add_arguments(self, parser):
        parser.add_argument("reseau", help="Identifiant du réseau (ex. : reseau-littoral)")
        parser.add_argument("fichier", help="Fichier CSV (UTF-8 ou Windows-1252, « ; ») ou XLSX")
        parser.add_argument("--apercu", action="store_true", help="Tout vérifier sans rien enregistrer.")

    def handle(self, *args, **options):
        network = Network.objects.filter(slug=options["reseau"]).first()
        if network is None:
            raise CommandError(f"Réseau inconnu : {options['reseau']}.")
        try:
            report = import_members(network, options["fichier"], dry_run=options["apercu"])
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {options['fichier']}.") from None
        except ImportFileError as exc:
            raise CommandError(f"Rien n'a été importé : {exc}") from None
        if report.dry_run:
            self.stdout.write("Aperçu : rien n'a été enregistré.")
        self.stdout.write(report.summary())
        for note in report.notes:
            self.stdout.write(note)
        for name in report.organisations_created:
            self.stdout.write(f"Organisation créée : {name}")
        for line, reason in report.rejected:
            self.stdout.write(f"Ligne {line} rejetée : {reason}")
