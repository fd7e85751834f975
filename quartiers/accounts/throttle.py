"""Login throttling, per account and per IP address.

- N failed attempts for one e-mail within M minutes, from any addresses, block that account
  (`LOGIN_THROTTLE_ATTEMPTS`, `LOGIN_THROTTLE_MINUTES`): spreading a guess over many IPs does not help;
- N × k failed attempts from one IP within M minutes, whatever the e-mails, block that IP
  (`LOGIN_THROTTLE_IP_FACTOR`, k): trying one password on many accounts does not help either.

Attempts live in the database (LoginAttempt) so that several app servers agree on the count.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from quartiers.accounts.models import LoginAttempt

ACCOUNT = "account"
IP = "ip"


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For can be forged by the client. Behind a reverse proxy,
    # the proxy (or gunicorn's --forwarded-allow-ips) must set the real address.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _since():
    return timezone.now() - timedelta(minutes=settings.LOGIN_THROTTLE_MINUTES)


def ip_limit():
    return settings.LOGIN_THROTTLE_ATTEMPTS * settings.LOGIN_THROTTLE_IP_FACTOR


def blocked(email, ip):
    """ACCOUNT or IP when that one is blocked, else None."""
    since = _since()
    if LoginAttempt.objects.recent_for_account(email, since).count() >= settings.LOGIN_THROTTLE_ATTEMPTS:
        return ACCOUNT
    if ip and LoginAttempt.objects.recent_from_ip(ip, since).count() >= ip_limit():
        return IP
    return None


def is_blocked(email, ip):
    return blocked(email, ip) is not None


def record_failure(email, ip):
    # Old rows are useless once out of the window: purge them as we go.
    LoginAttempt.objects.filter(created_at__lt=_since()).delete()
    LoginAttempt.objects.create(email=email, ip=ip)


def clear(email, ip):
    # A successful login clears that account's failures; those of the IP on other accounts remain.
    LoginAttempt.objects.filter(email=email).delete()


def blocked_message(reason=ACCOUNT):
    minutes = settings.LOGIN_THROTTLE_MINUTES
    if reason == IP:
        return (
            f"Trop de tentatives de connexion infructueuses depuis votre adresse IP : réessayez dans {minutes} minutes."
        )
    return (
        "Trop de tentatives de connexion infructueuses pour cette adresse : "
        f"réessayez dans {minutes} minutes, ou réinitialisez votre mot de passe."
    )
