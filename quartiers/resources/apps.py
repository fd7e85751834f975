from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "quartiers.resources"
    verbose_name = "Ressources"

    def ready(self):
        # Register the job handlers in every process (web and worker), so `jobs.enqueue` knows them.
        from quartiers.resources import jobs  # noqa: F401
