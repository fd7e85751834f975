"""The identifiers of a carrying structure, checked: SIRET (14 digits + Luhn key, with the La Poste exception,
through python-stdnum) and RNA (the associations' register: `W` + 9 digits)."""

import re

from django.core.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret

RNA_RE = re.compile(r"^W\d{9}$")


def compact_siret(value):
    return re.sub(r"[\s.\u00a0\u202f-]", "", value or "")


def validate_siret(value):
    digits = compact_siret(value)
    if not re.fullmatch(r"\d{14}", digits):
        raise ValidationError("Le SIRET doit compter 14 chiffres.", code="siret_format")
    if not stdnum_siret.is_valid(digits):
        raise ValidationError("Ce SIRET n'est pas valide (clé de contrôle incorrecte).", code="siret_key")


def validate_rna(value):
    if not RNA_RE.match((value or "").strip().upper()):
        raise ValidationError("Le numéro RNA s'écrit W suivi de 9 chiffres (ex. W623001234).", code="rna_format")
