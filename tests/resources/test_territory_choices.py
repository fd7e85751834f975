"""The territory filter of the library: built once per data version, rebuilt when territories or links change."""

import pytest
from django.urls import reverse

from quartiers.resources import views
from quartiers.territories.models import EPCI
from tests.resources.helpers import calais_document, make_document

pytestmark = pytest.mark.django_db


def choices_page(client):
    return client.get(reverse("resources:index")).context["form"].fields["territoire"].choices


def test_cached_choices_are_those_built_from_the_database(world, client, django_assert_num_queries):
    calais_document(world, title="Note de Calais")
    doc = make_document("Note de quartier")
    doc.qpvs.add(world.qpv)
    built = views._build_territory_choices()
    assert ("commune:62193", "Calais (commune)") in built and f"qpv:{world.qpv.code}" in dict(built)
    assert views._territory_choices() == built
    with django_assert_num_queries(1):  # the fingerprint only: the EPCI × commune join is not run again
        assert views._territory_choices() == built


def test_choices_follow_new_links_and_renamed_territories(world, client):
    calais_document(world, title="Note de Calais")
    before = dict(views._territory_choices())
    assert "commune:59183" not in before
    doc = make_document("Note de Dunkerque")
    doc.communes.add(world.dunkerque)
    assert dict(views._territory_choices())["commune:59183"] == "Dunkerque (commune)"
    doc.communes.clear()
    assert "commune:59183" not in dict(views._territory_choices())
    epci = EPCI.objects.get(siren="200090751")
    epci.nom = "CA du Calaisis (renommée)"
    epci.save()
    assert dict(views._territory_choices())["epci:200090751"] == "CA du Calaisis (renommée) (EPCI)"
