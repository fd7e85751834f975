"""Every URL of the resource library × the six users (see tests/permission_matrix.py)."""

from tests.permission_matrix import LOGIN, MEMBERS, PUBLIC, Case, expect
from tests.resources.helpers import PNG_BYTES, attach_png, calais_document, make_digest, make_document, upload

CHEF_CHANGES = expect(LOGIN, 403, 403, 403, 200, 200)
CHEF_CHANGES_POST = expect(LOGIN, 403, 403, 403, 302, 302)
CONTRIBUTORS = expect(LOGIN, 403, 200, 200, 200, 200)


def _public(w):
    return [make_document("Document public", public=True).pk]


def _members(w):
    return [make_document("Document réservé", public=False).pk]


def _calais(w):
    return [calais_document(w, title="Document de Calais").pk]


def _by_partner(w):
    doc = calais_document(w, title="Document du bailleur", author_organisation=w.orgs["bailleur"])
    doc.created_by = w.users["partenaire"]
    doc.save(update_fields=["created_by"])
    return [doc.pk]


def _attachment(public):
    def build(w):
        doc = make_document("Document avec pièce jointe", public=public)
        return [doc.pk, attach_png(doc).pk]

    return build


def _calais_attachment(w):
    doc = calais_document(w, title="Document de Calais avec pièce jointe")
    return [doc.pk, attach_png(doc).pk]


def _new_document(w):
    return {"title": "Note de Calais", "type": "guide", "date": "2024-03-01", "territories": "62193"}


def _png(w):
    return {"file": upload("plan.png", PNG_BYTES, "image/png")}


CASES = [
    Case("resources:index", PUBLIC),
    Case("resources:index", PUBLIC, query="?q=quartiers+prioritaires&type=guide", label="resources:index — recherche"),
    Case("resources:document", PUBLIC, args=_public, label="resources:document — document public"),
    Case("resources:document", MEMBERS, args=_members, label="resources:document — document réservé aux membres"),
    Case("resources:print", PUBLIC, args=_public, label="resources:print — impression, document public"),
    Case("resources:print", MEMBERS, args=_members, label="resources:print — impression, document réservé"),
    Case("resources:document_create", CONTRIBUTORS),
    Case(
        "resources:document_create",
        # The other chef de projet gets the form back with an error: Calais is outside their territory.
        expect(LOGIN, 403, 302, 200, 302, 302),
        method="post",
        data=_new_document,
        label="resources:document_create — POST nouveau document à Calais",
    ),
    Case(
        "resources:document_edit",
        CHEF_CHANGES,
        args=_calais,
        label="resources:document_edit — modifier un document de Calais",
    ),
    Case(
        "resources:document_edit",
        expect(LOGIN, 403, 200, 403, 200, 200),
        args=_by_partner,
        label="resources:document_edit — modifier un document écrit par le partenaire",
    ),
    Case(
        "resources:document_edit",
        CHEF_CHANGES_POST,
        args=_calais,
        method="post",
        data=_new_document,
        label="resources:document_edit — POST modifier un document de Calais",
    ),
    Case("resources:document_delete", CHEF_CHANGES_POST, args=_calais, method="post", data={}),
    Case("resources:attachment_add", CHEF_CHANGES_POST, args=_calais, method="post", data=_png),
    Case("resources:attachment_delete", CHEF_CHANGES_POST, args=_calais_attachment, method="post", data={}),
    Case(
        "resources:download",
        PUBLIC,
        args=_attachment(True),
        label="resources:download — téléchargement, document public",
    ),
    Case(
        "resources:download",
        MEMBERS,
        args=_attachment(False),
        label="resources:download — téléchargement, document réservé",
    ),
    Case("resources:favourite_toggle", expect(LOGIN, 302, 302, 302, 302, 302), args=_public, method="post", data={}),
    Case(
        "resources:favourite_toggle",
        expect(LOGIN, 302, 302, 302, 302, 302),
        args=_members,
        method="post",
        data={},
        label="resources:favourite_toggle — favori sur un document réservé",
    ),
    Case("resources:favourites", MEMBERS),
    Case("resources:feed", PUBLIC),
    Case("resources:digests", PUBLIC),
    Case("resources:digest", PUBLIC, args=lambda w: [make_digest(w).slug]),
    Case(
        "resources:digest",
        MEMBERS,
        args=lambda w: [make_digest(w, public=False, slug="interne").slug],
        label="resources:digest — série réservée",
    ),
    Case(
        "resources:digest",
        expect(LOGIN, 403, 403, 403, 403, 302, animateur=302),
        args=lambda w: [make_digest(w).slug],
        method="post",
        data={"date": "2019-02-01", "title": "Nouvelle brève", "text": "Texte"},
        label="resources:digest — POST ajouter une brève",
    ),
    Case("resources:digest_feed", PUBLIC, args=lambda w: [make_digest(w).slug]),
    Case("api:resources_api_documents", PUBLIC),
    Case(
        "api:resources_api_documents",
        PUBLIC,
        query="?q=quartiers&type=guide&territoire=commune:62193",
        label="api:resources_api_documents — recherche et filtres",
    ),
    Case("api:resources_api_document", PUBLIC, args=_public, label="api:resources_api_document — document public"),
    Case(
        "api:resources_api_document",
        expect(401, 200, 200, 200, 200, 200),
        args=_members,
        label="api:resources_api_document — document réservé (401 sans connexion)",
    ),
]
