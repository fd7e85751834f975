from django import forms

from quartiers.core import filetypes
from quartiers.eligibility.answers import DEFAULT_GENERATION, GENERATIONS, MAPPING_KEYS

GENERATION_LABELS = {2024: "QPV 2024 (géographie en vigueur)", 2015: "QPV 2015 (contrats 2015-2023)"}


def generation_field(loaded=None):
    """The geography asked for: 2024 by default, 2015 still offered; unloaded ones say so."""
    choices = []
    for gen in GENERATIONS:
        label = GENERATION_LABELS[gen]
        if loaded is not None and gen not in loaded:
            label += " — contours non chargés : résultat indéterminé"
        choices.append((gen, label))
    return forms.TypedChoiceField(
        label="Géographie prioritaire", choices=choices, coerce=int, required=False, initial=DEFAULT_GENERATION
    )


class AddressForm(forms.Form):
    q = forms.CharField(
        label="Adresse",
        max_length=300,
        help_text="Numéro, voie, code postal et commune, par exemple « 12 rue de la Paix 62100 Calais ».",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    code_postal = forms.CharField(label="Code postal (facultatif)", max_length=10, required=False)
    generation = generation_field()


class PointForm(forms.Form):
    # Localised: a French user types « 1,4007 » as often as « 1.4007 ».
    lon = forms.FloatField(
        label="Longitude (WGS84)",
        min_value=-180,
        max_value=180,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "1,4007"}),
    )
    lat = forms.FloatField(
        label="Latitude (WGS84)",
        min_value=-90,
        max_value=90,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "43,5732"}),
    )
    generation = generation_field()


class UploadForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier d'adresses (CSV ou XLSX)",
        help_text="Une ligne d'en-têtes, puis une adresse par ligne. Encodage et séparateur détectés.",
    )

    def clean_fichier(self):
        f = self.cleaned_data["fichier"]
        from quartiers.eligibility.batch import too_big_message

        if f.size > filetypes.max_size("tableau"):
            raise forms.ValidationError(too_big_message(f.size))  # says how to process it on the server
        # The one upload rule: size, archive safety, and the type read from the content, not the name.
        self.kind = filetypes.check_upload(f, purpose="tableau")
        return f


MAPPING_LABELS = {
    "adresse": "Colonne de l'adresse (ou de la voie)",
    "numero": "Colonne du numéro (si séparé)",
    "code_postal": "Colonne du code postal",
    "commune": "Colonne de la commune",
    "lon": "Colonne de la longitude (si le fichier a déjà des coordonnées)",
    "lat": "Colonne de la latitude",
}


class MappingForm(forms.Form):
    """Which column holds what; pre-selected from the usual French names."""

    def __init__(self, *args, headers=(), generations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— aucune —")] + [(h, h) for h in headers]
        for key in MAPPING_KEYS:
            self.fields[key] = forms.ChoiceField(label=MAPPING_LABELS[key], choices=choices, required=False)
        self.fields["generation"] = generation_field(loaded=set(generations))
        self.fields["generation"].help_text = (
            "Une adresse dont le département n'a pas ses contours chargés pour cette géographie est dite "
            "« indéterminée », jamais « hors QPV »."
        )

    def clean(self):
        data = super().clean()
        has_address = data.get("adresse") or data.get("commune") or data.get("code_postal")
        has_point = data.get("lon") and data.get("lat")
        if not has_address and not has_point:
            raise forms.ValidationError(
                "Choisissez au moins la colonne de l'adresse (ou les colonnes longitude et latitude)."
            )
        if bool(data.get("lon")) != bool(data.get("lat")):
            raise forms.ValidationError("Choisissez les deux colonnes longitude et latitude, ou aucune.")
        return data

    def mapping(self):
        return {k: self.cleaned_data[k] for k in MAPPING_KEYS if self.cleaned_data.get(k)}
