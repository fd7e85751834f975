"""Login throttling: N failed attempts for one e-mail from one IP within M minutes block that pair.

Attempts live in the database (LoginAttempt) so that several app servers agree on the count.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from quartiers.accounts.models import LoginAttempt


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For can be forged by the client. Behind a reverse proxy,
    # the proxy (or gunicorn's --forwarded-allow-ips) must set the real address.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _since():
    return timezone.now() - timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)


def is_blocked(email, ip):
    return LoginAttempt.objects.recent(email, ip, _since()).count() >= settings.LOGIN_THROTTLE_ATTEMPTS


def record_failure(email, ip):
    # Old rows are useless once out of the window: purge them as we go.
    LoginAttempt.objects.filter(created_at__lt=_since()).delete()
    LoginAttempt.objects.create(email=email, ip=ip)


def clear(email, ip):
    LoginAttempt.objects.filter(email=email, ip=ip).delete()


def blocked_message():
    minutes = settings.LOGIN_THROTTLE_MINUTES
    return (
        "Trop de tentatives de connexion infructueuses pour cette adresse : "
        f"réessayez dans {minutes} minutes, ou réinitialisez votre mot de passe."
    )
