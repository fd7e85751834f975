from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quartiers.core"
    verbose_name = "Socle"

    def ready(self):
        from quartiers.core import checks  # noqa: F401  (registers the deployment checks)
