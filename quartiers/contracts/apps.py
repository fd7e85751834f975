from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.contracts"
    verbose_name = "Contrats de ville"
