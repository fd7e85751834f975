from django.urls import path
from django.views.decorators.http import require_safe

from quartiers.resources import feeds, views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("nouveau/", views.document_create, name="document_create"),
    path("favoris/", views.favourites, name="favourites"),
    path("flux.atom", require_safe(feeds.DocumentFeed()), name="feed"),
    path("actualites/", views.digests, name="digests"),
    path("actualites/<slug:slug>/", views.digest, name="digest"),
    path("actualites/<slug:slug>/flux.atom", require_safe(feeds.DigestFeed()), name="digest_feed"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/modifier/", views.document_edit, name="document_edit"),
    path("<int:pk>/supprimer/", views.document_delete, name="document_delete"),
    path("<int:pk>/impression/", views.print_view, name="print"),
    path("<int:pk>/favori/", views.favourite_toggle, name="favourite_toggle"),
    path("<int:pk>/pieces-jointes/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/pieces-jointes/<int:attachment_pk>/", views.download, name="download"),
    path("<int:pk>/pieces-jointes/<int:attachment_pk>/supprimer/", views.attachment_delete, name="attachment_delete"),
]
