from django import forms

from quartiers.contracts.hooks import date_field
from quartiers.territories.pickers import TerritoryField


class CompanyForm(forms.Form):
    name = forms.CharField(
        label="Nom de l'entreprise", max_length=200, error_messages={"required": "Indiquez le nom de l'entreprise."}
    )
    siret = forms.RegexField(
        label="SIREN ou SIRET",
        regex=r"^\d{9}(\d{5})?$",
        required=False,
        error_messages={"invalid": "Le SIREN a 9 chiffres, le SIRET 14."},
    )
    commune = TerritoryField(
        "commune",
        label="Commune de l'établissement",
        help_text="Tapez son nom et choisissez-la dans la liste, ex. « Calais (62) ».",
        error_messages={"required": "Indiquez la commune de l'établissement."},
    )
    sector = forms.CharField(label="Secteur d'activité", max_length=120, required=False)
    headcount = forms.CharField(label="Effectif", max_length=60, required=False)
    joined_on = date_field("Adhésion au PAQTE", required=False)


class CompanyProfileForm(CompanyForm):
    """The company's profile once registered (its name stays the organisation's name)."""

    field_order = ["siret", "commune", "sector", "headcount", "joined_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["name"]
