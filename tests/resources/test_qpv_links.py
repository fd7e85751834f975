"""The QPV fiche lists the documents about the quartier or its communes (territories hook)."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from quartiers.resources.apps import QPV_LINKS, qpv_links
from quartiers.territories import hooks
from tests.resources.helpers import make_document


def _docs(world):
    on_qpv = make_document("Diagnostic en marchant de Fort Nieulay", public=True)
    on_qpv.qpvs.add(world.qpv)
    on_commune = make_document("Note interne sur Calais", public=False, date=datetime.date(2020, 1, 1))
    on_commune.communes.add(world.calais)
    elsewhere = make_document("Étude de Dunkerque", public=True)
    elsewhere.communes.add(world.dunkerque)
    return on_qpv, on_commune, elsewhere


def test_provider_is_registered():
    assert qpv_links in hooks.QPV_LINK_PROVIDERS


def test_visible_documents_of_the_qpv_and_its_communes(world, django_assert_num_queries):
    on_qpv, on_commune, _elsewhere = _docs(world)
    with django_assert_num_queries(1):
        anonymous = qpv_links(world.qpv, AnonymousUser())
    assert [url for _label, url in anonymous[:-1]] == [reverse("resources:document", args=[on_qpv.pk])]
    assert anonymous[-1][1] == reverse("resources:index") + "?territoire=qpv%3AQN06253M"
    member = qpv_links(world.qpv, world.users["lecteur"])
    labels = [label for label, _url in member]
    assert labels[0].startswith("Ressource : Note interne sur Calais (01/01/2020)")
    assert any("Fort Nieulay" in label for label in labels)
    assert not any("Dunkerque" in label for label in labels)


def test_nothing_when_no_document_and_capped_at_five(world):
    assert qpv_links(world.qpv_dunkerque, world.users["admin"]) == []
    for i in range(QPV_LINKS + 2):
        make_document(f"Compte rendu {i}").qpvs.add(world.qpv)
    links = qpv_links(world.qpv, AnonymousUser())
    assert len(links) == QPV_LINKS + 1 and links[-1][0].startswith("Voir tous")


def test_qpv_fiche_shows_the_links_and_voir_tous_filters_the_library(client, world):
    on_qpv, on_commune, elsewhere = _docs(world)
    page = client.get(reverse("territories:qpv_detail", args=[world.qpv.code])).content.decode()
    assert "Diagnostic en marchant de Fort Nieulay" in page and "Note interne sur Calais" not in page
    client.force_login(world.users["lecteur"])
    page = client.get(reverse("territories:qpv_detail", args=[world.qpv.code])).content.decode()
    assert "Note interne sur Calais" in page
    listing = client.get(reverse("resources:index"), {"territoire": f"qpv:{world.qpv.code}"})
    ids = {d.pk for d in listing.context["documents"]}
    assert ids == {on_qpv.pk, on_commune.pk}
    bad = client.get(reverse("resources:index"), {"territoire": "qpv:QN99999X"})
    assert list(bad.context["documents"]) == [] and bad.context["form"].errors
