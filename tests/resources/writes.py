"""Write cases of the resource library (tests/write_matrix.py)."""

from tests.resources.helpers import PNG_BYTES, attach_png, calais_document, make_digest, make_document, upload
from tests.write_matrix import (
    ELEVATION,
    OTHER_ORGANISATION,
    OTHER_TERRITORY,
    not_applicable,
    write,
)

FORM_REFUSAL = (200, 403, 404)
CHEFS_HERE = "chef admin"
CHEFS_THERE = "autre_chef admin"


def dunkerque_document(w):
    doc = make_document(title="Document de Dunkerque", public=False, author_organisation=w.orgs["cud"])
    doc.communes.add(w.dunkerque)
    return doc


def partner_document(w):
    doc = calais_document(w, title="Document du bailleur", author_organisation=w.orgs["bailleur"])
    doc.created_by = w.users["partenaire"]
    doc.save(update_fields=["created_by"])
    return doc


DOCUMENTS = {
    OTHER_TERRITORY: (dunkerque_document, CHEFS_THERE),
    OTHER_ORGANISATION: (lambda w: calais_document(w, title="Document de l'agglomération"), CHEFS_HERE),
}


def _pk(factory):
    return lambda w: [factory(w).pk]


def _attachment(factory):
    def args(w):
        doc = factory(w)
        return [doc.pk, attach_png(doc).pk]

    return args


def _document_data(territory, org_key=None):
    def data(w):
        fields = {"title": "Note (matrice)", "type": "guide", "date": "2024-03-01", "territories": territory}
        return {**fields, "author_organisation": w.orgs[org_key].pk} if org_key else fields

    return data


def _png(w):
    return {"file": upload("plan.png", PNG_BYTES, "image/png")}


NO_RIGHTS_FIELD = "Le formulaire ne porte ni organisation, ni territoire, ni rôle : rien qui élève des droits."


def _per_document(url, args, data):
    cases = [write(url, s, allowed, args=args(f), data=data) for s, (f, allowed) in DOCUMENTS.items()]
    return cases + not_applicable(url, ELEVATION, reason=NO_RIGHTS_FIELD)


WRITES = [
    write(
        "resources:document_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_document_data("59183"),
        refused=FORM_REFUSAL,
        label="resources:document_create [autre_territoire] (publier pour Dunkerque)",
    ),
    *not_applicable(
        "resources:document_create",
        OTHER_ORGANISATION,
        reason="Un nouveau document n'appartient encore à personne ; l'organisation auteur est le cas (c).",
    ),
    write(
        "resources:document_create",
        ELEVATION,
        CHEFS_HERE,
        data=_document_data("62193", "agglo"),
        refused=FORM_REFUSAL,
        label="resources:document_create [elevation] (le bailleur signe au nom de l'agglomération)",
    ),
    write(
        "resources:document_edit",
        OTHER_TERRITORY,
        CHEFS_THERE,
        args=_pk(dunkerque_document),
        data=_document_data("59183", "cud"),
    ),
    write(
        "resources:document_edit",
        OTHER_ORGANISATION,
        CHEFS_HERE,
        args=_pk(DOCUMENTS[OTHER_ORGANISATION][0]),
        data=_document_data("62193", "agglo"),
    ),
    write(
        "resources:document_edit",
        ELEVATION,
        "admin",
        args=_pk(partner_document),
        data=_document_data("62193", "cud"),
        refused=FORM_REFUSAL,
        label="resources:document_edit [elevation] (son document attribué à une organisation de Dunkerque)",
    ),
    *_per_document("resources:document_delete", _pk, {}),
    *_per_document("resources:attachment_add", _pk, _png),
    *_per_document("resources:attachment_delete", _attachment, {}),
    write(
        "resources:favourite_toggle",
        OTHER_TERRITORY,
        "lecteur partenaire delegue animateur autre_chef chef admin",
        args=_pk(dunkerque_document),
        label="resources:favourite_toggle [autre_territoire] (un favori n'écrit que la liste du demandeur)",
    ),
    *not_applicable(
        "resources:favourite_toggle",
        OTHER_ORGANISATION,
        ELEVATION,
        reason="Un favori n'écrit que la liste personnelle du demandeur, sur un document qu'il voit.",
    ),
    # News digests: the resource centre's animateur publishes its digests, and the administrators.
    write(
        "resources:digest",
        OTHER_ORGANISATION,
        "animateur admin",
        args=lambda w: [make_digest(w).slug],
        data={"date": "2019-02-01", "title": "Nouvelle brève", "text": "Texte"},
    ),
    write(
        "resources:digest",
        OTHER_ORGANISATION,
        "admin",
        args=lambda w: [make_digest(w, slug="breves-prefecture", author="prefecture").slug],
        data={"date": "2019-02-01", "title": "Nouvelle brève", "text": "Texte"},
        label="resources:digest [autre_organisation] (série d'une autre organisation que le centre de ressources)",
    ),
    *not_applicable(
        "resources:digest",
        OTHER_TERRITORY,
        ELEVATION,
        reason="Les brèves sont celles du centre de ressources régional : ni territoire ni champ de droits.",
    ),
]
