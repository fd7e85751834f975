"""What other modules may ask of the network module, without importing its models."""

import datetime

from quartiers.network.models import Meeting


def meeting_on(day: datetime.date):
    """The first meeting starting on `day`, or None (the resource demo links its documents to it)."""
    return Meeting.objects.filter(starts_at__date=day).order_by("starts_at").first()
