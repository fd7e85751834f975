from django.test import RequestFactory
from django.urls import reverse

from quartiers.accounts.models import ApiToken
from quartiers.core import api
from quartiers.core.models import AuditEvent


def test_profile_update_is_audited(world, login):
    client = login(world.users["partenaire"])
    page = client.get(reverse("accounts:my_account")).content.decode()
    assert "Bailleur social (test)" in page and "EPCI CA Grand Calais Terres et Mers (200090751)" in page
    response = client.post(
        reverse("accounts:my_account"), {"first_name": "Paul", "last_name": "Durand", "phone": "03 21 00 00 00"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="profil modifié")
    assert event.changes["téléphone"] == ["", "03 21 00 00 00"]


def test_api_token_is_shown_once_works_and_can_be_revoked(world, login):
    user = world.users["chef"]
    client = login(user)
    response = client.post(reverse("accounts:token_create"), {"label": "Tableur de suivi"})
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != key  # only the hash is stored
    request = RequestFactory().get("/api/", HTTP_AUTHORIZATION=f"Token {key}")
    assert api.user_from_request(request) == user
    assert key not in client.get(reverse("accounts:my_account")).content.decode()
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None  # kept, dated, and refused from now on
    assert [e.action for e in AuditEvent.objects.order_by("pk")] == ["jeton d'API créé", "jeton d'API révoqué"]
    request = RequestFactory().get("/api/", HTTP_AUTHORIZATION=f"Token {key}")  # a new request: no cache
    assert api.user_from_request(request) is None


def test_blank_token_label_is_refused(world, login):
    response = login(world.users["chef"]).post(reverse("accounts:token_create"), {"label": "  "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ApiToken.objects.exists()
