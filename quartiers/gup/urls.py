from django.urls import path

from quartiers.gup import views

app_name = "gup"
urlpatterns = [
    path("", views.index, name="index"),
    path("signalements/", views.report_list, name="report_list"),
    path("signalements/export/", views.report_export, name="report_export"),
    path("signalements/nouveau/", views.report_create, name="report_create"),
    path("signalements/proches/", views.nearby, name="nearby"),
    path("signalements/<int:pk>/", views.report_detail, name="report_detail"),
    path("signalements/<int:pk>/statut/", views.report_transition, name="report_transition"),
    path("signalements/<int:pk>/commentaire/", views.report_comment, name="report_comment"),
    path("signalements/<int:pk>/suivre/", views.report_follow, name="report_follow"),
    path("photos/<int:pk>/", views.report_photo, name="report_photo"),
    path("carte/", views.report_map, name="map"),
    path("carte/<str:code>/donnees.json", views.map_data, name="map_data"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/export/", views.dashboard_export, name="dashboard_export"),
    path("public/<str:level>/<str:code>/", views.public_map, name="public_map"),
    path("public/<str:level>/<str:code>/donnees.json", views.public_map_data, name="public_map_data"),
    path("gestionnaires/", views.managers, name="managers"),
    path("gestionnaires/perimetres/nouveau/", views.area_create, name="area_create"),
    path("gestionnaires/perimetres/<int:pk>/supprimer/", views.area_delete, name="area_delete"),
    path("gestionnaires/coordination/", views.coordination_create, name="coordination_create"),
    path("diagnostics/", views.walk_list, name="walk_list"),
    path("diagnostics/nouveau/", views.walk_create, name="walk_create"),
    path("diagnostics/<int:pk>/", views.walk_detail, name="walk_detail"),
    path("diagnostics/<int:pk>/saisie/", views.walk_capture, name="walk_capture"),
    path("diagnostics/<int:pk>/envoi.json", views.walk_sync, name="walk_sync"),
    path("diagnostics/<int:pk>/rapport.pdf", views.walk_pdf, name="walk_pdf"),
    path("tfpb/", views.tfpb_list, name="tfpb_list"),
    path("tfpb/export/", views.tfpb_export, name="tfpb_export"),
    path("tfpb/nouvelle/", views.tfpb_create, name="tfpb_create"),
    path("tfpb/<int:pk>/", views.tfpb_detail, name="tfpb_detail"),
    path("tfpb/<int:pk>/bilan/", views.tfpb_edit, name="tfpb_edit"),
    path("tfpb/<int:pk>/actions/nouvelle/", views.tfpb_action_create, name="tfpb_action_create"),
]
