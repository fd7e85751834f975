import json

from django import forms

from quartiers.accounts.models import Organisation
from quartiers.core import filetypes
from quartiers.gup.models import (
    CATEGORIES,
    CATEGORY_CHOICES,
    Coordination,
    ManagerArea,
    TfpbAction,
    TfpbAgreement,
    Walk,
)
from quartiers.territories.models import QPV


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def category_help():
    return {
        key: f"{guidance} Délai de traitement visé : {days} jours." for key, (_l, guidance, days) in CATEGORIES.items()
    }


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label="Catégorie",
        choices=[("", "— Choisissez d'abord la catégorie —")] + CATEGORY_CHOICES,
        error_messages={"required": "Choisissez une catégorie."},
    )
    qpv = forms.ModelChoiceField(
        label="Quartier",
        queryset=QPV.objects.none(),
        to_field_name="code",
        empty_label="— Quartier —",
        error_messages={"required": "Choisissez le quartier."},
    )
    address = forms.CharField(
        label="Adresse ou repère",
        required=False,
        max_length=300,
        help_text="Facultatif si vous placez le point sur la carte.",
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    photos = MultiplePhotoField(
        label="Photos",
        help_text=f"JPEG, PNG, GIF ou WebP, {filetypes.limit_text('photo')} au plus chacune ; "
        "la position GPS des photos est retirée.",
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, qpvs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qpv"].queryset = qpvs if qpvs is not None else QPV.objects.none()


class TransitionForm(forms.Form):
    verb = forms.CharField(widget=forms.HiddenInput)
    motif = forms.CharField(label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    manager = forms.ModelChoiceField(
        label="Gestionnaire",
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": "Ce gestionnaire n'intervient pas sur ce territoire pour cette catégorie : "
            "choisissez-en un dans la liste."
        },
    )

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is not None:
            self.fields["manager"].queryset = managers


class CommentForm(forms.Form):
    text = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class AreaForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label="Catégories traitées",
        choices=CATEGORY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune case cochée : toutes les catégories.",
    )
    polygon_text = forms.CharField(
        label="Périmètre dessiné (GeoJSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dessinez le périmètre sur la carte, ou laissez vide et choisissez un quartier entier.",
    )

    class Meta:
        model = ManagerArea
        fields = ["organisation", "label", "commune", "qpv", "categories"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qpv"].to_field_name = "code"  # the map loads the quartier's outline by its code
        self.fields["qpv"].label = "Quartier entier"

    def clean_polygon_text(self):
        text = self.cleaned_data["polygon_text"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError("Le périmètre n'est pas un GeoJSON lisible.") from None

    def clean(self):
        data = super().clean()
        if not data.get("qpv") and not data.get("polygon_text"):
            raise forms.ValidationError("Choisissez un quartier entier ou dessinez un périmètre.")
        qpv, commune = data.get("qpv"), data.get("commune")
        if qpv and commune and not qpv.communes.filter(pk=commune.pk).exists():
            self.add_error("qpv", "Ce quartier n'est pas dans la commune choisie.")
        return data


class CoordinationForm(forms.ModelForm):
    class Meta:
        model = Coordination
        fields = ["epci", "commune", "organisation", "public_map"]

    def clean(self):
        data = super().clean()
        if bool(data.get("epci")) == bool(data.get("commune")):
            raise forms.ValidationError("Choisissez soit un EPCI, soit une commune.")
        return data


class WalkForm(forms.ModelForm):
    participants_text = forms.CharField(
        label="Participants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une ligne par participant : « Nom — qualité » (habitant, conseil citoyen, bailleur, ville…).",
    )
    route_text = forms.CharField(label="Parcours (GeoJSON)", required=False, widget=forms.HiddenInput)

    class Meta:
        model = Walk
        fields = ["qpv", "title", "date", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, qpvs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qpv"].queryset = qpvs if qpvs is not None else QPV.objects.none()
        self.fields["qpv"].label = "Quartier"
        self.fields["qpv"].to_field_name = "code"

    def clean_participants_text(self):
        people = []
        for line in self.cleaned_data["participants_text"].splitlines():
            if line.strip():
                name, _sep, role = line.replace(" - ", " — ").partition("—")
                people.append({"nom": name.strip(), "qualite": role.strip()})
        return people

    def clean_route_text(self):
        text = self.cleaned_data["route_text"].strip()
        if not text:
            return None
        try:
            route = json.loads(text)
        except ValueError:
            raise forms.ValidationError("Le parcours n'est pas lisible.") from None
        geom = route.get("geometry", route) if isinstance(route, dict) else None
        if not geom or geom.get("type") != "LineString" or len(geom.get("coordinates", [])) < 2:
            raise forms.ValidationError("Le parcours doit être une ligne d'au moins deux points.")
        return geom


class TfpbAgreementForm(forms.ModelForm):
    class Meta:
        model = TfpbAgreement
        fields = ["bailleur", "qpv", "year", "abatement_amount", "housing_count"]
        localized_fields = ["abatement_amount"]  # French users type decimal commas

    def __init__(self, *args, bailleurs=None, qpvs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = bailleurs if bailleurs is not None else Organisation.objects.none()
        self.fields["qpv"].queryset = qpvs if qpvs is not None else QPV.objects.none()
        self.fields["qpv"].label = "Quartier"

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2015 <= year <= 2035:
            raise forms.ValidationError("Année hors de la période des contrats de ville (2015–2035).")
        return year

    def clean_abatement_amount(self):
        amount = self.cleaned_data["abatement_amount"]
        if amount < 0:
            raise forms.ValidationError("Le montant ne peut pas être négatif.")
        return amount


class TfpbBilanForm(forms.ModelForm):
    class Meta:
        model = TfpbAgreement
        fields = ["abatement_amount", "housing_count", "bilan"]
        localized_fields = ["abatement_amount"]


class TfpbActionForm(forms.ModelForm):
    class Meta:
        model = TfpbAction
        fields = ["axis", "title", "planned_amount", "spent_amount", "done", "reports", "walks"]
        localized_fields = ["planned_amount", "spent_amount"]
        widgets = {"reports": forms.CheckboxSelectMultiple, "walks": forms.CheckboxSelectMultiple}

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        from quartiers.gup.models import Report

        # Reports of this landlord in this QPV during the agreement's year: the ones its actions answer.
        self.fields["reports"].queryset = Report.objects.filter(
            qpv=agreement.qpv, manager=agreement.bailleur, created_at__year=agreement.year
        ).order_by("-created_at")
        self.fields["walks"].queryset = Walk.objects.filter(qpv=agreement.qpv)
        self.fields["reports"].required = False
        self.fields["walks"].required = False
