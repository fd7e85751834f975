from django.urls import path

from . import views

app_name = "mobilisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("mesures/<slug:code>/", views.measure_detail, name="measure_detail"),
    path("consolidation/", views.consolidation, name="consolidation"),
    path("paqte/", views.companies, name="companies"),
    path("paqte/nouvelle/", views.company_create, name="company_create"),
    path("paqte/<int:pk>/", views.company_detail, name="company_detail"),
    path("paqte/<int:pk>/modifier/", views.company_edit, name="company_edit"),
]
