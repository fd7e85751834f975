from django import forms
from django.db.models import Q

from quartiers.accounts.models import Organisation
from quartiers.core import filetypes
from quartiers.territories.pickers import TerritoryField

from .models import Amendment, Commitment, Contract, Objective

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERROR = "Date invalide : utilisez le format jj/mm/aaaa."
NUMBER_ERROR = "La valeur doit être un nombre (ex. 12 ou 12,5)."


def date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text="Format jj/mm/aaaa.",
        error_messages={"invalid": DATE_ERROR, "required": f"{label} : champ obligatoire."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "jj/mm/aaaa"}),
    )


def number_field(label, required=True, required_message=None):
    return forms.DecimalField(
        label=label,
        required=required,
        localize=True,
        max_digits=14,
        decimal_places=2,
        error_messages={
            "invalid": NUMBER_ERROR,
            "required": required_message or f"{label} : champ obligatoire.",
            "max_decimal_places": "Deux décimales au plus.",
            "max_digits": "Nombre trop grand.",
            "max_whole_digits": "Nombre trop grand.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class IndicatorFields(forms.Form):
    indicator_label = forms.CharField(
        label="Indicateur", max_length=200, error_messages={"required": "Nommez l'indicateur suivi."}
    )
    indicator_unit = forms.CharField(
        label="Unité",
        max_length=40,
        help_text="Ex. : embauches, stages, euros, %.",
        error_messages={"required": "Indiquez l'unité de l'indicateur."},
    )
    indicator_baseline = number_field("Valeur de départ", required=False)
    indicator_target = number_field("Cible", required_message="La cible de l'indicateur est obligatoire.")
    indicator_summable = forms.BooleanField(
        label="Additionnable entre territoires",
        required=False,
        initial=True,
        help_text="Décochez pour un taux ou une part : ils ne s'additionnent pas.",
    )

    def indicator_data(self):
        d = self.cleaned_data
        return {
            "label": d["indicator_label"],
            "unit": d["indicator_unit"],
            "baseline": d["indicator_baseline"],
            "target": d["indicator_target"],
            "summable": d["indicator_summable"],
        }


class CommitmentForm(IndicatorFields):
    kind = forms.ChoiceField(label="Type d'engagement", choices=Commitment.Kind.choices)
    organisation = forms.ModelChoiceField(
        label="Organisation engagée",
        queryset=Organisation.objects.all(),
        error_messages={"required": "Choisissez l'organisation qui s'engage."},
    )
    title = forms.CharField(
        label="Engagement", max_length=300, error_messages={"required": "Décrivez l'engagement en une phrase."}
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.ModelChoiceField(label="Pilier ou axe", queryset=None, required=False)
    objective = forms.ModelChoiceField(label="Objectif", queryset=None, required=False)
    qpvs = forms.ModelMultipleChoiceField(
        label="Quartiers concernés", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    measure = forms.ModelChoiceField(label="Mesure nationale", queryset=None, required=False)
    dijon_domain = forms.ChoiceField(
        label="Domaine du Pacte de Dijon", required=False, choices=[("", "—")] + Commitment.DijonDomain.choices
    )
    paqte_axis = forms.ChoiceField(
        label="Axe du PAQTE", required=False, choices=[("", "—")] + Commitment.PaqteAxis.choices
    )
    due_on = date_field("Échéance", required=False)

    field_order = [
        "kind",
        "organisation",
        "title",
        "description",
        "pillar",
        "objective",
        "qpvs",
        "measure",
        "dijon_domain",
        "paqte_axis",
        "due_on",
    ]

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].queryset = contract.pillars.all()
        self.fields["objective"].queryset = Objective.objects.filter(pillar__contract=contract).select_related("pillar")
        self.fields["qpvs"].queryset = contract.qpvs.all()
        # The national measures, through the lazy "mobilisation.Measure" key: contracts never imports mobilisation.
        self.fields["measure"].queryset = Commitment._meta.get_field("measure").related_model._default_manager.all()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Commitment.Kind.DIJON and not data.get("dijon_domain"):
            self.add_error("dijon_domain", "Un engagement du Pacte de Dijon a un domaine.")
        if kind == Commitment.Kind.PAQTE and not data.get("paqte_axis"):
            self.add_error(
                "paqte_axis", "Un engagement PAQTE relève d'un axe (sensibiliser, former, recruter, acheter)."
            )
        objective, pillar = data.get("objective"), data.get("pillar")
        if objective and pillar and objective.pillar_id != pillar.pk:
            self.add_error("objective", "Cet objectif relève d'un autre pilier.")
        elif objective and not pillar:
            data["pillar"] = objective.pillar
        if kind == Commitment.Kind.ROLLOUT and not data.get("measure"):
            self.add_error("measure", "Le déploiement local porte sur une mesure nationale.")
        return data

    def commitment_data(self):
        d = self.cleaned_data
        return {
            k: d[k]
            for k in (
                "kind",
                "organisation",
                "title",
                "description",
                "pillar",
                "objective",
                "qpvs",
                "measure",
                "dijon_domain",
                "paqte_axis",
                "due_on",
            )
        }


class IndicatorForm(IndicatorFields):
    pass


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut", choices=Commitment.Status.choices)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MeasurementForm(forms.Form):
    measured_on = date_field("Date de la mesure")
    value = number_field("Valeur mesurée", required_message="Saisissez la valeur mesurée.")
    comment = forms.CharField(label="Commentaire", max_length=300, required=False)


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label="Titre de la pièce", max_length=200, error_messages={"required": "Donnez un titre à la pièce."}
    )
    file = forms.FileField(
        label=f"Fichier (PDF, image ou document bureautique, {filetypes.limit_text('piece_jointe')} au plus)",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'avenant", choices=Amendment.Kind.choices)
    title = forms.CharField(label="Intitulé", max_length=200, error_messages={"required": "Donnez un intitulé."})
    signed_on = date_field("Date de signature", required=False)
    changes = forms.CharField(label="Ce qu'il change", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    signatories = forms.ModelMultipleChoiceField(
        label="Signataires de l'avenant",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatories"].queryset = Organisation.objects.filter(signed_contracts__contract=contract)


class SignatoryForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.all(),
        error_messages={"required": "Choisissez l'organisation signataire."},
    )
    role = forms.CharField(label="Qualité", max_length=120, required=False)
    signed_on = date_field("Date de signature", required=False)


class ContractForm(forms.Form):
    generation = forms.ChoiceField(label="Génération", choices=Contract.Generation.choices)
    reference = TerritoryField(
        "contrat",
        label="Contrat de ville de référence",
        required=False,
        help_text="Pour un contrat 2024–2030 : tapez le nom de son territoire et choisissez-le dans la liste "
        "(ex. « 62 - CA Grand Calais Terres et Mers — CN06207M »).",
    )
    territory = TerritoryField(
        "territoire",
        label="Territoire (intercommunalité ou commune)",
        required=False,
        help_text="Pour un contrat 2015–2023, qui n'a pas de code officiel : tapez le nom et choisissez dans la liste.",
    )
    name = forms.CharField(label="Nom (facultatif)", required=False, max_length=200)

    def clean(self):
        from quartiers.territories.models import EPCI

        data = super().clean()
        territory = data.get("territory")
        data["epci"] = territory if isinstance(territory, EPCI) else None
        data["commune"] = territory if territory is not None and data["epci"] is None else None
        if data.get("reference"):
            if data.get("generation") != Contract.Generation.G2024:
                self.add_error("generation", "Les contrats de référence (CN…) sont de la génération 2024–2030.")
        elif territory is None and not self.has_error("reference") and not self.has_error("territory"):
            self.add_error(None, "Indiquez le contrat de référence ou le territoire (intercommunalité ou commune).")
        return data


# ---- Edits after creation: strategic tree, general information, documents, corrections ----


class PillarForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200, error_messages={"required": "Donnez un intitulé."})
    cross_cutting = forms.TypedChoiceField(
        label="Nature",
        choices=[("0", "Pilier"), ("1", "Axe transversal")],
        coerce=lambda v: v == "1",
        initial="0",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez pilier ou axe transversal."},
    )


class ObjectiveForm(forms.Form):
    """A strategic objective (under a pillar) or an operational one (under a strategic objective)."""

    under = forms.ChoiceField(
        label="Rattaché à",
        error_messages={
            "required": "Choisissez où rattacher l'objectif.",
            "invalid_choice": "Choisissez où rattacher l'objectif.",
        },
    )
    title = forms.CharField(label="Intitulé", max_length=300, error_messages={"required": "Donnez un intitulé."})

    def __init__(self, *args, pillars, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        self._targets = {}
        for pillar in pillars:
            choices.append((f"p{pillar.pk}", f"{pillar.title} — nouvel objectif stratégique"))
            self._targets[f"p{pillar.pk}"] = {"pillar": pillar}
            for objective in pillar.strategic:
                choices.append(
                    (f"o{objective.pk}", f"{pillar.title} › {objective.title} — nouvel objectif opérationnel")
                )
                self._targets[f"o{objective.pk}"] = {"parent": objective}
        self.fields["under"].choices = [("", "—")] + choices

    def target(self):
        return self._targets[self.cleaned_data["under"]]


class RenameForm(forms.Form):
    title = forms.CharField(label="Nouvel intitulé", max_length=300, error_messages={"required": "Donnez un intitulé."})


class ContractInfoForm(forms.Form):
    local_pilot = forms.ModelChoiceField(
        label="Pilote local (EPCI ou commune)", queryset=Organisation.objects.all(), required=False
    )
    state_pilot = forms.ModelChoiceField(
        label="Pilote pour l'État", queryset=Organisation.objects.all(), required=False
    )
    signed_on = date_field("Date de signature", required=False)
    summary = forms.CharField(label="Présentation", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    qpvs = forms.ModelMultipleChoiceField(
        label="Quartiers prioritaires couverts",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Ce quartier n'est pas dans le territoire du contrat."},
    )

    def __init__(self, *args, contract, **kwargs):
        from quartiers.territories.models import QPV

        super().__init__(*args, **kwargs)
        self.fields["qpvs"].queryset = QPV.objects.filter(
            Q(pk__in=contract.qpvs.values("pk")) | Q(pk__in=territory_qpvs(contract).values("pk"))
        ).order_by("code")


def territory_qpvs(contract):
    """The QPVs a contract may cover: those of its reference row and those touching its communes."""
    from quartiers.territories.models import QPV

    q = Q(pk__in=[])
    if contract.reference_id:
        q |= Q(pk__in=contract.reference.qpvs.values("pk"))
    generation = 2015 if contract.generation == "2015-2023" else 2024
    if contract.epci_id:
        q |= Q(generation=generation, epci_id=contract.epci_id) | Q(
            generation=generation, communes__epci_id=contract.epci_id
        )
    if contract.commune_id:
        q |= Q(generation=generation, communes__insee=contract.commune_id)
    return QPV.objects.filter(q).distinct()


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Titre du document", max_length=200, error_messages={"required": "Donnez un titre au document."}
    )
    published_on = date_field("Date du document", required=False)
    file = forms.FileField(
        label=f"Fichier (PDF, image ou document bureautique, {filetypes.limit_text('piece_jointe')} au plus)",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Motif (gardé dans le journal)",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ex. erreur de saisie"}),
    )
