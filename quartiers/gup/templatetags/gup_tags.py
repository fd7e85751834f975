from django import template
from django.conf import settings

from quartiers.core.permissions import can
from quartiers.gup.models import Report

register = template.Library()


@register.simple_tag
def map_tiles():
    """The tile server a deployment set (MAP_TILES_URL), or nothing: maps then show outlines only."""
    return getattr(settings, "MAP_TILES_URL", "")


@register.filter
def can_contribute(user):
    """Whether the user may file a report (the menu hides « Signaler » from readers): the policy's
    `create` rule of a report (gup/rules.py)."""
    return can(user, "create", Report())
