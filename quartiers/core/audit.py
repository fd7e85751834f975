"""The audit trail: every state change calls `record` inside its own transaction."""

from quartiers.core.models import AuditEvent


def record(actor, action, obj=None, changes=None):
    user = actor if getattr(actor, "is_authenticated", False) else None
    token = getattr(actor, "api_token", None)  # a write through the API names the token it came with
    if token is not None:
        changes = {**(changes or {}), "jeton d'API": token.label}
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=changes or {},
    )
