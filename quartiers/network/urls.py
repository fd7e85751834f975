from django.urls import path

from quartiers.network import views

app_name = "network"
urlpatterns = [
    path("", views.index, name="index"),
    path("agenda/<str:token>.ics", views.network_feed, name="feed"),
    path("rencontres/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("rencontres/<int:pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("rencontres/<int:pk>/ordre-du-jour/", views.agenda_add, name="agenda_add"),
    path("rencontres/<int:pk>/inscription/", views.meeting_register, name="meeting_register"),
    path("rencontres/<int:pk>/desinscription/", views.meeting_unregister, name="meeting_unregister"),
    path("rencontres/<int:pk>/invitations/", views.meeting_invite, name="meeting_invite"),
    path("rencontres/<int:pk>/emargement/", views.attendance, name="attendance"),
    path("rencontres/<int:pk>/inscrire/", views.registration_add, name="registration_add"),
    path("inscriptions/<int:pk>/annuler/", views.registration_cancel, name="registration_cancel"),
    path("rencontres/<int:pk>/compte-rendu/", views.minutes, name="minutes"),
    path("rencontres/<int:pk>/pieces-jointes/", views.attachment_add, name="attachment_add"),
    path("rencontres/<int:pk>/rencontre.ics", views.meeting_ics, name="meeting_ics"),
    path("pieces-jointes/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("axes/<int:pk>/", views.axis_detail, name="axis_detail"),
    path("axes/<int:pk>/soutien/", views.axis_support, name="axis_support"),
    path("axes/<int:pk>/statut/", views.axis_status, name="axis_status"),
    path("axes/<int:pk>/groupe/", views.axis_group, name="axis_group"),
    path("axes/<int:pk>/notes/", views.axis_note, name="axis_note"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/annuaire/", views.directory, name="directory"),
    path("<slug:slug>/membres/ajouter/", views.member_add, name="member_add"),
    path("<slug:slug>/rencontres/", views.meeting_list, name="meeting_list"),
    path("<slug:slug>/rencontres/nouvelle/", views.meeting_create, name="meeting_create"),
    path("<slug:slug>/axes/nouveau/", views.axis_create, name="axis_create"),
    path("<slug:slug>/axes/classement/", views.axis_ranking, name="axis_ranking"),
    path("<slug:slug>/axes/mode/", views.vote_mode, name="vote_mode"),
    path("<slug:slug>/import/", views.member_import, name="member_import"),
]
