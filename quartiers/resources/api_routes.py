"""The resource library's reads on the typed API (moved from the first registry: same paths, parameters and JSON):
documents (full-text search and filters) and one document. The views are those of `resources.api_views`:
public documents for everyone (anonymous included), reserved ones for signed-in members (session or token)."""

from ninja import Router, Schema

from quartiers.core.api_ninja import page_of, param, read
from quartiers.resources import api_views as v

PREFIX = "api/ressources/"
router = Router(tags=["Ressources"])


class DocumentOut(Schema):
    id: int
    titre: str
    resume: str
    type: str
    type_libelle: str
    date: str
    public: bool
    themes: list[str]
    communes: list[str]
    epci: list[str]
    qpv: list[str]
    url: str
    source: str | None
    modifie_le: str
    pertinence: float | None = None  # with a search (`q`) only: the score (ranking.py), higher is better
    extrait: str | None = None  # HTML: the matched words in <mark>


class AttachmentOut(Schema):
    id: int
    nom: str
    taille: int
    type_mime: str
    format: str
    telechargements: int
    texte_extrait: str | None
    url: str


class DocumentDetail(DocumentOut):
    texte: str
    liens: list[str]
    pieces_jointes: list[AttachmentOut]


@read(
    router,
    "documents/",
    url_name="resources_api_documents",
    summary="Documents du centre de ressources (recherche plein texte et filtres) ; publics, ou tous une fois connecté",
    response=page_of(DocumentOut, "DocumentPage"),
    params=[
        param("q", 'Recherche en français (« "contrat de ville" OR npnru -2015 »), classée par pertinence'),
        param("type", "compte_rendu, point_actualite, circulaire, guide, etude, presentation, autre"),
        param("theme", "Identifiant du thème"),
        param("territoire", "niveau:code — region:32, departement:62, epci:…, commune:62193, qpv:QN…"),
        param("du", "Date minimale AAAA-MM-JJ"),
        param("au", "Date maximale AAAA-MM-JJ"),
        param("page", "Numéro de page", kind="integer"),
        param("taille", "Taille de page (100 par défaut, 1000 au plus)", kind="integer"),
    ],
)
def resources_api_documents(request):
    return v.document_list(request)


@read(
    router,
    "documents/{int:pk}/",
    url_name="resources_api_document",
    summary="Un document : texte, liens numérotés, pièces jointes (nom, taille, type, téléchargements)",
    response=DocumentDetail,
)
def resources_api_document(request, pk: int):
    return v.document_detail(request, pk)
