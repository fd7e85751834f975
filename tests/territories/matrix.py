"""Territories are public reference data: every page and API endpoint is open to the six users."""

from tests.permission_matrix import ADMIN_ONLY, PUBLIC, Case

CASES = [
    Case("territories:qpv_list", PUBLIC),
    Case("territories:qpv_list", PUBLIC, query="?format=csv&departement=62", label="export CSV"),
    Case("territories:map", PUBLIC),
    Case("territories:basemap_departements", PUBLIC),
    Case("territories:basemap_communes", PUBLIC, query="?bbox=1.80,50.90,1.95,51.00"),
    Case("territories:import", ADMIN_ONLY),
    Case("territories:picker", PUBLIC, args=["commune"], query="?q=Cal"),
    Case("territories:qpv_detail", PUBLIC, args=lambda w: [w.qpv.code]),
    Case("territories:commune_detail", PUBLIC, args=lambda w: [w.calais.insee]),
    Case("territories:epci_detail", PUBLIC, args=lambda w: [w.grand_calais.siren]),
    Case("territories:departement_detail", PUBLIC, args=lambda w: [w.pas_de_calais.code]),
    Case("territories:contrat_detail", PUBLIC, args=lambda w: [w.contrat.code]),
    Case("api:territories_api_regions", PUBLIC),
    Case("api:territories_api_departements", PUBLIC),
    Case("api:territories_api_epci", PUBLIC),
    Case("api:territories_api_communes", PUBLIC),
    Case("api:territories_api_qpv_list", PUBLIC),
    Case("api:territories_api_qpv_list", PUBLIC, query="?format=geojson", label="API QPV GeoJSON"),
    Case("api:territories_api_qpv_detail", PUBLIC, args=lambda w: [w.qpv.code]),
    Case("api:territories_api_contrats", PUBLIC),
    Case("api:territories_api_indicateurs", PUBLIC),
    Case("api:territories_api_indicateur_valeurs", PUBLIC),
    Case("api:territories_api_map", PUBLIC),
]
