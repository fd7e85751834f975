from quartiers.core import api
from quartiers.resources import api_views as v

TAG = "Ressources"

urlpatterns = [
    api.route(
        "ressources/documents/",
        v.document_list,
        "resources_api_documents",
        "Documents du centre de ressources (recherche plein texte et filtres) ; publics, ou tous une fois connecté",
        [
            api.param("q", 'Recherche en français (« "contrat de ville" OR npnru -2015 »), classée par pertinence'),
            api.param("type", "compte_rendu, point_actualite, circulaire, guide, etude, presentation, autre"),
            api.param("theme", "Identifiant du thème"),
            api.param("territoire", "niveau:code — region:32, departement:62, epci:…, commune:62193, qpv:QN…"),
            api.param("du", "Date minimale AAAA-MM-JJ"),
            api.param("au", "Date maximale AAAA-MM-JJ"),
            api.param("page", "Numéro de page", kind="integer"),
            api.param("taille", "Taille de page (100 par défaut, 1000 au plus)", kind="integer"),
        ],
        TAG,
    ),
    api.route(
        "ressources/documents/<int:pk>/",
        v.document_detail,
        "resources_api_document",
        "Un document : texte, liens numérotés, pièces jointes (nom, taille, type, téléchargements)",
        tag=TAG,
    ),
]
