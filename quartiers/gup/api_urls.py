from quartiers.core import api
from quartiers.gup import api_views as v

TAG = "GUP"
urlpatterns = [
    api.route(
        "gup/signalements/",
        v.report_list,
        "gup_api_reports",
        "Signalements GUP (filtres : statut, categorie, qpv, epci, commune)",
        [
            api.param("statut", "nouveau, transmis, pris_en_charge, resolu, rejete, redirige"),
            api.param("categorie", "Catégorie (proprete, depots, eclairage, voirie…)"),
            api.param("qpv", "Code du QPV"),
            api.param("epci", "SIREN de l'EPCI"),
            api.param("commune", "Code INSEE de la commune"),
            api.param("page", "Numéro de page", kind="integer"),
            api.param("taille", "Taille de page", kind="integer"),
        ],
        TAG,
    ),
    api.route(
        "gup/signalements/<int:pk>/", v.report_detail, "gup_api_report", "Un signalement et son historique", (), TAG
    ),
]
