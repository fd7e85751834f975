from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles():
    """The tile server a deployment set (MAP_TILES_URL), or nothing: maps then show outlines only."""
    return getattr(settings, "MAP_TILES_URL", "")
