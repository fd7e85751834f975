import re

from django.core import mail
from django.urls import reverse

from quartiers.core.models import AuditEvent
from tests.factories import UserFactory

NEW_PASSWORD = "Nouveau mot de passe 2019"


def test_password_reset_by_email_link(world, client):
    chef = world.users["chef"]
    response = client.post(reverse("accounts:password_reset"), {"email": chef.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Quartiers : choisir un nouveau mot de passe"
    link = re.search(r"https?://\S+", message.body).group(0)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    chef.refresh_from_db()
    assert chef.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="mot de passe réinitialisé", actor=chef).exists()
    assert "n'est plus valable" in client.get(link, follow=True).content.decode()


def test_mismatched_passwords_are_refused_in_french(world, client):
    client.post(reverse("accounts:password_reset"), {"email": world.users["chef"].email})
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "autre chose 2019"})
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_unknown_or_invited_addresses_get_no_mail(world, client):
    pending = UserFactory(email="attente@exemple.test")
    pending.set_unusable_password()
    pending.save()
    for email in ("inconnu@exemple.test", pending.email):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert not mail.outbox


def test_password_change_from_my_account(world, login):
    from tests.factories import PASSWORD

    client = login(world.users["lecteur"])
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("accounts:password_change"), data)
    assert response["Location"] == reverse("accounts:my_account")
    assert AuditEvent.objects.filter(action="mot de passe modifié").exists()
    assert client.get(reverse("accounts:my_account")).status_code == 200  # still logged in
