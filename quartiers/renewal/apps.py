from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "quartiers.renewal"
    verbose_name = "Renouvellement urbain"
