from django.core.management.base import BaseCommand, CommandError

from quartiers.contracts import hooks as contracts
from quartiers.programming.importer import ImportFileError, import_programming, mapping_from_specs


class Command(BaseCommand):
    help = (
        "Importe une programmation existante (CSV ou XLSX : une ligne par action financée) dans un contrat de ville : "
        "appels, porteurs, dossiers et montants accordés par financeur. Atomique et rejouable."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Fichier CSV (UTF-8 ou Windows-1252, « ; ») ou XLSX")
        parser.add_argument("--contrat", required=True, help="Identifiant ou code (CN…) du contrat de ville")
        parser.add_argument(
            "--colonne", action="append", default=[], help='champ=En-tête (ex. : porteur="Nom de la structure")'
        )
        parser.add_argument(
            "--financeur", action="append", default=[], help="Organisation=En-tête du montant accordé (répétable)"
        )
        parser.add_argument("--annee", type=int, help="Année de toute la programmation (sans colonne « année »)")
        parser.add_argument("--lignes-valides", action="store_true", help="Importer les lignes valides seulement.")
        parser.add_argument("--apercu", action="store_true", help="Tout vérifier sans rien enregistrer.")

    def handle(self, *args, **options):
        ref = options["contrat"]
        found = (
            contracts.contracts().filter(**({"pk": int(ref)} if ref.isdigit() else {"reference__code": ref})).first()
        )
        if found is None:
            raise CommandError(f"Contrat inconnu : {ref}.")
        try:
            mapping = mapping_from_specs(options["fichier"], options["colonne"], options["financeur"], options["annee"])
            report = import_programming(
                found,
                options["fichier"],
                mapping,
                filename=options["fichier"],
                valid_only=options["lignes_valides"],
                dry_run=options["apercu"],
            )
        except FileNotFoundError:
            raise CommandError(f"Fichier introuvable : {options['fichier']}.") from None
        except ImportFileError as exc:
            raise CommandError(f"Rien n'a été importé : {exc}") from None
        self.stdout.write(report.summary())
        for note in report.notes:
            self.stdout.write(note)
        for row in report.rows:
            self.stdout.write(
                f"Ligne {row.line} ({row.label}) : {row.outcome}{' — ' + row.reason if row.reason else ''}"
            )
        if report.rejected and not report.written and not report.dry_run:
            raise CommandError(
                "Des lignes sont rejetées : rien n'a été importé (option --lignes-valides pour les autres)."
            )
