from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from quartiers.accounts.models import LoginAttempt
from tests.factories import PASSWORD

BLOCKED = "Trop de tentatives de connexion infructueuses"


def _login(client, email, password, ip="192.0.2.10"):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_failures_below_the_limit_do_not_block(world, client, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    email = world.users["chef"].email
    for _ in range(2):
        assert "Adresse e-mail ou mot de passe incorrect." in _login(client, email, "faux").content.decode()
    assert LoginAttempt.objects.filter(email=email).count() == 2
    assert _login(client, email, PASSWORD).status_code == 302
    assert not LoginAttempt.objects.filter(email=email).exists()  # success clears the count


def test_too_many_failures_block_even_the_right_password(world, client, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_MINUTES = 15
    email = world.users["chef"].email
    for _ in range(3):
        _login(client, email.upper(), "faux")  # the count is per address, whatever its case
    response = _login(client, email, PASSWORD)
    assert response.status_code == 200
    assert BLOCKED in response.content.decode() and "15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another IP is not blocked; nor is the address once the window has passed.
    assert _login(client, email, PASSWORD, ip="198.51.100.7").status_code == 302
    client.logout()
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert _login(client, email, PASSWORD).status_code == 302


def test_old_attempts_are_purged(world, client):
    LoginAttempt.objects.create(email="vieux@exemple.test", ip="192.0.2.1")
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(days=2))
    _login(client, world.users["chef"].email, "faux")
    assert list(LoginAttempt.objects.values_list("email", flat=True)) == [world.users["chef"].email]
