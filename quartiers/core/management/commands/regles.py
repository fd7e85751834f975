"""`quartiers regles`: the permission rules every app declares (its rules.py), as a Markdown table."""

from django.core.management.base import BaseCommand

from quartiers.core.permissions import VERB_LABELS, VERBS, describe


class Command(BaseCommand):
    help = "Affiche les règles de permission déclarées par chaque application (rules.py), en tableau Markdown."

    def add_arguments(self, parser):
        parser.add_argument("--modele", help="seulement les modèles dont le nom contient ce texte (ex. gup.)")

    def handle(self, *args, modele=None, **options):
        verbs = [verb for verb in VERBS if verb != "manage"]
        self.stdout.write("| Modèle | " + " | ".join(VERB_LABELS[v] for v in verbs) + " |")
        self.stdout.write("|---" * (len(verbs) + 1) + "|")
        for label, rules in describe():
            if modele and modele.lower() not in label.lower():
                continue
            cells = [rules.get(verb, "—") for verb in verbs]
            self.stdout.write(f"| {label} | " + " | ".join(cells) + " |")
        self.stdout.write("\nLes administrateurs passent toutes les règles ; « administrer » leur est réservé.")
