from django.urls import path

from quartiers.gup.views import managers, maps, reports, tfpb, walks

app_name = "gup"
urlpatterns = [
    path("", reports.index, name="index"),
    path("signalements/", reports.report_list, name="report_list"),
    path("signalements/export/", reports.report_export, name="report_export"),
    path("signalements/nouveau/", reports.report_create, name="report_create"),
    path("signalements/proches/", reports.nearby, name="nearby"),
    path("signalements/<int:pk>/", reports.report_detail, name="report_detail"),
    path("signalements/<int:pk>/statut/", reports.report_transition, name="report_transition"),
    path("signalements/<int:pk>/commentaire/", reports.report_comment, name="report_comment"),
    path("signalements/<int:pk>/suivre/", reports.report_follow, name="report_follow"),
    path("photos/<int:pk>/", reports.report_photo, name="report_photo"),
    path("carte/", maps.report_map, name="map"),
    path("carte/<str:code>/donnees.json", maps.map_data, name="map_data"),
    path("tableau-de-bord/", maps.dashboard, name="dashboard"),
    path("tableau-de-bord/export/", maps.dashboard_export, name="dashboard_export"),
    path("public/<str:level>/<str:code>/", maps.public_map, name="public_map"),
    path("public/<str:level>/<str:code>/donnees.json", maps.public_map_data, name="public_map_data"),
    path("gestionnaires/", managers.managers, name="managers"),
    path("gestionnaires/perimetres/nouveau/", managers.area_create, name="area_create"),
    path("gestionnaires/perimetres/<int:pk>/supprimer/", managers.area_delete, name="area_delete"),
    path("gestionnaires/coordination/", managers.coordination_create, name="coordination_create"),
    path("diagnostics/", walks.walk_list, name="walk_list"),
    path("diagnostics/nouveau/", walks.walk_create, name="walk_create"),
    path("diagnostics/<int:pk>/", walks.walk_detail, name="walk_detail"),
    path("diagnostics/<int:pk>/saisie/", walks.walk_capture, name="walk_capture"),
    path("diagnostics/<int:pk>/envoi.json", walks.walk_sync, name="walk_sync"),
    path("diagnostics/<int:pk>/rapport.pdf", walks.walk_pdf, name="walk_pdf"),
    path("tfpb/", tfpb.tfpb_list, name="tfpb_list"),
    path("tfpb/export/", tfpb.tfpb_export, name="tfpb_export"),
    path("tfpb/nouvelle/", tfpb.tfpb_create, name="tfpb_create"),
    path("tfpb/<int:pk>/", tfpb.tfpb_detail, name="tfpb_detail"),
    path("tfpb/<int:pk>/bilan/", tfpb.tfpb_edit, name="tfpb_edit"),
    path("tfpb/<int:pk>/actions/nouvelle/", tfpb.tfpb_action_create, name="tfpb_action_create"),
]
