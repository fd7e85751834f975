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
    # The address is free again once the window has passed.
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    assert _login(client, email, PASSWORD).status_code == 302


def test_failures_from_many_ips_block_the_account_everywhere(world, client, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    email = world.users["chef"].email
    for n in range(3):
        _login(client, email, "faux", ip=f"203.0.113.{n + 1}")
    response = _login(client, email, PASSWORD, ip="198.51.100.7")
    assert response.status_code == 200
    assert "pour cette adresse : réessayez dans 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from that IP is not concerned.
    assert _login(client, world.users["partenaire"].email, PASSWORD, ip="198.51.100.7").status_code == 302


def test_failures_across_accounts_block_the_ip(world, client, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_IP_FACTOR = 2
    # 6 failures from one IP, never more than 2 on one address: no account is blocked, the IP is.
    for n in range(6):
        _login(client, f"inconnu{n % 3}@exemple.test", "faux", ip="192.0.2.66")
    response = _login(client, world.users["chef"].email, PASSWORD, ip="192.0.2.66")
    assert response.status_code == 200
    assert "depuis votre adresse IP : réessayez dans 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another IP logs in.
    assert _login(client, world.users["chef"].email, PASSWORD, ip="192.0.2.67").status_code == 302


def test_old_attempts_are_purged(world, client):
    LoginAttempt.objects.create(email="vieux@exemple.test", ip="192.0.2.1")
    LoginAttempt.objects.update(created_at=timezone.now() - timedelta(days=2))
    _login(client, world.users["chef"].email, "faux")
    assert list(LoginAttempt.objects.values_list("email", flat=True)) == [world.users["chef"].email]
