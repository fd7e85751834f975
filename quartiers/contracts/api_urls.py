from quartiers.contracts import api_views as v
from quartiers.core import api

TAG = "Contrats de ville"
PAGE = [api.param("page", "Numéro de page", kind="integer"), api.param("taille", "Taille de page", kind="integer")]

urlpatterns = [
    api.route(
        "contrats/",
        v.contract_list,
        "contracts_api_list",
        "Contrats de ville suivis",
        [api.param("generation", "2015-2023 ou 2024-2030"), api.param("departement", "Code du département"), *PAGE],
        TAG,
    ),
    api.route(
        "contrats/<int:pk>/engagements/",
        v.commitment_list,
        "contracts_api_commitments",
        "Engagements d'un contrat, avec leurs indicateurs et valeurs mesurées",
        [api.param("statut", "prevu, engage, realise ou abandonne"), *PAGE],
        TAG,
    ),
]
