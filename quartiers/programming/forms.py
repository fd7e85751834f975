"""Forms of the calls, carriers and dossiers pages: fields and their French errors only — every save goes through
`services.py` (authorize, atomic, audit)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from quartiers.contracts.hooks import date_field, editable_contracts
from quartiers.core import filetypes

from .models import ACCOUNT_LABELS, EXPENSE_CLASSES, INCOME_CLASSES, SUBSIDY_CLASS, BudgetLine, Call, Carrier
from .money import parse_amount


class AmountField(forms.CharField):
    """An amount in euros typed the French way (« 1 250,50 »): `money.parse_amount` reads it."""

    def __init__(self, *args, required=False, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, required=required, **kwargs)
        self.widget.attrs["maxlength"] = "20"

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if len(value) > 20:
            raise ValidationError("Montant trop long : 20 caractères au plus.")
        return parse_amount(value, f"Le montant « {self.label} »" if self.label else "Le montant")


def _objective_label(objective):
    return f"{objective.pillar.contract.name} — {objective.pillar.title} — {objective.title}"


class CallForm(forms.ModelForm):
    opens_on = date_field("Ouverture")
    closes_on = date_field("Date limite de dépôt")
    technical_committee_on = date_field("Comité technique", required=False)
    steering_committee_on = date_field("Comité de pilotage", required=False)

    class Meta:
        model = Call
        fields = [
            "contract",
            "year",
            "title",
            "rules",
            "priorities",
            "opens_on",
            "closes_on",
            "technical_committee_on",
            "steering_committee_on",
        ]
        widgets = {"priorities": forms.CheckboxSelectMultiple}
        error_messages = {
            "contract": {"required": "Choisissez le contrat de ville de l'appel."},
            "title": {"required": "Donnez un titre à l'appel."},
            "year": {"required": "Indiquez l'année de l'appel.", "invalid": "L'année est un nombre (ex. 2026)."},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        contracts = editable_contracts(user)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].help_text = "Parmi les contrats de ville que vous pilotez."
        objectives = self.fields["priorities"].queryset.filter(pillar__contract__in=contracts)
        self.fields["priorities"].queryset = objectives.select_related("pillar__contract").order_by(
            "pillar__contract__name", "pillar__order", "pillar__title", "title"
        )
        self.fields["priorities"].label_from_instance = _objective_label
        self.fields["priorities"].help_text = "Les objectifs du contrat de ville que l'appel retient en priorité."

    def clean(self):
        data = super().clean()
        contract = data.get("contract")
        wrong = [o for o in data.get("priorities") or () if contract and o.pillar.contract_id != contract.pk]
        if wrong:
            self.add_error("priorities", "Les priorités sont des objectifs du contrat de ville de l'appel.")
        return data


class FinancerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation financeuse",
        queryset=None,
        error_messages={"required": "Choisissez l'organisation qui finance.", "invalid_choice": "Choix invalide."},
    )
    envelope = AmountField(label="Enveloppe (€)", required=True, help_text="Ex. : 45 000 ou 12 500,50.")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class CarrierForm(forms.ModelForm):
    class Meta:
        model = Carrier
        fields = [
            "name",
            "kind",
            "siret",
            "rna",
            "address",
            "contact_name",
            "contact_email",
            "contact_phone",
            "organisation",
        ]
        help_texts = {
            "siret": "14 chiffres (les espaces sont acceptés).",
            "rna": "Associations : W suivi de 9 chiffres.",
            "organisation": "L'organisation dont les comptes déposent et suivent les dossiers de la structure.",
        }
        error_messages = {"name": {"required": "Indiquez le nom de la structure."}}
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].error_messages["invalid_choice"] = (
            "Vous ne pouvez rattacher la structure qu'à une organisation dont vous êtes membre."
        )
        # Typed with spaces (« 732 829 320 00074 »): the model compacts it before its checks.
        siret = self.fields["siret"]
        siret.max_length = None
        siret.validators = [v for v in siret.validators if not isinstance(v, MaxLengthValidator)]
        siret.widget.attrs.pop("maxlength", None)


class ApplicationForm(forms.Form):
    carrier = forms.ModelChoiceField(
        label="Structure porteuse",
        queryset=None,
        error_messages={
            "required": "Choisissez la structure qui porte l'action.",
            "invalid_choice": "Vous ne déposez que pour une structure dont vous êtes membre.",
        },
    )
    title = forms.CharField(
        label="Intitulé de l'action", max_length=200, error_messages={"required": "Donnez un intitulé à l'action."}
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    objectives = forms.ModelMultipleChoiceField(
        label="Objectifs du contrat", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    qpvs = forms.ModelMultipleChoiceField(
        label="Quartiers ciblés", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    public = forms.CharField(label="Public visé", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = date_field("Début de l'action", required=False)
    ends_on = date_field("Fin de l'action", required=False)

    def __init__(self, *args, carriers, objectives, qpvs, with_carrier=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_carrier:
            self.fields["carrier"].queryset = carriers
        else:
            del self.fields["carrier"]
        # Any objective or QPV may be posted: the service refuses those outside the contract, in French.
        self.fields["objectives"].queryset = objectives.model.objects.select_related("pillar")
        self.fields["objectives"].choices = [(o.pk, f"{o.pillar.title} — {o.title}") for o in objectives]
        self.fields["qpvs"].queryset = qpvs.model.objects.all()
        self.fields["qpvs"].choices = [(q.pk, f"{q.nom} ({q.code})") for q in qpvs]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "La fin de l'action ne peut pas précéder son début.")
        return data


class AttachmentForm(forms.Form):
    label = forms.CharField(
        label="Intitulé", max_length=200, error_messages={"required": "Nommez la pièce (statuts, RIB…)."}
    )
    file = forms.FileField(label="Fichier", error_messages={"required": "Choisissez un fichier."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"PDF, image ou document bureautique ; {filetypes.limit_text('piece_jointe')} au plus."

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        try:
            self.kind = filetypes.check_upload(uploaded, purpose="piece_jointe")
        except ValidationError as error:
            if error.code == "format":
                raise ValidationError(
                    "Type de fichier refusé : seuls les PDF, images et documents bureautiques sont acceptés."
                ) from None
            raise
        return uploaded


# The forecast budget in the CERFA layout: one amount per account class, class 74 split per financer.
EXPENSE_ROWS = [code for code, _ in EXPENSE_CLASSES]
INCOME_ROWS = [code for code, _ in INCOME_CLASSES if code != SUBSIDY_CLASS]


class BudgetForm(forms.Form):
    """Field names: `c60`…`c87` (one per class), `f<CallFinancer id>` and `l<label>` for the class-74 lines."""

    def __init__(self, *args, call_financers, **kwargs):
        super().__init__(*args, **kwargs)
        self.call_financers = list(call_financers)
        for code in EXPENSE_ROWS:
            self.fields[f"c{code}"] = AmountField(label=ACCOUNT_LABELS[code])
        for code in INCOME_ROWS:
            self.fields[f"c{code}"] = AmountField(label=ACCOUNT_LABELS[code])
        for financer in self.call_financers:
            self.fields[f"f{financer.pk}"] = AmountField(
                label=f"74 – {financer.organisation.name} (financeur de l'appel)"
            )
        for value, label in BudgetLine.Financer.choices:
            self.fields[f"l{value}"] = AmountField(label=f"74 – {label}")

    def rows(self, names):
        return [self[name] for name in names]

    def expense_fields(self):
        return self.rows([f"c{code}" for code in EXPENSE_ROWS])

    def income_fields(self):
        before = [f"c{code}" for code in INCOME_ROWS if code < SUBSIDY_CLASS]
        return self.rows(before)

    def subsidy_fields(self):
        names = [f"f{f.pk}" for f in self.call_financers] + [f"l{v}" for v, _ in BudgetLine.Financer.choices]
        return self.rows(names)

    def after_subsidy_fields(self):
        return self.rows([f"c{code}" for code in INCOME_ROWS if code > SUBSIDY_CLASS])

    def lines(self):
        """The budget lines the form describes: [(side, class, financer label, CallFinancer, amount)]."""
        data, found = self.cleaned_data, []
        for code in EXPENSE_ROWS:
            if data.get(f"c{code}"):
                found.append((BudgetLine.Side.EXPENSE, code, "", None, data[f"c{code}"]))
        for code in INCOME_ROWS:
            if data.get(f"c{code}"):
                found.append((BudgetLine.Side.INCOME, code, "", None, data[f"c{code}"]))
        for financer in self.call_financers:
            if data.get(f"f{financer.pk}"):
                found.append((BudgetLine.Side.INCOME, SUBSIDY_CLASS, "", financer, data[f"f{financer.pk}"]))
        for value, _label in BudgetLine.Financer.choices:
            if data.get(f"l{value}"):
                found.append((BudgetLine.Side.INCOME, SUBSIDY_CLASS, value, None, data[f"l{value}"]))
        return found


def budget_initial(application):
    """The form's initial amounts from the dossier's lines (several lines of one row are added up)."""
    initial = {}
    for line in application.budget_lines.all():
        if line.account_class == SUBSIDY_CLASS:
            key = f"f{line.call_financer_id}" if line.call_financer_id else f"l{line.financer}"
        else:
            key = f"c{line.account_class}"
        initial[key] = initial.get(key, 0) + line.amount
    return {key: f"{amount:.2f}".replace(".", ",") for key, amount in initial.items()}
