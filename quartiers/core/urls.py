from django.urls import path

from quartiers.core import export_jobs, views

app_name = "core"
urlpatterns = [
    path("taches/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("exports/", export_jobs.export_start, name="export_start"),
    path("exports/<uuid:pk>/", export_jobs.export_detail, name="export_detail"),
    path("exports/<uuid:pk>/fichier/", export_jobs.export_download, name="export_download"),
    path("sante/", views.health, name="health"),
    path("api/openapi.json", views.openapi, name="openapi"),
]
