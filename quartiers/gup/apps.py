from django.apps import AppConfig


class GupConfig(AppConfig):
    name = "quartiers.gup"
    verbose_name = "Gestion urbaine de proximité"
