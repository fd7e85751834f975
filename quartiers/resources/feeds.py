"""Atom feeds: recent documents, and the items of one « point d'actualité » series."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from quartiers.core.permissions import authorize
from quartiers.resources.models import Digest, Document

FEED_SIZE = 30


def as_html(text):
    """Atom's <summary type="html"> is read as HTML by feed readers: the typed text, escaped, in paragraphs."""
    return linebreaks(text or "", autoescape=True)


def _aware(day):
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


class DocumentFeed(Feed):
    feed_type = Atom1Feed
    title = "Quartiers — derniers documents"
    subtitle = "Les derniers documents de la bibliothèque de ressources."
    quartiers_policy = ("view", "public")

    def get_object(self, request, *args, **kwargs):
        return request.user  # the visitor sees the documents open to them (public ones for a feed reader)

    def link(self):
        return reverse("resources:index")

    def items(self, user):
        return (
            Document.objects.visible_to(user).select_related("author_organisation").order_by("-date", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return f"{item.get_type_display()} — {item.title}"

    def item_description(self, item):
        return as_html(item.summary)

    def item_pubdate(self, item):
        return _aware(item.date)

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_organisation.name if item.author_organisation else None

    def item_categories(self, item):
        return [item.get_type_display()]


class DigestFeed(Feed):
    feed_type = Atom1Feed
    quartiers_policy = ("view", "public")

    def get_object(self, request, slug):
        digest = get_object_or_404(Digest, slug=slug)
        if not digest.public:
            authorize(request.user, "view", None)
        return digest

    def title(self, digest):
        return f"Quartiers — {digest.title}"

    def subtitle(self, digest):
        return digest.description or "Point d'actualité"

    def link(self, digest):
        return digest.get_absolute_url()

    def items(self, digest):
        return digest.items.select_related("digest")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return as_html(item.text)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return _aware(item.date)
