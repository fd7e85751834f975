"""The programming's reads on the typed API (moved from the first registry: same paths, parameters and JSON):
calls for projects, one call and its financers, the granted subsidies of a call. The views are those of
`programming.api_views` (session or token, the same policy as the pages)."""

from ninja import Router, Schema

from quartiers.core.api_ninja import PAGE_PARAMS, page_of, param, read
from quartiers.programming import api_views as v

PREFIX = "api/programmation/"
router = Router(tags=["Programmation"])


class CallOut(Schema):
    id: int
    annee: int
    titre: str
    contrat: int
    ouverture: str
    date_limite: str


class FinancerOut(Schema):
    organisation: str
    siret: str | None
    enveloppe: float | None


class CallDetail(CallOut):
    financeurs: list[FinancerOut]


class SubsidyOut(Schema):
    id: int
    dossier: int
    action: str
    porteur: str
    siret_porteur: str | None
    financeur: str
    montant_accorde: float | None
    statut: str


@read(
    router,
    "appels/",
    url_name="programming_api_calls",
    summary="Appels à projets de la programmation",
    response=page_of(CallOut, "CallPage"),
    params=[
        param("annee", "Année de l'appel", kind="integer"),
        param("contrat", "Identifiant du contrat de ville", kind="integer"),
        *PAGE_PARAMS,
    ],
)
def programming_api_calls(request):
    return v.call_list(request)


@read(
    router,
    "appels/{int:pk}/",
    url_name="programming_api_call",
    summary="Un appel à projets et ses financeurs",
    response=CallDetail,
)
def programming_api_call(request, pk: int):
    return v.call_detail(request, pk)


@read(
    router,
    "appels/{int:pk}/subventions/",
    url_name="programming_api_subsidies",
    summary="Subventions accordées d'un appel (celles des dossiers que vous pouvez voir)",
    response=page_of(SubsidyOut, "SubsidyPage"),
    params=PAGE_PARAMS,
)
def programming_api_subsidies(request, pk: int):
    return v.call_subsidies(request, pk)
