"""French wording filters, available in every template (declared as a built-in in settings).

`pluriel` replaces Django's `pluralize`, which follows the English rule (« 0 résultats »): in French the
singular is used for 0 and 1 (« 0 résultat », « 1 résultat », « 2 résultats »).
"""

from django import template

from quartiers.core import markdown as md
from quartiers.core.wording import is_plural

register = template.Library()


def _count(value):
    """A number from a number, a numeric string or a collection (its length), as Django's `pluralize` reads it."""
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        return len(value)
    except TypeError:
        return None


@register.filter(is_safe=False)
def pluriel(value, arg="s"):
    """`{{ n }} résultat{{ n|pluriel }}`; `{{ n|pluriel:"al,aux" }}` for irregular endings."""
    singular, _sep, plural = arg.rpartition(",") if "," in arg else ("", "", arg)
    n = _count(value)
    if n is None:
        return ""
    return plural if is_plural(n) else singular


@register.filter(is_safe=False)
def nombre(value, noun):
    """`{{ n|nombre:"résultat" }}` → « 0 résultat », « 2 résultats »; `"journal,journaux"` for irregular plurals."""
    singular, _sep, plural = noun.partition(",")
    n = _count(value)
    if n is None:
        return ""
    shown = int(n) if float(n).is_integer() else n
    return f"{shown} {(plural or singular + 's') if is_plural(n) else singular}"


@register.filter
def markdown(text):
    """Minutes and notes typed in Markdown, escaped first: raw HTML never runs (see quartiers.core.markdown)."""
    return md.render(text)
