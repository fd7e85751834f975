from django.apps import AppConfig


class GeocodingConfig(AppConfig):
    name = "quartiers.geocoding"
    verbose_name = "Géocodage"

    def ready(self):
        # Connects the spatial index to `territories.signals.outlines_changed` (rebuild after an import).
        from quartiers.geocoding import spatial  # noqa: F401
