"""The document form's territory picker: the contributor's own territories in a labelled list."""

from django.urls import reverse

from quartiers.resources.forms import DocumentForm, scope_territory_choices
from quartiers.resources.models import Document

URL = "resources:document_create"


def _values(choices):
    return {value for _group, options in choices for value, _label in options}


def test_choices_are_the_scope_of_the_chef_grouped(world):
    choices = scope_territory_choices(world.users["chef"])
    assert [group for group, _options in choices][:1] == ["Communes"]
    values = _values(choices)
    assert "62193" in values and world.qpv.code in values  # Calais and its QPV
    assert "59183" not in values  # Dunkerque is another chef's territory
    assert scope_territory_choices(world.users["admin"]) == []  # all of France: codes are typed


def test_form_page_has_a_labelled_list(world, login):
    page = login(world.users["chef"]).get(reverse(URL)).content.decode()
    assert '<label for="id_territory_choices">Territoires de votre périmètre' in page
    assert '<optgroup label="Communes">' in page and "Calais (62193)" in page
    assert 'aria-describedby="id_territory_choices_helptext"' in page


def test_picked_and_typed_territories_are_saved_together(world, login):
    client = login(world.users["chef"])
    response = client.post(
        reverse(URL),
        {"title": "Note", "type": "guide", "date": "2024-03-01", "territory_choices": [world.qpv.code]},
    )
    assert response.status_code == 302
    doc = Document.objects.get()
    assert [q.code for q in doc.qpvs.all()] == [world.qpv.code] and not doc.communes.exists()
    form = DocumentForm(instance=doc, user=world.users["chef"])
    assert form.initial["territory_choices"] == [world.qpv.code] and form.initial["territories"] == ""


def test_a_choice_outside_the_list_is_refused_and_nothing_saved(world, login):
    client = login(world.users["chef"])
    response = client.post(
        reverse(URL),
        {"title": "Note", "type": "guide", "date": "2024-03-01", "territory_choices": ["59183"]},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Document.objects.exists()


def test_admin_types_codes_and_unknown_ones_are_named(world, login):
    client = login(world.users["admin"])
    assert "id_territory_choices" not in client.get(reverse(URL)).content.decode()
    response = client.post(
        reverse(URL), {"title": "Note", "type": "guide", "date": "2024-03-01", "territories": "59183, ZZ"}
    )
    assert "Territoire(s) inconnu(s) : ZZ" in response.content.decode().replace("&#x27;", "'")
    assert not Document.objects.exists()
