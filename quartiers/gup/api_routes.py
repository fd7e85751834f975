"""The GUP's reads on the typed API (moved from the first registry, same paths and JSON): reports, with their
response schemas. The views are those of `gup.api_views` (session or token, the same policy as the pages)."""

from ninja import Router, Schema

from quartiers.core.api_ninja import ERRORS
from quartiers.gup import api_views

PREFIX = "api/gup/"
router = Router(tags=["GUP"], auth=None)  # the views answer 401 themselves (session or token)


class ReportOut(Schema):
    id: int
    reference: str | None
    categorie: str
    categorie_libelle: str
    statut: str
    statut_libelle: str
    qpv: str | None
    commune: str
    gestionnaire: str | None
    lon: float
    lat: float
    cree_le: str
    echeance: str
    resolu_le: str | None
    delai_resolution_secondes: int | None


class ReportPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    results: list[ReportOut]


class HistoryOut(Schema):
    statut: str
    motif: str
    le: str
    gestionnaire: str | None


class ReportDetail(ReportOut):
    description: str
    historique: list[HistoryOut]


def _query(name, description, kind="string"):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": kind}}


LIST_PARAMETERS = [
    _query("statut", "nouveau, transmis, pris_en_charge, resolu, rejete, redirige"),
    _query("categorie", "Catégorie (proprete, depots, eclairage, voirie…)"),
    _query("qpv", "Code du QPV"),
    _query("epci", "SIREN de l'EPCI"),
    _query("commune", "Code INSEE de la commune"),
    _query("page", "Numéro de page", "integer"),
    _query("taille", "Taille de page", "integer"),
]


@router.get(
    "signalements/",
    response={200: ReportPage, **ERRORS},
    url_name="gup_api_reports",
    summary="Signalements GUP (filtres : statut, categorie, qpv, epci, commune)",
    openapi_extra={"parameters": LIST_PARAMETERS},
)
def gup_api_reports(request):
    return api_views.report_list(request)


@router.get(
    "signalements/{int:pk}/",
    response={200: ReportDetail, **ERRORS},
    url_name="gup_api_report",
    summary="Un signalement et son historique",
)
def gup_api_report(request, pk: int):
    return api_views.report_detail(request, pk)
