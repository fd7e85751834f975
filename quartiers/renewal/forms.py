from django import forms

from quartiers.accounts.models import Organisation
from quartiers.renewal.models import FundingLine, InsertionSnapshot, Milestone, Operation, Project, RehousingSnapshot
from quartiers.territories.models import QPV, ContratDeVille

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "qpv", "contrat", "interest", "owner", "npnru_code", "description"]

    def __init__(self, *args, qpvs=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the QPVs (and contracts) the user may steer are offered.
        self.fields["qpv"].queryset = qpvs if qpvs is not None else QPV.objects.all()
        self.fields["contrat"].queryset = ContratDeVille.objects.filter(qpvs__in=self.fields["qpv"].queryset).distinct()
        self.fields["owner"].queryset = Organisation.objects.all()


class OperationForm(forms.ModelForm):
    class Meta:
        model = Operation
        fields = [
            "family",
            "title",
            "maitre_ouvrage",
            "housing_units",
            "inside_qpv",
            "lon",
            "lat",
            "cost",
            "status",
            "progress",
            "commitment_deadline",
        ]
        widgets = {"commitment_deadline": DATE_WIDGET}

    def clean_progress(self):
        progress = self.cleaned_data["progress"]
        if progress > 100:
            raise forms.ValidationError("L'avancement est un pourcentage entre 0 et 100.")
        return progress

    def clean(self):
        data = super().clean()
        lon, lat = data.get("lon"), data.get("lat")
        if (lon is None) != (lat is None):
            raise forms.ValidationError("Indiquez la longitude et la latitude, ou aucune des deux.")
        if lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise forms.ValidationError(
                "Coordonnées invalides (longitude entre -180 et 180, latitude entre -90 et 90)."
            )
        return data


class OwnerOperationForm(OperationForm):
    """What a maître d'ouvrage updates on its own operation: progress, not the project's frame."""

    class Meta(OperationForm.Meta):
        fields = ["status", "progress", "housing_units", "cost", "lon", "lat"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["label", "planned_date", "actual_date"]
        widgets = {"planned_date": DATE_WIDGET, "actual_date": DATE_WIDGET}


class FundingForm(forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = ["financer", "financer_name", "amount", "committed", "paid"]

    def clean(self):
        data = super().clean()
        amount, committed, paid = data.get("amount"), data.get("committed"), data.get("paid")
        if None not in (amount, committed, paid):
            if min(amount, committed, paid) < 0:
                raise forms.ValidationError("Les montants ne peuvent pas être négatifs.")
            if paid > committed:
                raise forms.ValidationError("Le montant payé ne peut pas dépasser le montant engagé.")
        return data


class RehousingForm(forms.ModelForm):
    class Meta:
        model = RehousingSnapshot
        fields = ["as_of", "to_rehouse", "rehoused", "in_qpv", "out_qpv", "new_housing", "older_housing"]
        widgets = {"as_of": DATE_WIDGET}

    def clean(self):
        data = super().clean()
        rehoused = data.get("rehoused")
        if rehoused is None:
            return data
        if data.get("to_rehouse") is not None and rehoused > data["to_rehouse"]:
            raise forms.ValidationError("Il ne peut pas y avoir plus de ménages relogés que de ménages à reloger.")
        if None not in (data.get("in_qpv"), data.get("out_qpv")) and data["in_qpv"] + data["out_qpv"] > rehoused:
            raise forms.ValidationError("Relogés dans et hors QPV : la somme dépasse le nombre de ménages relogés.")
        if None not in (data.get("new_housing"), data.get("older_housing")) and (
            data["new_housing"] + data["older_housing"] > rehoused
        ):
            raise forms.ValidationError("Neuf et parc existant : la somme dépasse le nombre de ménages relogés.")
        return data


class InsertionForm(forms.ModelForm):
    class Meta:
        model = InsertionSnapshot
        fields = ["as_of", "planned_hours", "achieved_hours"]
        widgets = {"as_of": DATE_WIDGET}
