from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    """The product « cette adresse est-elle en QPV ? » (pages, batch, API) on top of the geocoding engine."""

    name = "quartiers.eligibility"
    verbose_name = "Éligibilité"
