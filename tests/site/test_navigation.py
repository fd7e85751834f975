from django.urls import reverse


def test_header_has_landmarks_skip_link_and_menu_button(client, db):
    page = client.get(reverse("site:home")).content.decode()
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
    assert '<main id="contenu"' in page and "<header" in page and "<footer" in page
    assert 'aria-label="Navigation principale"' in page
    # Without JavaScript the button stays hidden and the menu open; nav.js turns it into a toggle.
    assert 'aria-controls="menu-principal" aria-expanded="false" hidden' in page
    assert "quartiers/nav.js" in page


def test_administration_entry_for_administrators_only(world, login):
    admin_page = login(world.users["admin"]).get(reverse("accounts:user_list")).content.decode()
    assert f'<a href="{reverse("accounts:user_list")}" aria-current="page">Administration</a>' in admin_page
    chef_page = login(world.users["chef"]).get(reverse("site:home")).content.decode()
    assert ">Administration<" not in chef_page


def test_current_page_is_marked(world, login):
    page = login(world.users["chef"]).get(reverse("accounts:my_account")).content.decode()
    assert f'<a href="{reverse("accounts:my_account")}" aria-current="page">' in page


def test_form_help_and_errors_are_described_by_the_field(world, login):
    response = login(world.users["chef"]).post(reverse("accounts:token_create"), {"label": ""})
    page = response.content.decode()
    assert 'aria-describedby="id_label_helptext id_label_error"' in page
    assert 'id="id_label_helptext"' in page and 'id="id_label_error"' in page
