"""Amounts in euros the French way (« 1 250,00 € ») in the programming's pages."""

from django import template

from ..money import euros as format_euros

register = template.Library()


@register.filter
def euros(amount):
    return format_euros(amount or 0)
