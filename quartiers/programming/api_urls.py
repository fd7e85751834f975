from quartiers.core import api
from quartiers.programming import api_views as v

TAG = "Programmation"
PAGE = [api.param("page", "Numéro de page", kind="integer"), api.param("taille", "Taille de page", kind="integer")]


def _page_of(item):
    return {
        "type": "object",
        "required": ["count", "page", "pages", "next", "results"],
        "properties": {
            "count": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "next": {"type": "string", "nullable": True},
            "results": {"type": "array", "items": item},
        },
    }


CALL = {
    "type": "object",
    "required": ["id", "annee", "titre", "contrat", "ouverture", "date_limite"],
    "properties": {
        "id": {"type": "integer"},
        "annee": {"type": "integer"},
        "titre": {"type": "string"},
        "contrat": {"type": "integer"},
        "ouverture": {"type": "string", "format": "date"},
        "date_limite": {"type": "string", "format": "date"},
    },
}
FINANCER = {
    "type": "object",
    "required": ["organisation", "siret", "enveloppe"],
    "properties": {
        "organisation": {"type": "string"},
        "siret": {"type": "string", "nullable": True},
        "enveloppe": {"type": "number"},
    },
}
CALL_DETAIL = {
    **CALL,
    "required": [*CALL["required"], "financeurs"],
    "properties": {**CALL["properties"], "financeurs": {"type": "array", "items": FINANCER}},
}
SUBSIDY = {
    "type": "object",
    "required": ["id", "dossier", "action", "porteur", "siret_porteur", "financeur", "montant_accorde", "statut"],
    "properties": {
        "id": {"type": "integer"},
        "dossier": {"type": "integer"},
        "action": {"type": "string"},
        "porteur": {"type": "string"},
        "siret_porteur": {"type": "string", "nullable": True},
        "financeur": {"type": "string"},
        "montant_accorde": {"type": "number"},
        "statut": {"type": "string"},
    },
}

urlpatterns = [
    api.route(
        "programmation/appels/",
        v.call_list,
        "programming_api_calls",
        "Appels à projets de la programmation",
        [
            api.param("annee", "Année de l'appel", kind="integer"),
            api.param("contrat", "Identifiant du contrat de ville", kind="integer"),
            *PAGE,
        ],
        TAG,
        response=_page_of(CALL),
    ),
    api.route(
        "programmation/appels/<int:pk>/",
        v.call_detail,
        "programming_api_call",
        "Un appel à projets et ses financeurs",
        tag=TAG,
        response=CALL_DETAIL,
    ),
    api.route(
        "programmation/appels/<int:pk>/subventions/",
        v.call_subsidies,
        "programming_api_subsidies",
        "Subventions accordées d'un appel (celles des dossiers que vous pouvez voir)",
        PAGE,
        TAG,
        response=_page_of(SUBSIDY),
    ),
]
