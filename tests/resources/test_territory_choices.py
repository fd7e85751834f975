"""The library's filter choices: built once per data version, rebuilt when territories, links or themes change."""

import pytest
from django.urls import reverse

from quartiers.resources import listing
from quartiers.resources.models import Theme
from quartiers.territories.models import EPCI
from tests.resources.helpers import calais_document, make_document

pytestmark = pytest.mark.django_db


def _territories():
    return listing.filter_choices(listing.version())[1]


def test_themes_follow_a_rename(world):
    theme = Theme.objects.create(slug="gup", name="GUP")
    assert [t.name for t in listing.filter_choices(listing.version())[0]] == ["GUP"]
    Theme.objects.filter(pk=theme.pk).update(name="Gestion urbaine de proximité")  # no signal sent
    assert [t.name for t in listing.filter_choices(listing.version())[0]] == ["Gestion urbaine de proximité"]


def choices_page(client):
    return client.get(reverse("resources:index")).context["form"].fields["territoire"].choices


def test_cached_choices_are_those_built_from_the_database(world, client, django_assert_num_queries):
    calais_document(world, title="Note de Calais")
    doc = make_document("Note de quartier")
    doc.qpvs.add(world.qpv)
    built = listing.build_territory_choices()
    assert ("commune:62193", "Calais (commune)") in built and f"qpv:{world.qpv.code}" in dict(built)
    assert _territories() == built
    with django_assert_num_queries(2):  # the versions only: the territories' queries are not run again
        assert _territories() == built


def test_choices_follow_new_links_and_renamed_territories(world, client):
    calais_document(world, title="Note de Calais")
    before = dict(_territories())
    assert "commune:59183" not in before
    doc = make_document("Note de Dunkerque")
    doc.communes.add(world.dunkerque)
    assert dict(_territories())["commune:59183"] == "Dunkerque (commune)"
    doc.communes.clear()
    assert "commune:59183" not in dict(_territories())
    epci = EPCI.objects.get(siren="200090751")
    epci.nom = "CA du Calaisis (renommée)"
    epci.save()
    assert dict(_territories())["epci:200090751"] == "CA du Calaisis (renommée) (EPCI)"
