"""Territorial scopes of memberships: names, validation, and the object the policy checks.

A scope is a (level, code) pair: ("epci", "200090751"). Names come from the territories tables
when they are loaded; an empty table (reference data not imported yet) accepts any well-formed code.
"""

import re

from django.core.exceptions import ValidationError

from quartiers.territories.models import EPCI, Commune, Departement, Region

MODELS = {"region": Region, "departement": Departement, "epci": EPCI, "commune": Commune}
LABELS = {"region": "région", "departement": "département", "epci": "EPCI", "commune": "commune"}
FORMATS = {
    "region": (r"\d{2,3}", "un code de région à 2 ou 3 chiffres (ex. 32)"),
    "departement": (r"\d{2,3}|2[AB]", "un numéro de département (ex. 62, 2A, 971)"),
    "epci": (r"\d{9}", "un SIREN à 9 chiffres (ex. 200090751)"),
    "commune": (r"\d{5}|2[AB]\d{3}", "un code INSEE à 5 caractères (ex. 62193)"),
}


def clean_scope(level, code):
    """Return the normalised code, or raise a ValidationError in French."""
    code = (code or "").strip().upper()
    if level not in MODELS:
        raise ValidationError("Niveau de territoire inconnu.")
    pattern, hint = FORMATS[level]
    if not re.fullmatch(pattern, code):
        raise ValidationError(f"Code de {LABELS[level]} invalide : attendu {hint}.")
    model = MODELS[level]
    if model.objects.exists() and not model.objects.filter(pk=code).exists():
        raise ValidationError(f"Aucun(e) {LABELS[level]} de code {code} dans le référentiel des territoires.")
    return code


def territory_names(scopes):
    """{(level, code): name} for the given pairs; one query per level present, whatever their number."""
    wanted = {}
    for level, code in scopes:
        wanted.setdefault(level, set()).add(code)
    names = {}
    for level, codes in wanted.items():
        model = MODELS.get(level)
        if model is None:
            continue
        for pk, nom in model.objects.filter(pk__in=codes).values_list("pk", "nom"):
            names[(level, pk)] = nom
    return names


def attach_territory_names(memberships):
    """Set `territory_name` on each membership (None when the territory is not in the tables)."""
    memberships = list(memberships)
    names = territory_names((m.scope_level, m.scope_code) for m in memberships)
    for m in memberships:
        m.territory_name = names.get((m.scope_level, m.scope_code))
    return memberships


class Scope:
    """A territory as the permission policy sees it: its own key and its ancestors'."""

    def __init__(self, level, code):
        self.level = level
        self.code = code

    def __str__(self):
        return f"{LABELS.get(self.level, self.level)} {self.code}"

    def territory_keys(self):
        model = MODELS.get(self.level)
        obj = model.objects.filter(pk=self.code).first() if model else None
        if obj is not None:
            return obj.territory_keys()
        return {f"{self.level}:{self.code}"}
