"""System checks of the deployment settings (`quartiers check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """E-mails sent by the worker (invitations, reminders, GUP follow-ups) need the public address."""
    if settings.SITE_URL:
        return []
    return [
        Warning(
            "SITE_URL n'est pas défini : les liens des e-mails envoyés par le worker seraient incomplets.",
            hint="Définissez SITE_URL=https://quartiers.exemple.fr (l'adresse publique du site).",
            id="quartiers.W001",
        )
    ]
