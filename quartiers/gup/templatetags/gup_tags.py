from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles():
    """The tile server a deployment set (MAP_TILES_URL), or nothing: maps then show outlines only."""
    return getattr(settings, "MAP_TILES_URL", "")


@register.filter
def can_contribute(user):
    """Whether the user may file a report (the menu hides « Signaler » from readers)."""
    from quartiers.core.permissions import can

    return can(user, "contribute", None)
