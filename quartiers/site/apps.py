from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "quartiers.site"
    verbose_name = "Site"
