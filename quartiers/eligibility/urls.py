from django.urls import path

from quartiers.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("completion/", views.complete, name="complete"),
    path("point/", views.point, name="point"),
    path("lot/", views.batch, name="batch"),
    path("lot/exemple.csv", views.batch_sample, name="batch_sample"),
    path("lot/fichier/<uuid:token>/", views.batch_mapping, name="batch_mapping"),
    path("lot/<uuid:pk>/", views.batch_detail, name="batch_detail"),
    path("lot/<uuid:pk>/resultat/", views.batch_download, name="batch_download"),
]
