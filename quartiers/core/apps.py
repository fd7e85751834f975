from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.core"
    verbose_name = "Socle"

    def ready(self):
        from quartiers.core import (
            checks,  # noqa: F401  (registers the deployment checks)
            export_jobs,  # noqa: F401  (registers the « export of everything » job)
        )
        from quartiers.core.permissions import autodiscover

        autodiscover()  # every app's rules.py: can() and visible_to() refuse a model without rules
