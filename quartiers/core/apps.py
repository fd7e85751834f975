from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.core"
    verbose_name = "Socle"

    def ready(self):
        from django.db.models.signals import post_migrate

        from quartiers.core import (
            checks,  # noqa: F401  (registers the deployment checks)
            dataversions,
            export_jobs,  # noqa: F401  (registers the « export of everything » job)
        )
        from quartiers.core.permissions import autodiscover

        post_migrate.connect(dataversions.install, sender=self, dispatch_uid="core-data-version-triggers")
        autodiscover()  # every app's rules.py: can() and visible_to() refuse a model without rules
