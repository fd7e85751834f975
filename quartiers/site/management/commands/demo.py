"""`quartiers demo`: the site layer runs every app's demo, in INSTALLED_APPS order (it sits above them all)."""

import datetime
import inspect
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from quartiers.accounts.demo import print_accounts


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from None


def demo_modules():
    """Each app's `demo` module (with `load_reference(stdout)` and/or `load_demo(stdout)`), in INSTALLED_APPS
    order: territories come before the modules that use them."""
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if config.name.startswith("quartiers.") and find_spec(f"{config.name}.demo")
    ]


class Command(BaseCommand):
    help = "Charge les données de référence et les données de démonstration de chaque module (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--sans-reference", action="store_true", help="Ne recharge pas les données de référence.")
        parser.add_argument(
            "--date",
            type=_day,
            help="Jour de référence de la démonstration (AAAA-MM-JJ, par défaut aujourd'hui) : échéances, "
            "calendriers et prochaines rencontres sont placés par rapport à lui.",
        )

    def handle(self, *args, **options):
        modules = demo_modules()
        if not options["sans_reference"]:
            for module in modules:
                if hasattr(module, "load_reference"):
                    module.load_reference(self.stdout)
        # What is judged against today (schedules, deadlines, coming meetings) is placed relative to this
        # day, so a demo loaded any day shows a plausible mix of on-time, late and done.
        today = options.get("date") or timezone.localdate()
        for module in modules:
            if hasattr(module, "load_demo"):
                takes_today = "today" in inspect.signature(module.load_demo).parameters
                with transaction.atomic():
                    module.load_demo(self.stdout, **({"today": today} if takes_today else {}))
        print_accounts(self.stdout)  # the demo logins last, where the reader looks
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
