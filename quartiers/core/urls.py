from django.urls import path

from quartiers.core import views

app_name = "core"
urlpatterns = [
    path("taches/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("sante/", views.health, name="health"),
    path("api/openapi.json", views.openapi, name="openapi"),
]
