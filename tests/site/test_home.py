from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.core import audit, jobs
from tests.factories import MembershipFactory


def _get(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("site:home"))
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_anonymous_home_invites_to_log_in(client, db):
    page, _ = _get(client)
    assert "Se connecter" in page and "Mes territoires" not in page


def test_home_shows_territories_with_their_names(world, login):
    page, _ = _get(login(world.users["chef"]))
    assert "EPCI CA Grand Calais Terres et Mers" in page
    assert "chef de projet, CA Grand Calais Terres et Mers (test)" in page
    assert "Inviter une personne" in page
    page, _ = _get(login(world.users["lecteur"]))
    assert "Région Hauts-de-France" in page and "Inviter une personne" not in page


def test_recent_changes_are_those_around_the_user(world, login):
    chef, colleague = world.users["chef"], MembershipFactory(organisation=world.orgs["agglo"]).user
    audit.record(chef, "action créée", world.orgs["agglo"])
    audit.record(colleague, "engagement modifié", world.orgs["agglo"])
    audit.record(world.users["autre_chef"], "réunion créée", world.orgs["cud"])
    audit.record(world.users["admin"], "rattachement ajouté", chef)
    page, _ = _get(login(chef))
    assert "action créée" in page and "engagement modifié" in page and "rattachement ajouté" in page
    assert "réunion créée" not in page
    page, _ = _get(login(world.users["admin"]))
    assert "réunion créée" in page and "Tout le journal des modifications" in page


def test_home_lists_my_jobs(world, login):
    jobs.HANDLERS.setdefault("tests.noop", lambda job: None)
    jobs.Job.objects.create(
        kind="tests.noop", label="Import des adresses du 62", owner=world.users["chef"], total=10, done=4
    )
    jobs.Job.objects.create(kind="tests.noop", label="Tâche d'un autre", owner=world.users["autre_chef"])
    page, _ = _get(login(world.users["chef"]))
    assert "Import des adresses du 62" in page and "(40 %)" in page and "Tâche d'un autre" not in page


def test_home_query_count_does_not_grow(world, login):
    chef = world.users["chef"]
    agglo = world.orgs["agglo"]
    # Memberships at every territory level: names cost one query per level present.
    MembershipFactory(user=chef, organisation=agglo, role="lecteur", scope_level="departement", scope_code="62")
    MembershipFactory(user=chef, organisation=agglo, role="lecteur", scope_level="region", scope_code="32")
    MembershipFactory(user=chef, organisation=agglo, role="lecteur", scope_level="commune", scope_code="62193")
    client = login(chef)
    page, few = _get(client)
    assert "Département Pas-de-Calais" in page and "Commune Calais" in page
    jobs.HANDLERS.setdefault("tests.noop", lambda job: None)
    for i in range(20):
        org = MembershipFactory(user=chef, role="partenaire", scope_level="commune", scope_code="62193").organisation
        audit.record(chef, f"modification {i}", org)
        jobs.Job.objects.create(kind="tests.noop", label=f"Tâche {i}", owner=chef)
    page, many = _get(client)
    assert "modification 19" in page
    assert many == few


def test_quick_links_do_not_repeat_the_header_names(world, login):
    from quartiers.site.context_processors import NAVIGATION
    from quartiers.site.views import QUICK_LINKS

    page, _ = _get(login(world.users["chef"]))
    assert "Accès rapide" in page
    for _name, label in QUICK_LINKS:
        assert not any(nav.lower() in label.lower() for _n, nav in NAVIGATION), label


def test_home_links_the_littoral_communes(client, db):
    page = client.get("/").content.decode()
    assert 'href="/territoires/communes/62193/"' in page or "/62193/" in page
    assert "Saint-Martin-Boulogne" in page
