from django.apps import AppConfig


class GeocodingConfig(AppConfig):
    name = "quartiers.geocoding"
    verbose_name = "Géocodage"
