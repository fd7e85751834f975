import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from quartiers.accounts import services
from quartiers.accounts.models import Membership, User
from quartiers.accounts.tokens import invitation_token
from quartiers.core.models import AuditEvent

NEW_PASSWORD = "Un mot de passe solide 2019"


def _post_invitation(client, world, **overrides):
    data = {
        "email": "Nadia.Benali@Exemple.test",
        "first_name": "Nadia",
        "last_name": "Benali",
        "organisation": world.orgs["agglo"].pk,
        "role": "partenaire",
        "territory": "epci:200090751",
        "function": "Chargée de mission",
    } | overrides
    return client.post(reverse("accounts:invite"), data)


def _link(message):
    return re.search(r"https?://\S+", message.body).group(0)


def test_admin_invites_and_the_person_sets_a_password(world, login, django_capture_on_commit_callbacks):
    client = login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_invitation(client, world)
    assert response.status_code == 302
    user = User.objects.get(email="nadia.benali@exemple.test")
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert (membership.role, membership.scope_key, membership.organisation) == (
        "partenaire",
        "epci:200090751",
        world.orgs["agglo"],
    )
    event = AuditEvent.objects.get(action="invitation envoyée")
    assert event.actor == world.users["admin"] and event.object_id == str(user.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia.benali@exemple.test"]
    assert mail.outbox[0].subject == "Invitation à rejoindre Quartiers"

    client.logout()
    link = _link(mail.outbox[0])
    response = client.get(link)
    assert response.status_code == 302  # the token leaves the URL for the session
    form_url = response["Location"]
    assert "Activer mon compte" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("site:home")
    home = client.get(reverse("site:home")).content.decode()
    assert "Bonjour Nadia" in home and "CA Grand Calais Terres et Mers" in home
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="invitation acceptée", actor=user).exists()

    # The link serves once.
    client.logout()
    assert "n'est plus valable" in client.get(link, follow=True).content.decode()


def test_invitation_link_expires(world, monkeypatch):
    user = services.invite(
        world.users["admin"],
        email="tard@exemple.test",
        organisation=world.orgs["agglo"],
        role="lecteur",
        scope_level="epci",
        scope_code="200090751",
        base_url="http://testserver/",
    )
    token = invitation_token.make_token(user)
    assert invitation_token.check_token(user, token)
    monkeypatch.setattr(invitation_token, "_now", lambda: datetime.now() + timedelta(days=8))
    assert not invitation_token.check_token(user, token)


def test_a_password_reset_token_is_not_an_invitation(world, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = User.objects.create_user("x@exemple.test")
    user.set_unusable_password()
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("accounts:invitation_accept", args=[uid, default_token_generator.make_token(user)])
    assert "n'est plus valable" in client.get(url).content.decode()


def test_chef_invites_on_his_territory_and_its_communes(world, login, django_capture_on_commit_callbacks):
    client = login(world.users["chef"])
    with django_capture_on_commit_callbacks(execute=True):
        assert _post_invitation(client, world).status_code == 302
        response = _post_invitation(client, world, email="commune@exemple.test", territory="commune:62193")
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert Membership.objects.filter(user__email="commune@exemple.test", scope_code="62193").exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        # Only the territories of his scope are offered: another one is not a valid choice.
        ({"territory": "epci:245900428"}, "Sélectionnez un choix valide"),
        ({"territory": "region:32"}, "Sélectionnez un choix valide"),
        ({"territory": "epci:200000000"}, "Sélectionnez un choix valide"),
        ({"role": "administrateur"}, "Sélectionnez un choix valide"),
        ({"role": "delegue_prefet"}, "Sélectionnez un choix valide"),
        ({"role": "animateur"}, "Sélectionnez un choix valide"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide"),
    ],
)
def test_refused_invitations_create_nothing(world, login, overrides, message):
    client = login(world.users["chef"])
    users = User.objects.count()
    response = _post_invitation(client, world, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == users
    assert not AuditEvent.objects.exists()
    assert not mail.outbox


def test_inviting_an_existing_account_only_proposes_the_membership(world, login, django_capture_on_commit_callbacks):
    client = login(world.users["admin"])
    reader = world.users["lecteur"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_invitation(client, world, email=reader.email.upper())
    assert response.status_code == 302
    # Nothing changes on the account until its holder accepts.
    assert reader.memberships.count() == 1
    assert mail.outbox[0].subject == "Quartiers : un rattachement vous est proposé"
    assert "Rien ne change sur votre compte" in mail.outbox[0].body
    # The same proposal twice is refused, in French.
    response = _post_invitation(client, world, email=reader.email)
    assert "Ce rattachement lui est déjà proposé" in response.content.decode()

    link = _link(mail.outbox[0])
    # « Mon compte » lists the proposal with its link (in case the e-mail is lost).
    assert link in login(reader).get(reverse("accounts:my_account")).content.decode()
    # Someone else holding the link cannot accept it for him.
    client = login(world.users["chef"])
    assert client.post(link).status_code == 403
    assert reader.memberships.count() == 1
    client = login(reader)
    page = client.get(link).content.decode()
    assert "Accepter ce rattachement" in page and "CA Grand Calais Terres et Mers" in page
    assert client.post(link).status_code == 302
    assert reader.memberships.filter(organisation=world.orgs["agglo"], role="partenaire").exists()
    assert AuditEvent.objects.filter(action="rattachement accepté", actor=reader).exists()
    # The link serves once; an existing membership is not proposed again.
    assert "n'est plus valable" in client.get(link).content.decode()
    client = login(world.users["admin"])
    assert "Cette personne a déjà ce rôle" in _post_invitation(client, world, email=reader.email).content.decode()


def test_a_forged_or_expired_proposal_link_is_refused(world, login, monkeypatch):
    from django.core import signing

    from quartiers.accounts.models import PendingMembership

    pending = PendingMembership.objects.create(
        user=world.users["lecteur"],
        organisation=world.orgs["agglo"],
        role="lecteur",
        scope_level="epci",
        scope_code="200090751",
    )
    link = services.pending_link(pending, "http://testserver")
    client = login(world.users["lecteur"])
    forged = link.replace(f"/{pending.pk}:", f"/{pending.pk + 1}:")
    assert "n'est plus valable" in client.get(forged).content.decode()
    monkeypatch.setattr(signing.time, "time", lambda: signing.time.monotonic() + 10**10)
    assert "n'est plus valable" in client.get(link).content.decode()
    assert client.post(link).status_code == 200
    assert world.users["lecteur"].memberships.count() == 1


def test_deactivated_account_cannot_be_invited(world):
    reader = world.users["lecteur"]
    reader.is_active = False
    reader.save()
    with pytest.raises(services.ServiceError, match="désactivé"):
        services.invite(
            world.users["admin"],
            email=reader.email,
            organisation=world.orgs["agglo"],
            role="lecteur",
            scope_level="epci",
            scope_code="200090751",
            base_url="http://testserver/",
        )


def test_admin_resends_a_pending_invitation(world, login, django_capture_on_commit_callbacks):
    user = services.invite(
        world.users["admin"],
        email="attente@exemple.test",
        organisation=world.orgs["agglo"],
        role="lecteur",
        scope_level="epci",
        scope_code="200090751",
        base_url="http://testserver/",
    )
    client = login(world.users["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:invitation_resend", args=[user.pk]))
    assert len(mail.outbox) == 1 and "/comptes/invitation/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="invitation renvoyée").exists()
    # Someone who already chose a password is told to use the reset link instead.
    response = client.post(reverse("accounts:invitation_resend", args=[world.users["chef"].pk]), follow=True)
    assert "Mot de passe oublié" in response.content.decode()


def test_mail_server_down_keeps_the_invitation(world, settings, django_capture_on_commit_callbacks, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite(
            world.users["admin"],
            email="panne@exemple.test",
            organisation=world.orgs["agglo"],
            role="lecteur",
            scope_level="epci",
            scope_code="200090751",
            base_url="http://testserver/",
        )
    assert user.memberships.exists() and AuditEvent.objects.filter(action="invitation envoyée").exists()
    assert "invitation e-mail to panne@exemple.test failed" in caplog.text


def test_invite_form_offers_names_among_what_the_inviter_may_grant(world, login):
    form = login(world.users["chef"]).get(reverse("accounts:invite")).context["form"]
    assert "scope_code" not in form.fields and "Code du territoire" not in str(form)
    territories = dict(form.fields["territory"].choices)
    assert territories["EPCI"] == [("epci:200090751", "CA Grand Calais Terres et Mers")]
    assert territories["Communes"] == [("commune:62193", "Calais (62)")]
    assert "Départements" not in territories and "Régions" not in territories
    organisations = {str(o) for o in form.fields["organisation"].queryset}
    assert organisations == {"Bailleur social (test)", "CA Grand Calais Terres et Mers (test)"}
    assert [key for key, _ in form.fields["role"].choices] == ["chef_de_projet", "partenaire", "lecteur"]
    # The administrator grants everything, the State's and the resource centre's roles included.
    form = login(world.users["admin"]).get(reverse("accounts:invite")).context["form"]
    assert {"delegue_prefet", "animateur", "administrateur"} <= {key for key, _ in form.fields["role"].choices}
    assert "Préfecture du Pas-de-Calais (test)" in {str(o) for o in form.fields["organisation"].queryset}
    territories = dict(form.fields["territory"].choices)
    assert ("departement:62", "Pas-de-Calais (62)") in territories["Départements"]
    assert ("commune:59183", "Dunkerque (59)") in territories["Communes"]


def test_invite_form_lists_territories_with_a_constant_number_of_queries(world, login, django_assert_max_num_queries):
    from quartiers.territories.models import Commune

    for n in range(30):
        Commune.objects.create(
            insee=f"62{900 + n}", nom=f"Commune {n}", departement=world.pas_de_calais, epci=world.grand_calais
        )
    client = login(world.users["chef"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("accounts:invite")).content.decode()
    assert "Commune 29 (62)" in page
