"""In a real browser: an administrator invites a person, who sets a password through the e-mailed link
and lands logged in; the account pages pass the accessibility check; the menu works on a phone."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.world import build_world

PASSWORD = "Calais littoral 2019 !"


def test_invitation_path(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    browser_login(world.users["admin"])
    assert_accessible(page)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Utilisateurs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Inviter", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("nadia.benali@exemple.test")
    page.get_by_label("Prénom").fill("Nadia")
    page.get_by_label("Nom", exact=True).fill("Benali")
    page.get_by_label("Organisation").select_option(label="CA Grand Calais Terres et Mers (test)")
    page.get_by_label("Rôle").select_option(label="Partenaire contributeur")
    # The territory is chosen by name among those the inviter may grant, never typed as a code.
    page.get_by_label("Territoire").select_option(value="epci:200090751")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    assert "Invitation envoyée à nadia.benali@exemple.test." in page.content()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()

    page.goto(link)
    expect(page.get_by_role("heading", name="Activer mon compte")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(PASSWORD)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Bonjour Nadia")).to_be_visible()
    assert "EPCI CA Grand Calais Terres et Mers" in page.content()
    assert_accessible(page)


def test_account_pages_are_accessible(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    admin = world.users["admin"]
    browser_login(admin)
    for path in (
        "/comptes/utilisateurs/",
        f"/comptes/utilisateurs/{world.users['chef'].pk}/",
        "/comptes/organisations/",
        "/comptes/organisations/nouvelle/",
        f"/comptes/organisations/{world.orgs['bailleur'].pk}/",
        "/comptes/journal/",
        "/comptes/mon-compte/mot-de-passe/",
    ):
        page.goto(path)
        assert_accessible(page)

    page.goto("/comptes/mon-compte/")
    page.get_by_label("Libellé du jeton").fill("Tableur de suivi")
    page.get_by_role("button", name="Créer un jeton").click()
    page.wait_for_load_state()
    assert page.get_by_label("Nouveau jeton").input_value()
    assert_accessible(page)
    page.get_by_role("button", name="Révoquer le jeton Tableur de suivi").click()
    page.wait_for_load_state()
    assert "Jeton « Tableur de suivi » révoqué : il est refusé dès maintenant." in page.content()
    # The audit page now lists what was just done.
    page.goto("/comptes/journal/")
    assert "jeton d&#x27;API révoqué" in page.content() or "jeton d'API révoqué" in page.content()
    assert_accessible(page)


def test_password_reset_pages_and_phone_menu(page, assert_accessible, transactional_db):
    build_world()
    page.goto("/comptes/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("inconnu@exemple.test")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Navigation principale")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and nav.is_visible()
    assert_accessible(page)
