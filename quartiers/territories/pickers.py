"""Choosing a commune, an EPCI or a contrat de ville by its name, never by a raw SIREN or INSEE code.

A `TerritoryField` is a text field with suggestions (a <datalist> filled by htmx from `territories:picker`,
limited to the territories the user may change); it resolves what was typed — « Calais (62) », « Calais »,
« CA Grand Calais Terres et Mers », and still a code for those who know it — or says in French what is
ambiguous or unknown. Without JavaScript the field is a plain text field that accepts the same names.
"""

import re

from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html

from quartiers.territories.models import EPCI, Commune, ContratDeVille

MAX_SUGGESTIONS = 20
WITH_DEPARTEMENT = re.compile(r"^(?P<nom>.+?)\s*\((?P<dep>\d[\dAB]{1,2})\)$")


def commune_label(commune):
    return f"{commune.nom} ({commune.departement_id})"


def contrat_label(contrat):
    return f"{contrat.nom} — {contrat.code}"


def resolve_commune(text, queryset=None):
    """(commune, "") or (None, French error)."""
    qs = (queryset if queryset is not None else Commune.objects.all()).select_related("departement")
    text = " ".join(text.split())
    if re.fullmatch(r"\d[\dAB]\d{3}", text):
        found = qs.filter(insee=text).first()
        return (found, "") if found else (None, f"Aucune commune n'a le code INSEE {text}.")
    match = WITH_DEPARTEMENT.match(text)
    candidates = qs.filter(nom__iexact=match["nom"] if match else text)
    if match:
        candidates = candidates.filter(departement_id=match["dep"])
    found = list(candidates[:6])
    if len(found) == 1:
        return found[0], ""
    if not found:
        return None, f"Aucune commune « {text} » : choisissez-la dans la liste proposée en tapant son nom."
    examples = ", ".join(f"« {commune_label(c)} »" for c in found[:5])
    return None, f"Plusieurs communes s'appellent « {text} » : précisez le département, par exemple {examples}."


def resolve_epci(text, queryset=None):
    qs = queryset if queryset is not None else EPCI.objects.all()
    text = " ".join(text.split())
    if re.fullmatch(r"\d{9}", text):
        found = qs.filter(siren=text).first()
        return (found, "") if found else (None, f"Aucun EPCI n'a le SIREN {text}.")
    found = qs.filter(nom__iexact=text).first()
    return (found, "") if found else (None, f"Aucune intercommunalité « {text} » : choisissez-la dans la liste.")


def resolve_contrat(text, queryset=None):
    qs = queryset if queryset is not None else ContratDeVille.objects.all()
    text = " ".join(text.split())
    code = text.rsplit("—", 1)[-1].strip().upper()
    found = qs.filter(code=code).first() or qs.filter(nom__iexact=text).first()
    if found:
        return found, ""
    if re.fullmatch(r"C[A-Z0-9]{3,10}", text.upper()):
        return None, f"Aucun contrat de ville de référence n'a le code {text.upper()}."
    return None, f"Aucun contrat de ville « {text} » : choisissez-le dans la liste."


def resolve_territory(text):
    """An EPCI or a commune, by name (or by its SIREN / code INSEE): the EPCI first (« CA … », « CU … »)."""
    text = " ".join(text.split())
    if re.fullmatch(r"\d{9}", text):
        return resolve_epci(text)
    if re.fullmatch(r"\d[\dAB]\d{3}", text):
        return resolve_commune(text)
    epci, _error = resolve_epci(text)
    if epci is not None:
        return epci, ""
    commune, error = resolve_commune(text)
    if commune is not None or error.startswith("Plusieurs"):
        return commune, error
    return None, f"Aucune intercommunalité ni commune « {text} » : choisissez-la dans la liste."


RESOLVERS = {
    "commune": resolve_commune,
    "epci": lambda text: resolve_epci(text),
    "territoire": resolve_territory,
    "contrat": lambda text: resolve_contrat(text),
}


def suggestions(kind, text, user):
    """Labels to offer for what was typed so far, among the territories `user` may change."""
    text = " ".join((text or "").split())
    if len(text) < 2:
        return []
    labels = []
    if kind in ("epci", "territoire"):
        qs = EPCI.objects.editable_by(user).filter(nom__icontains=text).order_by("nom")
        labels += [e.nom for e in qs[:MAX_SUGGESTIONS]]
    if kind in ("commune", "territoire"):
        qs = Commune.objects.editable_by(user).filter(nom__icontains=text).order_by("nom", "departement_id")
        labels += [commune_label(c) for c in qs[:MAX_SUGGESTIONS]]
    if kind == "contrat":
        qs = ContratDeVille.objects.filter(nom__icontains=text) | ContratDeVille.objects.filter(code__iexact=text)
        labels += [contrat_label(c) for c in qs.order_by("nom")[:MAX_SUGGESTIONS]]
    return labels[:MAX_SUGGESTIONS]


class PickerInput(forms.TextInput):
    """A text input whose suggestions come from `territories:picker` as the user types (htmx)."""

    def __init__(self, kind, attrs=None):
        self.kind = kind
        super().__init__(attrs)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id', 'id_' + name)}_choix"
        attrs.update(
            {
                "list": list_id,
                "autocomplete": "off",
                "hx-get": str(reverse_lazy("territories:picker", args=[self.kind])),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
            }
        )
        html = super().render(name, value, attrs, renderer)
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class TerritoryField(forms.CharField):
    """Typed name → model instance (Commune, EPCI or ContratDeVille), with a French error otherwise."""

    def __init__(self, kind, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", 250)
        kwargs.setdefault("widget", PickerInput(kind))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return commune_label(value)
        if isinstance(value, EPCI):
            return value.nom
        if isinstance(value, ContratDeVille):
            return contrat_label(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        found, error = RESOLVERS[self.kind](text)
        if found is None:
            raise forms.ValidationError(error)
        return found
