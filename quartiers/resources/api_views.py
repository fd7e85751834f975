"""Read-only JSON API of the resource library: the documents (search and filters) and one document.

Same policy as the pages: public documents for everyone, reserved ones for logged-in members
(session or `Authorization: Token …`, see quartiers.core.api).
"""

import datetime

from django.http import JsonResponse

from quartiers.core import api
from quartiers.core.permissions import can
from quartiers.resources.models import Document

TERRITORY_LEVELS = ("region", "departement", "epci", "commune", "qpv")


def _user(request):
    user = api.user_from_request(request)
    if user is None:
        return None, api.error("Jeton d'API invalide.", 401)
    return user, None


def _date(value, name):
    try:
        return datetime.date.fromisoformat(value), None
    except ValueError:
        return None, api.error(f"« {name} » doit être une date AAAA-MM-JJ (reçu : « {value} »).")


def _filtered(request, user):
    """The visible documents narrowed by the query parameters, or an error response."""
    params = request.GET
    docs = Document.objects.visible_to(user)
    kind = params.get("type", "")
    if kind:
        if kind not in Document.Type.values:
            return None, api.error(f"Type inconnu : « {kind} » (attendu : {', '.join(Document.Type.values)}).")
        docs = docs.filter(type=kind)
    if params.get("theme"):
        docs = docs.filter(pk__in=Document.objects.filter(themes__slug=params["theme"]).values("pk"))
    territory = params.get("territoire", "")
    if territory:
        level, _sep, code = territory.partition(":")
        if level not in TERRITORY_LEVELS or not code:
            return None, api.error("« territoire » s'écrit niveau:code, par exemple commune:62193 ou qpv:QN06253M.")
        docs = docs.for_territory(territory)
    for name, lookup in (("du", "date__gte"), ("au", "date__lte")):
        if params.get(name):
            day, error = _date(params[name], name)
            if error:
                return None, error
            docs = docs.filter(**{lookup: day})
    if params.get("q", "").strip():
        if len(params["q"]) > 200:
            return None, api.error("La recherche est limitée à 200 caractères.")
        docs = docs.search(params["q"])  # last: ranks the matches of the filters above
    return docs, None


def _territories(doc):
    return {
        "communes": [c.insee for c in doc.communes.all()],
        "epci": [e.siren for e in doc.epcis.all()],
        "qpv": [q.code for q in doc.qpvs.all()],
    }


def serialize_document(doc, request):
    data = {
        "id": doc.pk,
        "titre": doc.title,
        "resume": doc.summary,
        "type": doc.type,
        "type_libelle": doc.get_type_display(),
        "date": doc.date.isoformat(),
        "public": doc.public,
        "themes": [t.slug for t in doc.themes.all()],
        **_territories(doc),
        "url": request.build_absolute_uri(doc.get_absolute_url()),
        "source": doc.source_url or None,
        "modifie_le": doc.updated_at.isoformat(),
    }
    if hasattr(doc, "rank"):
        data["pertinence"] = round(doc.rank, 6)
        data["extrait"] = str(doc.excerpt)  # HTML: the matched words in <mark>
    return data


def document_list(request):
    user, error = _user(request)
    if error:
        return error
    docs, error = _filtered(request, user)
    if error:
        return error
    docs = docs.defer("text", "extracted_text").prefetch_related("themes", "communes", "epcis", "qpvs")
    return api.paginate(request, docs, lambda d: serialize_document(d, request))


def document_detail(request, pk):
    user, error = _user(request)
    if error:
        return error
    doc = Document.objects.prefetch_related("themes", "communes", "epcis", "qpvs").filter(pk=pk).first()
    if doc is None:
        return api.error("Document introuvable.", 404)
    if not can(user, "view", doc):
        if not getattr(user, "is_authenticated", False):
            return api.error("Document réservé aux membres connectés.", 401)
        return api.error("Accès refusé.", 403)
    data = serialize_document(doc, request)
    data["texte"] = doc.text
    data["liens"] = doc.numbered_links()
    data["pieces_jointes"] = [
        {
            "id": a.pk,
            "nom": a.name,
            "taille": a.size,
            "type_mime": a.mime_type,
            "format": a.kind,
            "telechargements": a.download_count,
            "texte_extrait": a.extraction or None,
            "url": request.build_absolute_uri(a.get_absolute_url()),
        }
        for a in doc.attachments.all()
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
