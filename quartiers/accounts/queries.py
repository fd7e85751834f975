"""Read-side queries of the account pages (AuditEvent lives in core; its filters for the audit page live here)."""

from django.db.models import Count, Q

from quartiers.accounts.models import Membership, Organisation
from quartiers.core.models import AuditEvent
from quartiers.core.permissions import is_admin


def audit_events(filters):
    """The audit trail filtered by text (action or object), author e-mail and date range."""
    events = AuditEvent.objects.select_related("actor")
    text = (filters.get("q") or "").strip()
    if text:
        events = events.filter(Q(action__icontains=text) | Q(object_repr__icontains=text))
    actor = (filters.get("acteur") or "").strip()
    if actor:
        events = events.filter(actor__email__icontains=actor)
    if filters.get("du"):
        events = events.filter(created_at__date__gte=filters["du"])
    if filters.get("au"):
        events = events.filter(created_at__date__lte=filters["au"])
    return events


def events_relevant_to(user):
    """What changed recently around `user`: everything for administrators; otherwise what the user
    did, what was done to the user's account, and what colleagues of the same organisations did."""
    events = AuditEvent.objects.select_related("actor")
    if is_admin(user):
        return events
    colleagues = Membership.objects.filter(
        active=True,
        organisation_id__in=Membership.objects.filter(user=user, active=True).values("organisation_id"),
    ).values("user_id")
    return events.filter(
        Q(actor=user) | Q(object_type="accounts.user", object_id=str(user.pk)) | Q(actor_id__in=colleagues)
    )


def organisations_with_counts():
    return Organisation.objects.annotate(
        members=Count("memberships__user", filter=Q(memberships__active=True), distinct=True)
    )
