"""Main path in a real browser: network page → meeting → register → see the registration."""

from playwright.sync_api import expect

from quartiers.network import services
from tests.network.helpers import make_axis, make_meeting, make_network, member
from tests.world import build_world


def test_network_meeting_registration(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    network = make_network(world)
    meeting = make_meeting(world, capacity=20, title="Rencontre de printemps du réseau")
    axis = make_axis(world)
    services.support(axis, member(world, "lecteur"), None)
    browser_login(world.users["chef"])

    page.goto("/reseau/")
    assert_accessible(page)
    page.get_by_role("link", name=network.name).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Axes prioritaires : classement actuel")).to_be_visible()
    assert "1 soutien" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name=meeting.title).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=meeting.title)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="M'inscrire").click()
    page.wait_for_load_state()
    assert "Vous êtes inscrit·e à cette rencontre." in page.content()
    assert page.locator("#mon-inscription").inner_text().startswith("Votre inscription : Inscrit")
    expect(page.get_by_role("cell", name=member(world, "chef").full_name)).to_be_visible()
    assert_accessible(page)

    page.goto(f"/reseau/{network.slug}/annuaire/")
    assert "chef@exemple.test" in page.content()
    assert_accessible(page)


def test_manager_pages_are_accessible(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    network = make_network(world)
    meeting = make_meeting(world)
    services.register(meeting, member(world, "lecteur"), None)
    axis = make_axis(world)
    browser_login(world.users["animateur"])  # animating is the resource centre's job
    for url in (
        f"/reseau/{network.slug}/rencontres/",
        f"/reseau/{network.slug}/rencontres/nouvelle/",
        f"/reseau/rencontres/{meeting.pk}/ordre-du-jour/",
        f"/reseau/rencontres/{meeting.pk}/emargement/",
        f"/reseau/rencontres/{meeting.pk}/invitations/",
        f"/reseau/axes/{axis.pk}/",
    ):
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)
    page.goto(f"/reseau/rencontres/{meeting.pk}/emargement/")
    page.get_by_label(f"Émargement de {member(world, 'lecteur').full_name}").select_option("present")
    page.get_by_role("button", name="Enregistrer l'émargement").click()
    page.wait_for_load_state()
    assert "La feuille d'émargement est enregistrée." in page.content()


def test_rank_axes_and_import_members(page, browser_login, assert_accessible, transactional_db):
    from pathlib import Path

    from quartiers.network.models import Network

    world = build_world()
    network = make_network(world)
    Network.objects.filter(pk=network.pk).update(vote_mode="classement")
    make_axis(world, title="Observer les QPV")
    make_axis(world, title="Suivre le NPNRU")
    browser_login(world.users["chef"])

    page.goto(f"/reseau/{network.slug}/axes/classement/")
    assert_accessible(page)
    page.get_by_label("Suivre le NPNRU").select_option("1")
    page.get_by_label("Observer les QPV").select_option("2")
    page.get_by_role("button", name="Enregistrer mon classement").click()
    page.wait_for_load_state()
    assert "Votre classement est enregistré." in page.content()
    assert "1 votant" in page.content()
    ranking = page.locator(".axes-ranking").inner_text()
    assert ranking.index("Suivre le NPNRU") < ranking.index("Observer les QPV")
    assert_accessible(page)

    # Importing the directory is the resource centre's animator's job.
    page.context.clear_cookies()
    browser_login(world.users["animateur"])
    page.goto(f"/reseau/{network.slug}/import/")
    assert_accessible(page)
    page.get_by_label("Fichier des membres").set_input_files(
        str(Path(__file__).parent / "fixtures" / "membres-excel-cp1252.csv")
    )
    page.get_by_role("button", name="Voir l'aperçu").click()
    page.wait_for_load_state()
    assert "Aperçu de l'import" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert "Import terminé" in page.content()
    assert_accessible(page)
    assert network.members.filter(email="helene.lefebvre@exemple.test").exists()
