from django.urls import path

from quartiers.renewal import views

app_name = "renewal"
urlpatterns = [
    path("", views.index, name="index"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<int:pk>/", views.project_detail, name="project_detail"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/calendrier/", views.project_gantt, name="project_gantt"),
    path("projets/<int:pk>/operations/export/", views.project_operations_export, name="project_operations_export"),
    path("projets/<int:pk>/operations/nouvelle/", views.operation_create, name="operation_create"),
    path("projets/<int:pk>/relogement/", views.rehousing_add, name="rehousing_add"),
    path("projets/<int:pk>/insertion/", views.insertion_add, name="insertion_add"),
    path("operations/<int:pk>/", views.operation_detail, name="operation_detail"),
    path("operations/<int:pk>/modifier/", views.operation_edit, name="operation_edit"),
    path("operations/<int:pk>/jalons/nouveau/", views.milestone_add, name="milestone_add"),
    path("operations/<int:pk>/financements/nouveau/", views.funding_add, name="funding_add"),
    path("jalons/<int:pk>/", views.milestone_edit, name="milestone_edit"),
]
