"""Amounts: read with decimal commas (« 1 250,50 »), written the French way (« 1 250,00 € »)."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from quartiers.core.tabular import parse_decimal

CENT = Decimal("0.01")


def parse_amount(value, label="Le montant"):
    """A non-negative amount in euros from a Decimal or a French string; a clear French error otherwise."""
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    else:
        try:
            amount = parse_decimal(str(value))
        except ValueError:
            raise ValidationError(f"{label} « {value} » n'est pas un nombre.", code="amount_invalid") from None
        if amount is None:
            raise ValidationError(f"{label} est obligatoire.", code="amount_required")
    if not amount.is_finite():
        raise ValidationError(f"{label} « {value} » n'est pas un nombre.", code="amount_invalid")
    if amount < 0:
        raise ValidationError(f"{label} ne peut pas être négatif.", code="amount_negative")
    if amount != amount.quantize(CENT):
        raise ValidationError(f"{label} a au plus deux décimales (centimes).", code="amount_precision")
    return amount.quantize(CENT)


def euros(amount):
    """Decimal('1250') → « 1 250,00 € »."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(Decimal(amount)).quantize(CENT):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups)},{cents} €"
