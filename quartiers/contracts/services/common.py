"""What every contracts service shares: who acts, the permission check, numbers typed in French, uploads."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from quartiers.core import filetypes
from quartiers.core.permissions import authorize


def check(actor, verb, obj):
    """The permission policy, asked again by the service itself (the view asked first): a state change never
    depends on its caller remembering. `actor=None` is the platform acting (demo, imports, benchmarks)."""
    if actor is not None:
        authorize(actor, verb, obj)


def user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def decimal(value, field_name):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        raise ValidationError({field_name: "La valeur doit être un nombre (ex. 12 ou 12,5)."}) from None


def accepted_type(uploaded):
    """The MIME type of an accepted evidence or contract document, by the one upload rule (core.filetypes: size
    from its LIMITS table, archive safety, content never name)."""
    try:
        return filetypes.check_upload(uploaded, purpose="piece_jointe").mime_type
    except ValidationError as error:
        if error.code == "format":
            error = ValidationError(
                "Type de fichier refusé : seuls les PDF, PNG, JPEG et documents bureautiques sont acceptés."
            )
        raise ValidationError({"file": error.messages}) from None
