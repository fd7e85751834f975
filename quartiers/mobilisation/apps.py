from django.apps import AppConfig


class MobilisationConfig(AppConfig):
    name = "quartiers.mobilisation"
    verbose_name = "Mobilisation nationale"
