from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.accounts.models import Membership, Organisation
from quartiers.core import audit
from quartiers.core.models import AuditEvent
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_user_list_query_count_does_not_grow(world, login):
    client = login(world.users["admin"])
    url = reverse("accounts:user_list") + "?role=chef_de_projet"
    few = _queries(client, url)
    for i in range(30):
        MembershipFactory(
            role="chef_de_projet", scope_level="epci", scope_code="200090751", organisation=world.orgs["agglo"]
        )
        MembershipFactory(
            user=Membership.objects.last().user, role="lecteur", organisation=OrganisationFactory(name=f"Org {i}")
        )
    many = _queries(client, url)
    assert few == many


def test_user_list_filters(world, login):
    client = login(world.users["admin"])
    chef = world.users["chef"]
    chef.last_name = "Delattre"
    chef.save()
    page = client.get(reverse("accounts:user_list"), {"q": "delat"}).content.decode()
    assert chef.email in page and world.users["lecteur"].email not in page
    page = client.get(reverse("accounts:user_list"), {"organisation": world.orgs["bailleur"].pk}).content.decode()
    assert world.users["partenaire"].email in page and chef.email not in page
    pending = UserFactory(email="attente@exemple.test")
    pending.set_unusable_password()
    pending.save()
    page = client.get(reverse("accounts:user_list"), {"statut": "invite"}).content.decode()
    assert "1 compte" in page and pending.email in page


def test_user_detail_names_the_territories(world, login):
    page = login(world.users["admin"]).get(reverse("accounts:user_detail", args=[world.users["chef"].pk]))
    assert "CA Grand Calais Terres et Mers (200090751)" in page.content.decode()


def test_admin_adds_and_deactivates_a_membership(world, login):
    client = login(world.users["admin"])
    reader = world.users["lecteur"]
    data = {
        "organisation": world.orgs["agglo"].pk,
        "role": "partenaire",
        "scope_level": "commune",
        "scope_code": "62193",
    }
    response = client.post(reverse("accounts:membership_add", args=[reader.pk]), data)
    assert response.status_code == 302
    membership = reader.memberships.get(scope_code="62193")
    assert AuditEvent.objects.get(action="rattachement ajouté").changes["territoire"] == "Commune 62193"
    client.post(reverse("accounts:membership_deactivate", args=[membership.pk]))
    membership.refresh_from_db()
    assert not membership.active
    assert AuditEvent.objects.filter(action="rattachement désactivé").exists()
    # Deactivating twice says so, and writes nothing.
    response = client.post(reverse("accounts:membership_deactivate", args=[membership.pk]), follow=True)
    assert "déjà désactivé" in response.content.decode()
    assert AuditEvent.objects.filter(action="rattachement désactivé").count() == 1


def test_bad_membership_is_refused_in_french(world, login):
    client = login(world.users["admin"])
    reader = world.users["lecteur"]
    data = {
        "organisation": world.orgs["agglo"].pk,
        "role": "partenaire",
        "scope_level": "commune",
        "scope_code": "99999",
    }
    response = client.post(reverse("accounts:membership_add", args=[reader.pk]), data)
    assert response.status_code == 400
    assert "Aucun(e) commune de code 99999" in response.content.decode()
    assert reader.memberships.count() == 1 and not AuditEvent.objects.exists()


def test_deactivated_account_cannot_log_in(world, login, client):
    admin_client = login(world.users["admin"])
    chef = world.users["chef"]
    admin_client.post(reverse("accounts:user_set_active", args=[chef.pk]), {"actif": "0"})
    chef.refresh_from_db()
    assert not chef.is_active
    assert AuditEvent.objects.filter(action="compte désactivé", object_id=str(chef.pk)).exists()
    admin_client.logout()
    from tests.factories import PASSWORD

    response = admin_client.post(reverse("accounts:login"), {"username": chef.email, "password": PASSWORD})
    assert response.status_code == 200


def test_admin_cannot_deactivate_himself(world, login):
    admin = world.users["admin"]
    response = login(admin).post(reverse("accounts:user_set_active", args=[admin.pk]), {"actif": "0"}, follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_organisations_create_edit_and_list(world, login):
    client = login(world.users["admin"])
    url = reverse("accounts:organisation_list")
    few = _queries(client, url)
    response = client.post(
        reverse("accounts:organisation_create"), {"name": "Centre social Matisse", "kind": "association"}
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Centre social Matisse")
    assert AuditEvent.objects.filter(action="organisation créée", object_id=str(org.pk)).exists()
    response = client.post(
        reverse("accounts:organisation_edit", args=[org.pk]), {"name": "Centre social Matisse", "kind": "autre"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="organisation modifiée").changes == {"type": ["association", "autre"]}
    # A duplicate name is refused in French and nothing is written.
    response = client.post(reverse("accounts:organisation_create"), {"name": "Centre social Matisse", "kind": "autre"})
    assert "existe déjà" in response.content.decode()
    assert Organisation.objects.filter(name="Centre social Matisse").count() == 1
    for i in range(20):
        MembershipFactory(organisation=OrganisationFactory(name=f"Association {i}"))
    assert _queries(client, url) == few
    assert "Centre social Matisse" in client.get(url).content.decode()


def test_audit_list_filters_and_constant_queries(world, login):
    client = login(world.users["admin"])
    audit.record(world.users["chef"], "action modifiée", world.orgs["agglo"])
    url = reverse("accounts:audit_list")
    few = _queries(client, url)
    for i in range(60):
        audit.record(world.users["partenaire"] if i % 2 else None, "signalement créé", world.orgs["bailleur"])
    assert _queries(client, url) == few
    page = client.get(url, {"acteur": world.users["chef"].email}).content.decode()
    assert "1 événement" in page and "action modifiée" in page
    page = client.get(url, {"q": "signalement"}).content.decode()
    assert "60 événements" in page and "Page 1 sur 2" in page
    page = client.get(url, {"du": "2001-01-01", "au": "2001-12-31"}).content.decode()
    assert "0 événement" in page
    page = client.get(url, {"du": "pas une date"}).content.decode()
    assert "Saisissez une date valide" in page
