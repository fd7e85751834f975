from django.urls import path

from quartiers.accounts import token_views, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("mot-de-passe/oubli/", views.password_reset, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.password_reset_done, name="password_reset_done"),
    path("mot-de-passe/reinitialiser/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("mot-de-passe/reinitialise/", views.password_reset_complete, name="password_reset_complete"),
    path("invitation/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
    path("inviter/", views.invite, name="invite"),
    path("rattachements/proposes/<str:token>/", views.membership_accept, name="membership_accept"),
    path("mon-compte/", views.my_account, name="my_account"),
    path("mon-compte/mot-de-passe/", views.password_change, name="password_change"),
    path("mon-compte/jetons/", token_views.token_create, name="token_create"),
    path("mon-compte/jetons/<int:pk>/revoquer/", token_views.token_revoke, name="token_revoke"),
    path("utilisateurs/", views.user_list, name="user_list"),
    path("utilisateurs/<int:pk>/", views.user_detail, name="user_detail"),
    path("utilisateurs/<int:pk>/rattachements/", views.membership_add, name="membership_add"),
    path("utilisateurs/<int:pk>/activation/", views.user_set_active, name="user_set_active"),
    path("utilisateurs/<int:pk>/invitation/", views.invitation_resend, name="invitation_resend"),
    path("rattachements/<int:pk>/desactiver/", views.membership_deactivate, name="membership_deactivate"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("journal/", views.audit_list, name="audit_list"),
]
