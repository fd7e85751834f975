"""Pages of the resource library: list and search, document, forms, favourites, feeds, print view."""

import datetime
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
from django.urls import reverse

from quartiers.core.models import AuditEvent
from quartiers.resources.models import Document, Favourite
from tests.resources.helpers import PNG_BYTES, calais_document, make_digest, make_document, upload

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _many(world, n, start=0):
    for i in range(start, start + n):
        doc = calais_document(world, title=f"Quartier prioritaire n° {i}", themes=["npnru", "gup"], type="guide")
        Favourite.objects.create(user=world.users["lecteur"], document=doc)


@pytest.mark.parametrize("query", ["", "?q=quartiers+prioritaires&type=guide&theme=gup&territoire=epci:200090751"])
def test_list_and_search_queries_do_not_grow_with_the_data(
    world, login, django_assert_num_queries, django_assert_max_num_queries, query
):
    client = login(world.users["lecteur"])
    _many(world, 2)
    url = reverse("resources:index") + query
    client.get(url)  # warm the session/user caches
    with django_assert_max_num_queries(13) as first:
        assert client.get(url).status_code == 200
    expected = len(first.captured_queries)  # read now: the next request resets the query log
    _many(world, 30, start=2)
    client.get(url)  # the new links change the data version: the territory choices are rebuilt once
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.context["page"].paginator.count == 32
    assert response.content.decode().count("Dans mes favoris") == 20


def test_search_page_shows_ranked_highlighted_results(world, client):
    make_document("Guide du contrat de ville", summary="Révision des contrats de ville.")
    make_document("Compte rendu", text="On a aussi parlé du contrat de ville.")
    make_document("Hors sujet", text="GUP.")
    response = client.get(reverse("resources:index"), {"q": "contrats de ville"})
    page = response.content.decode()
    assert "2 résultats" in page
    assert page.index(">Guide du contrat de ville</a>") < page.index(">Compte rendu</a>")
    assert "<mark>contrats</mark>" in page
    assert "Hors sujet" not in page


def test_a_broad_search_counts_up_to_the_cap_and_says_so(world, client, monkeypatch):
    from quartiers.resources import listing

    for i in range(5):
        make_document(f"Contrat de ville n° {i}", summary="Le contrat de ville.")
    monkeypatch.setattr(listing, "COUNT_CAP", 3)
    page = client.get(reverse("resources:index"), {"q": "contrat ville"}).content.decode()
    assert "Plus de 3 résultats" in page
    assert "5 résultats" not in page
    monkeypatch.setattr(listing, "COUNT_CAP", 5)
    page = client.get(reverse("resources:index"), {"q": "contrat ville"}).content.decode()
    assert "5 résultats, les plus pertinents d'abord" in page and "Plus de" not in page


def test_anonymous_visitors_do_not_find_reserved_documents(client):
    make_document("Note interne sur la GUP", public=False)
    make_document("Guide public de la GUP")
    page = client.get(reverse("resources:index"), {"q": "gup"}).content.decode()
    assert "Guide public de la GUP" in page and "Note interne" not in page


def test_bad_dates_give_a_french_error(world, client):
    page = client.get(reverse("resources:index"), {"du": "2020-01-01", "au": "2019-01-01"}).content.decode()
    assert "La date de début doit précéder la date de fin." in page


def test_create_document_with_attachment(world, login, run_jobs):
    client = login(world.users["partenaire"])
    response = client.post(
        reverse("resources:document_create"),
        {
            "title": "Charte de relogement",
            "type": "guide",
            "date": "2024-03-01",
            "summary": "Relogement des ménages du NPNRU.",
            "territories": "62193, QN06253M",
            "public": "on",
            "author_organisation": world.orgs["bailleur"].pk,
            "attachment": upload("charte.png", PNG_BYTES, "image/png"),
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    assert doc.created_by == world.users["partenaire"]
    assert [c.insee for c in doc.communes.all()] == ["62193"] and [q.code for q in doc.qpvs.all()] == ["QN06253M"]
    assert doc.attachments.get().kind == "PNG"
    assert [d.pk for d in Document.objects.search("relogement")] == [doc.pk]
    assert AuditEvent.objects.filter(action="document créé", object_id=str(doc.pk)).exists()
    # The partner wrote it: they may edit it.
    assert client.get(reverse("resources:document_edit", args=[doc.pk])).status_code == 200


@pytest.mark.parametrize(
    "territories, error",
    [
        ("99999", "Territoire(s) inconnu(s) : 99999"),
        ("59183", "hors de votre périmètre"),
        ("", "Indiquez au moins un territoire"),
    ],
)
def test_create_document_refuses_bad_territories(world, login, territories, error):
    client = login(world.users["chef"])
    response = client.post(
        reverse("resources:document_create"),
        {"title": "Note", "type": "guide", "date": "2024-03-01", "territories": territories},
    )
    assert response.status_code == 200
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not Document.objects.exists()


def test_a_bad_attachment_leaves_no_document(world, login):
    client = login(world.users["chef"])
    response = client.post(
        reverse("resources:document_create"),
        {
            "title": "Note",
            "type": "guide",
            "date": "2024-03-01",
            "territories": "62193",
            "attachment": upload("note.pdf", b"MZ" + b"\x00" * 100),
        },
    )
    assert response.status_code == 200
    assert "format accepté" in response.content.decode()
    assert not Document.objects.exists()


def test_favourites_toggle_with_htmx_and_list(world, login):
    doc = make_document("Guide GUP")
    client = login(world.users["lecteur"])
    url = reverse("resources:favourite_toggle", args=[doc.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Dans mes favoris" in response.content.decode() and 'aria-pressed="true"' in response.content.decode()
    page = client.get(reverse("resources:favourites")).content.decode()
    assert "Guide GUP" in page and "1 document" in page
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "Favoris +" in response.content.decode()
    assert not Favourite.objects.exists()


def test_favourites_page_has_constant_queries(world, login, django_assert_num_queries):
    client = login(world.users["lecteur"])
    _many(world, 2)
    url = reverse("resources:favourites")
    client.get(url)
    # session, user, memberships, count, page, every theme, the page's links to them (listing.with_themes)
    with django_assert_num_queries(7) as first:
        client.get(url)
    _many(world, 25, start=2)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


def test_feed_is_valid_atom_with_only_public_documents(client):
    make_document("Guide public", summary="Pour tous.")
    make_document("Note réservée", public=False)
    response = client.get(reverse("resources:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Autre — Guide public"]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://testserver/ressources/")


def test_digest_page_and_feed(world, client):
    digest = make_digest(world)
    doc = make_document("Circulaire du 22 janvier 2019")
    item = digest.items.get()
    item.documents.add(doc)
    page = client.get(digest.get_absolute_url()).content.decode()
    assert "Rencontre du réseau du Littoral" in page and "Circulaire du 22 janvier 2019" in page
    root = ET.fromstring(client.get(reverse("resources:digest_feed", args=[digest.slug])).content)
    assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == ["Rencontre du réseau du Littoral"]


def test_admin_adds_a_digest_item_linking_documents(world, login):
    digest = make_digest(world)
    doc = make_document("Guide")
    client = login(world.users["admin"])
    url = digest.get_absolute_url()
    response = client.post(url, {"date": "2019-02-28", "title": "PAQTE", "text": "Déploiement.", "document_ids": "999"})
    assert "Documents introuvables : 999" in response.content.decode()
    client.post(url, {"date": "2019-02-28", "title": "PAQTE", "text": "Déploiement.", "document_ids": str(doc.pk)})
    assert list(digest.items.get(title="PAQTE").documents.all()) == [doc]
    response = client.post(url, {"date": "2019-02-28", "title": "PAQTE", "text": "Encore."})
    assert "existe déjà" in response.content.decode().replace("&#x27;", "'")


def test_resource_centre_animateur_publishes_its_digest(world, login):
    """The IREV's animateur adds a brève to the IREV's digest, not to another organisation's."""
    digest = make_digest(world)
    client = login(world.users["animateur"])
    page = client.get(digest.get_absolute_url()).content.decode()
    assert 'name="title"' in page  # the form is offered
    response = client.post(digest.get_absolute_url(), {"date": "2019-02-28", "title": "PAQTE", "text": "Déploiement."})
    assert response.status_code == 302
    assert digest.items.filter(title="PAQTE").exists()
    other = make_digest(world, slug="breves-prefecture", author="prefecture")
    assert 'name="title"' not in client.get(other.get_absolute_url()).content.decode()
    refused = client.post(other.get_absolute_url(), {"date": "2019-02-28", "title": "PAQTE", "text": "Non."})
    assert refused.status_code == 403
    assert not other.items.filter(title="PAQTE").exists()


def test_print_view_ends_with_source_and_numbered_links(client):
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    doc = make_document(
        "Rencontre du réseau",
        text="Voir aussi https://www.example.org/annexe.",
        source_url="https://www.irev.fr/page",
        source_modified_at=datetime.datetime(2019, 2, 28, 17, 13, tzinfo=paris),
        links=["https://www.irev.fr/fichier.pdf", "https://www.irev.fr/javascript%3A%3B"],
    )
    page = client.get(reverse("resources:print", args=[doc.pk])).content.decode()
    assert "URL de la source (modifié le 28/02/2019 - 17:13) :" in page
    assert page.index("URL de la source") < page.index("[1]")
    assert "<span>[1]</span> https://www.irev.fr/fichier.pdf" in page
    assert "<span>[2]</span> https://www.irev.fr/javascript%3A%3B" in page
    assert "<span>[3]</span> https://www.example.org/annexe" in page


def test_edit_and_delete_by_the_chef_de_projet(world, login):
    doc = calais_document(world, title="Ancien titre")
    client = login(world.users["chef"])
    response = client.post(
        reverse("resources:document_edit", args=[doc.pk]),
        {"title": "Nouveau titre", "type": "guide", "date": "2024-03-01", "territories": "62193"},
    )
    assert response.status_code == 302
    assert [d.title for d in Document.objects.search("nouveau titre")] == ["Nouveau titre"]
    client.post(reverse("resources:document_delete", args=[doc.pk]))
    assert not Document.objects.exists()
    assert list(Document.objects.search("nouveau")) == []


def test_meeting_documents_template_uses_one_query(world, django_assert_num_queries, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    pytest.importorskip("quartiers.network.models")
    from quartiers.network.models import Meeting

    meeting = Meeting(pk=123456)  # unsaved is enough: the template only filters on its id
    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(1):
        html = render_to_string("resources/_meeting_documents.html", {"meeting": meeting}, request=request)
    assert "Aucun document lié à cette rencontre." in html
