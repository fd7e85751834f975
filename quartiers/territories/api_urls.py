from quartiers.core import api
from quartiers.territories import api_views as v

TAG = "Territoires"
QPV_FILTERS = [
    api.param("region", "Code de la région"),
    api.param("departement", "Code du département"),
    api.param("epci", "SIREN ou nom de l'EPCI"),
    api.param("commune", "Code INSEE ou nom de la commune"),
    api.param("generation", "Géographie : 2015 ou 2024"),
    api.param("npnru", "oui / non"),
    api.param("contour", "Contour chargé : oui / non"),
    api.param("contrat", "Code du contrat de ville (CN…)"),
    api.param("q", "Recherche dans le code, le nom et les communes"),
    api.param("tri", "code, nom, departement, population, generation"),
    api.param("format", "json (défaut) ou geojson"),
    api.param("page", "Numéro de page", kind="integer"),
    api.param("taille", "Taille de page (100 par défaut, 1000 au plus)", kind="integer"),
]
PAGE = [api.param("page", "Numéro de page", kind="integer"), api.param("taille", "Taille de page", kind="integer")]

urlpatterns = [
    api.route("territoires/regions/", v.region_list, "territories_api_regions", "Régions", PAGE, TAG),
    api.route(
        "territoires/departements/",
        v.departement_list,
        "territories_api_departements",
        "Départements",
        [api.param("region", "Code de la région"), *PAGE],
        TAG,
    ),
    api.route(
        "territoires/epci/",
        v.epci_list,
        "territories_api_epci",
        "EPCI",
        [api.param("departement", "Code du département"), api.param("q", "Nom contient"), *PAGE],
        TAG,
    ),
    api.route(
        "territoires/communes/",
        v.commune_list,
        "territories_api_communes",
        "Communes",
        [
            api.param("departement", "Code du département"),
            api.param("epci", "SIREN de l'EPCI"),
            api.param("insee", "Code INSEE"),
            api.param("q", "Nom contient"),
            *PAGE,
        ],
        TAG,
    ),
    api.route("territoires/qpv/", v.qpv_list, "territories_api_qpv_list", "Quartiers prioritaires", QPV_FILTERS, TAG),
    api.route(
        "territoires/qpv/<str:code>/",
        v.qpv_detail,
        "territories_api_qpv_detail",
        "Un quartier prioritaire : contour simplifié, contrats, indicateurs",
        tag=TAG,
    ),
    api.route(
        "territoires/contrats-de-ville/",
        v.contrat_list,
        "territories_api_contrats",
        "Contrats de ville",
        [
            api.param("departement", "Code du département"),
            api.param("epci", "SIREN"),
            api.param("commune", "INSEE"),
            *PAGE,
        ],
        TAG,
    ),
    api.route("territoires/indicateurs/", v.indicator_list, "territories_api_indicateurs", "Indicateurs", PAGE, TAG),
    api.route(
        "territoires/indicateurs/valeurs/",
        v.indicator_values,
        "territories_api_indicateur_valeurs",
        "Valeurs d'indicateurs (secret statistique signalé)",
        [
            api.param("indicateur", "Code de l'indicateur"),
            api.param("niveau", "qpv, commune, epci, departement, france"),
            api.param("code", "Code du territoire"),
            *PAGE,
        ],
        TAG,
    ),
    api.route(
        "territoires/carte/",
        v.map_data,
        "territories_api_map",
        "Données de la carte par vue (GeoJSON) : points jusqu'au zoom 8, contours très simplifiés de la zone "
        "jusqu'au zoom 12, contours détaillés au-delà ; ETag (304 si la vue n'a pas changé)",
        [
            api.param("generation", "2015 ou 2024"),
            api.param("bbox", "ouest,sud,est,nord en degrés (la zone affichée)"),
            api.param("zoom", "niveau de zoom de la carte (0 à 22 ; 13 par défaut avec bbox)", kind="integer"),
        ],
        TAG,
    ),
]
