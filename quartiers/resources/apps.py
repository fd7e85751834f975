from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "quartiers.resources"
    verbose_name = "Ressources"
