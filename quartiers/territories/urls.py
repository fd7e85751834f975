from django.urls import path

from quartiers.territories import basemap, views

app_name = "territories"
urlpatterns = [
    path("", views.qpv_list, name="qpv_list"),
    path("carte/", views.qpv_map, name="map"),
    path("carte/fond/departements.geojson", basemap.departements, name="basemap_departements"),
    path("carte/fond/communes.geojson", basemap.communes, name="basemap_communes"),
    path("import/", views.import_file, name="import"),
    path("choix/<str:kind>/", views.picker, name="picker"),
    path("qpv/<str:code>/", views.qpv_detail, name="qpv_detail"),
    path("communes/<str:insee>/", views.commune_detail, name="commune_detail"),
    path("epci/<str:siren>/", views.epci_detail, name="epci_detail"),
    path("departements/<str:code>/", views.departement_detail, name="departement_detail"),
    path("contrats-de-ville/<str:code>/", views.contrat_detail, name="contrat_detail"),
]
