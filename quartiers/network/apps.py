from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "quartiers.network"
    verbose_name = "Réseau"
