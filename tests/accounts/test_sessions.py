"""Sessions and users read with plain queries (accounts/sessions.py, backends.get_user): as Django answers."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quartiers.accounts.backends import EmailBackend
from quartiers.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db

PAGE = "/ressources/favoris/"


def _signed_in(world):
    client = Client()
    client.force_login(world.users["chef"])
    return client, client.cookies["sessionid"].value


def test_a_session_opens_pages_until_logout(world):
    client, key = _signed_in(world)
    assert client.get(PAGE).status_code == 200
    assert SessionStore(key).load()["_auth_user_id"] == str(world.users["chef"].pk)
    client.post(reverse("accounts:logout"))
    stolen = Client()
    stolen.cookies["sessionid"] = key  # the cookie kept after logout opens nothing
    assert stolen.get(PAGE).status_code == 302
    assert SessionStore(key).load() == {}


def test_an_expired_session_is_refused_and_an_unknown_one_is_new(world):
    client, key = _signed_in(world)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(PAGE).status_code == 302
    store = SessionStore("inconnue0123456789abcdefghijklmn")
    assert store.load() == {} and store.session_key is None


def test_a_deactivated_or_deleted_user_is_signed_out(world):
    client, _key = _signed_in(world)
    user = world.users["chef"]
    backend = EmailBackend()
    assert backend.get_user(str(user.pk)) == user  # the session holds the id as text
    assert backend.get_user("pas un nombre") is None
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(str(user.pk)) is None
    assert client.get(PAGE).status_code == 302
    assert backend.get_user("999999") is None
