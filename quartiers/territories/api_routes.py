"""The territories' reads on the typed API (moved from the first registry: same paths, parameters and JSON):
régions, départements, EPCI, communes, QPV (JSON or GeoJSON), contracts, indicators, the map by view (GeoJSON).
The views are those of `territories.api_views` (session or token; anonymous where the pages are public)."""

from ninja import Router, Schema

from quartiers.core.api_ninja import PAGE_PARAMS, page_of, param, read
from quartiers.territories import api_views as v

PREFIX = "api/territoires/"
router = Router(tags=["Territoires"])


class RegionOut(Schema):
    code: str
    nom: str


class DepartementOut(RegionOut):
    region: str | None


class EpciOut(Schema):
    siren: str
    nom: str
    type: str
    population: int | None


class CommuneOut(Schema):
    insee: str
    nom: str
    siren: str | None
    departement: str | None
    epci: str | None
    population: int | None
    codes_postaux: list[str]


class CommuneRef(Schema):
    insee: str
    nom: str


class QpvOut(Schema):
    code: str
    nom: str
    generation: int
    departement: str | None
    region: str | None
    epci: str | None
    communes: list[CommuneRef]
    population: int | None
    npnru: bool
    contour_charge: bool
    point: list[float] | None
    point_approximatif: bool


class IndicatorValueOut(Schema):
    valeur: float | None
    secret: bool
    millesime: int | str | None


class QpvDetail(QpvOut):
    contour: dict | None
    contour_source: str | None
    contrats_de_ville: list[str | None]
    indicateurs: dict[str, IndicatorValueOut]


class ContratOut(Schema):
    code: str
    nom: str
    generation: str
    departement: str | None
    epci: str | None
    commune: str | None
    qpv: list[str]


class IndicatorOut(Schema):
    code: str
    libelle: str
    unite: str | None
    source: str | None
    millesime: int | str | None
    additionnable: bool


class ValueOut(IndicatorValueOut):
    indicateur: str
    niveau: str
    code: str


# GeoJSON (application/geo+json): a FeatureCollection, with the page's counters beside it for the QPV list.
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {"type": ["object", "null"]},
                    "properties": {"type": ["object", "null"]},
                },
            },
        },
        "count": {"type": "integer"},
        "page": {"type": "integer"},
        "pages": {"type": "integer"},
        "next": {"type": ["string", "null"]},
    },
}

QPV_FILTERS = [
    param("region", "Code de la région"),
    param("departement", "Code du département"),
    param("epci", "SIREN ou nom de l'EPCI"),
    param("commune", "Code INSEE ou nom de la commune"),
    param("generation", "Géographie : 2015 ou 2024"),
    param("npnru", "oui / non"),
    param("contour", "Contour chargé : oui / non"),
    param("contrat", "Code du contrat de ville (CN…)"),
    param("q", "Recherche dans le code, le nom et les communes"),
    param("tri", "code, nom, departement, population, generation"),
    param("format", "json (défaut) ou geojson (application/geo+json, une FeatureCollection)"),
    param("page", "Numéro de page", kind="integer"),
    param("taille", "Taille de page (100 par défaut, 1000 au plus)", kind="integer"),
]


@read(router, "regions/", url_name="territories_api_regions", summary="Régions", response=page_of(RegionOut,
      "RegionPage"), params=PAGE_PARAMS)  # fmt: skip
def territories_api_regions(request):
    return v.region_list(request)


@read(
    router,
    "departements/",
    url_name="territories_api_departements",
    summary="Départements",
    response=page_of(DepartementOut, "DepartementPage"),
    params=[param("region", "Code de la région"), *PAGE_PARAMS],
)
def territories_api_departements(request):
    return v.departement_list(request)


@read(
    router,
    "epci/",
    url_name="territories_api_epci",
    summary="EPCI",
    response=page_of(EpciOut, "EpciPage"),
    params=[param("departement", "Code du département"), param("q", "Nom contient"), *PAGE_PARAMS],
)
def territories_api_epci(request):
    return v.epci_list(request)


@read(
    router,
    "communes/",
    url_name="territories_api_communes",
    summary="Communes",
    response=page_of(CommuneOut, "CommunePage"),
    params=[
        param("departement", "Code du département"),
        param("epci", "SIREN de l'EPCI"),
        param("insee", "Code INSEE"),
        param("q", "Nom contient"),
        *PAGE_PARAMS,
    ],
)
def territories_api_communes(request):
    return v.commune_list(request)


@read(
    router,
    "qpv/",
    url_name="territories_api_qpv_list",
    summary="Quartiers prioritaires",
    response=page_of(QpvOut, "QpvPage"),
    params=QPV_FILTERS,
    geojson=FEATURE_COLLECTION,
)
def territories_api_qpv_list(request):
    return v.qpv_list(request)


@read(
    router,
    "qpv/{str:code}/",
    url_name="territories_api_qpv_detail",
    summary="Un quartier prioritaire : contour simplifié, contrats, indicateurs",
    response=QpvDetail,
)
def territories_api_qpv_detail(request, code: str):
    return v.qpv_detail(request, code)


@read(
    router,
    "contrats-de-ville/",
    url_name="territories_api_contrats",
    summary="Contrats de ville",
    response=page_of(ContratOut, "ContratPage"),
    params=[param("departement", "Code du département"), param("epci", "SIREN"), param("commune", "INSEE"),
            *PAGE_PARAMS],
)  # fmt: skip
def territories_api_contrats(request):
    return v.contrat_list(request)


@read(
    router,
    "indicateurs/",
    url_name="territories_api_indicateurs",
    summary="Indicateurs",
    response=page_of(IndicatorOut, "IndicatorPage"),
    params=PAGE_PARAMS,
)
def territories_api_indicateurs(request):
    return v.indicator_list(request)


@read(
    router,
    "indicateurs/valeurs/",
    url_name="territories_api_indicateur_valeurs",
    summary="Valeurs d'indicateurs (secret statistique signalé)",
    response=page_of(ValueOut, "IndicatorValuePage"),
    params=[
        param("indicateur", "Code de l'indicateur"),
        param("niveau", "qpv, commune, epci, departement, france"),
        param("code", "Code du territoire"),
        *PAGE_PARAMS,
    ],
)
def territories_api_indicateur_valeurs(request):
    return v.indicator_values(request)


@read(
    router,
    "carte/",
    url_name="territories_api_map",
    summary="Données de la carte par vue (GeoJSON) : points jusqu'au zoom 8, contours très simplifiés de la zone "
    "jusqu'au zoom 12, contours détaillés au-delà ; ETag (304 si la vue n'a pas changé)",
    response=None,  # GeoJSON only
    params=[
        param("generation", "2015 ou 2024"),
        param("bbox", "ouest,sud,est,nord en degrés (la zone affichée)"),
        param("zoom", "niveau de zoom de la carte (0 à 22 ; 13 par défaut avec bbox)", kind="integer"),
    ],
    geojson=FEATURE_COLLECTION,
)
def territories_api_map(request):
    return v.map_data(request)
