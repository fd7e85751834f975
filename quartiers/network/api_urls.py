from quartiers.core import api
from quartiers.network import api_views as v

TAG = "Réseau"
PAGE = [api.param("page", "Numéro de page", kind="integer"), api.param("taille", "Taille de page", kind="integer")]

urlpatterns = [
    api.route("reseau/", v.network_list, "network_api_list", "Réseaux visibles par l'utilisateur", PAGE, TAG),
    api.route(
        "reseau/rencontres/<int:pk>/",
        v.meeting_detail,
        "network_api_meeting",
        "Une rencontre, avec son ordre du jour (thèmes, territoires et liens de chaque point)",
        tag=TAG,
    ),
    api.route(
        "reseau/<slug:slug>/rencontres/",
        v.meeting_list,
        "network_api_meetings",
        "Rencontres d'un réseau, à venir ou passées",
        [api.param("periode", "a-venir (défaut) ou passees"), *PAGE],
        TAG,
    ),
    api.route(
        "reseau/<slug:slug>/axes/",
        v.axis_list,
        "network_api_axes",
        "Axes prioritaires d'un réseau dans l'ordre du classement actuel (soutiens, points de Borda, votants)",
        tag=TAG,
    ),
    api.route(
        "reseau/<slug:slug>/membres/",
        v.member_list,
        "network_api_members",
        "Membres actifs d'un réseau ; e-mail et téléphone pour ses seuls membres",
        PAGE,
        TAG,
    ),
]
