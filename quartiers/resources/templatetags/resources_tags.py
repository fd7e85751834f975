from django import template

from quartiers.resources.models import Document

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_documents(context, meeting):
    """Documents of a meeting the visitor may see: one query."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return list(
        Document.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related(None)
        .only("id", "title", "type", "date", "public")
        .order_by("-date", "-id")
    )
