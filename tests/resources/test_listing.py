"""The resource list keeps its pages and cards (resources/listing.py): shared only by users who may see the same
rows, and never served after a write, whoever made it and however."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from quartiers.resources.models import Document, Theme
from tests.resources.helpers import make_document

pytestmark = pytest.mark.django_db


def _page(client, **params):
    return client.get(reverse("resources:index"), params).content.decode()


def test_a_kept_page_never_shows_a_reserved_document_to_a_visitor(world, login):
    make_document("Note interne sur la GUP", summary="GUP réservée.", public=False)
    make_document("Guide public de la GUP", summary="GUP pour tous.")
    member, visitor = login(world.users["lecteur"]), Client()
    for _ in range(2):  # the member's page kept first, then the visitor's, then both served from the cache
        assert "Note interne sur la GUP" in _page(member, q="gup")
        page = _page(visitor, q="gup")
        assert "Guide public de la GUP" in page and "Note interne" not in page
        assert "Note interne" not in _page(visitor)


def test_a_kept_page_follows_any_write(world, login):
    doc = make_document("Guide du contrat de ville", summary="Le contrat de ville.", themes=["cohesion-sociale"])
    client = login(world.users["lecteur"])
    assert "Guide du contrat de ville" in _page(client, q="contrat")
    Document.objects.filter(pk=doc.pk).update(title="Guide révisé")  # no signal sent
    assert "Guide révisé" in _page(client, q="contrat")
    Theme.objects.update(name="Cohésion sociale et citoyenneté")  # a theme renamed: the filter and the card
    page = _page(client, q="contrat")
    assert page.count("Cohésion sociale et citoyenneté") == 2
    try:
        with transaction.atomic():
            Document.objects.filter(pk=doc.pk).update(title="Titre annulé")
            assert "Titre annulé" in _page(client, q="contrat")
            raise RuntimeError("annulé")
    except RuntimeError:
        pass
    page = _page(client, q="contrat")
    assert "Guide révisé" in page and "Titre annulé" not in page


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_each_user_sees_his_own_favourites_on_a_shared_page(world):
    doc = make_document("Guide du contrat de ville", summary="Le contrat de ville.")
    chef, lecteur = _client(world.users["chef"]), _client(world.users["lecteur"])
    chef.post(reverse("resources:favourite_toggle", args=[doc.pk]))
    assert "Dans mes favoris" in _page(chef, q="contrat")
    assert "Dans mes favoris" not in _page(lecteur, q="contrat")
    assert "Dans mes favoris" in _page(chef, q="contrat")
