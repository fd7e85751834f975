"""API tokens: scopes per module, service tokens of an organisation, revocation, usage, rate limit."""

import pytest
from django.test import override_settings
from django.urls import reverse

from quartiers.accounts import api_tokens
from quartiers.accounts.models import ApiToken
from quartiers.core.models import AuditEvent


def _auth(key, scheme="Token"):
    return {"HTTP_AUTHORIZATION": f"{scheme} {key}"}


def test_token_is_created_scoped_and_counted(world, client):
    token, key = api_tokens.create(world.users["chef"], "SIG", {"contracts": "read", "gup": "write"})
    assert token.key_hash != key and key.startswith(token.prefix)
    for scheme in ("Token", "Bearer"):
        answer = client.get(reverse("api:token_me"), **_auth(key, scheme))
        assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["portees"] == {"contracts": "read", "gup": "write"} and body["type"] == "personnel"
    token.refresh_from_db()
    assert token.use_count == 2 and token.last_used_at is not None


def test_a_token_without_the_module_scope_is_refused_on_that_module(world, client):
    _token, key = api_tokens.create(world.users["lecteur"], "lecture GUP", {"gup": "read"})
    assert client.get("/api/gup/signalements/", **_auth(key)).status_code == 200
    assert client.get("/api/contrats/", **_auth(key)).status_code == 401


def test_write_scope_beyond_ones_rights_is_refused(world, login):
    with pytest.raises(api_tokens.TokenError, match="ne permet pas d'y contribuer"):
        api_tokens.create(world.users["lecteur"], "SI", {"contracts": "write"})
    response = login(world.users["lecteur"]).post(
        reverse("accounts:token_create"), {"label": "SI", "scope_contracts": "write"}
    )
    assert response.status_code == 400 and "ne permet pas" in response.content.decode()
    with pytest.raises(api_tokens.TokenError, match="Portée inconnue"):
        api_tokens.create(world.users["chef"], "SI", {"eligibility": "write"})
    assert not ApiToken.objects.exists()


def test_service_token_acts_with_its_creators_memberships_of_the_organisation_only(world, login, client):
    chef = world.users["chef"]
    response = login(chef).post(
        reverse("accounts:token_create"),
        {"label": "Logiciel de l'agglo", "organisation": world.orgs["agglo"].pk, "scope_gup": "write"},
    )
    assert response.status_code == 200
    key = response.context["new_key"]
    token = ApiToken.objects.get(label="Logiciel de l'agglo")
    assert token.organisation == world.orgs["agglo"]
    user = api_tokens.acting_user(token)
    assert user._quartiers_memberships == [("chef_de_projet", "epci", "200090751", world.orgs["agglo"].pk)]
    assert client.get(reverse("api:token_me"), **_auth(key)).json()["type"] == "service"
    # Only an administrator of the organisation creates one (the partner of the landlord is not).
    with pytest.raises(api_tokens.TokenError, match="Seul un chef de projet"):
        api_tokens.create(world.users["partenaire"], "SI", {"gup": "read"}, world.orgs["bailleur"])


def test_service_token_of_an_admin_is_never_the_platform_administrator(world):
    admin = world.users["admin"]
    token, _key = api_tokens.create(admin, "Service IREV", {"gup": "read"}, world.orgs["irev"])
    user = api_tokens.acting_user(token)
    assert not user.is_superuser and user._quartiers_memberships == []
    from quartiers.core.permissions import is_admin

    assert not is_admin(user)


def test_revoking_stops_the_token_at_once_and_another_users_token_is_refused(world, login, client):
    token, key = api_tokens.create(world.users["chef"], "SIG", {"gup": "read"})
    assert client.get(reverse("api:token_me"), **_auth(key)).status_code == 200
    assert login(world.users["partenaire"]).post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    login(world.users["chef"]).post(reverse("accounts:token_revoke", args=[token.pk]))
    client.logout()
    answer = client.get(reverse("api:token_me"), **_auth(key))
    assert answer.status_code == 401 and "révoqué" in answer.json()["erreur"]
    assert AuditEvent.objects.filter(action="jeton d'API révoqué").count() == 1


def test_unknown_token_and_no_token_get_a_french_401(world, client):
    answer = client.get(reverse("api:token_me"), **_auth("faux"))
    assert answer.status_code == 401 and "Jeton inconnu" in answer.json()["erreur"]
    answer = client.get(reverse("api:token_me"))
    assert answer.status_code == 401 and "Authentification requise" in answer.json()["erreur"]


@override_settings(API_RATE_PER_MINUTE=3)
def test_rate_limit_per_token_answers_429_with_retry_after(world, client):
    _token, key = api_tokens.create(world.users["chef"], "boucle", {"gup": "read"})
    statuses = [client.get(reverse("api:token_me"), **_auth(key)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    answer = client.get(reverse("api:token_me"), **_auth(key))
    assert answer.status_code == 429 and 1 <= int(answer["Retry-After"]) <= 60
    assert "Trop de requêtes" in answer.json()["erreur"]


def test_the_account_page_lists_scopes_usage_and_the_organisations_service_tokens(world, login):
    api_tokens.create(world.users["chef"], "Service agglo", {"gup": "read"}, world.orgs["agglo"])
    page = login(world.users["chef"]).get(reverse("accounts:my_account")).content.decode()
    assert "Service agglo" in page and "Service — CA Grand Calais" in page and "GUP" in page
