"""Forms of the programming's import page: the upload (a contract and a file), then the column mapping."""

from django import forms
from django.core.exceptions import ValidationError

from quartiers.accounts.models import Organisation
from quartiers.contracts import hooks as contracts
from quartiers.core import filetypes
from quartiers.core.permissions import can

from .importer import FIELDS, ImportFileError, Mapping, read
from .models import Call

FINANCER_SLOTS = 4
# Beyond this, the page would import in the request for too long: the command line has no such limit.
MAX_PAGE_ROWS = 5000


def importable_contracts(user):
    """The contracts whose calls `user` may create (their chefs de projet), by the one policy. The contracts the
    user steers come first from one query (the same territorial rule), each then asked of the Call's own rule."""
    steered = contracts.editable_contracts(user).order_by("name")
    return [c for c in steered if can(user, "create", Call(contract=c))]


class UploadForm(forms.Form):
    contract = forms.TypedChoiceField(label="Contrat de ville", coerce=int)
    file = forms.FileField(
        label="Fichier de la programmation (CSV ou XLSX)",
        help_text=f"Taille maximale : {filetypes.limit_text('tableau')}. Une ligne par action financée.",
    )

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contracts = {c.pk: c for c in contracts}
        self.fields["contract"].choices = [(c.pk, c.name) for c in contracts]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        filetypes.check_upload(upload, purpose="tableau")
        upload.seek(0)
        data = upload.read()
        try:
            table = read(data, upload.name)
        except ImportFileError as error:
            raise ValidationError(str(error)) from None
        if not len(table):
            raise ValidationError("Le fichier ne contient aucune ligne sous ses en-têtes.")
        if len(table) > MAX_PAGE_ROWS:
            raise ValidationError(
                f"Le fichier compte {len(table)} lignes : la page en importe {MAX_PAGE_ROWS} au plus. Découpez-le, "
                "ou utilisez la commande « quartiers import-programmation »."
            )
        self.data_bytes = data
        return upload

    def clean_contract(self):
        return self.contracts[self.cleaned_data["contract"]]


class MappingForm(forms.Form):
    default_year = forms.IntegerField(
        label="Année de toute la programmation (si le fichier n'a pas de colonne « année »)",
        required=False,
        min_value=2000,
        max_value=2100,
    )
    valid_only = forms.BooleanField(
        label="Importer les lignes valides (sinon, une seule ligne rejetée et rien n'est importé)", required=False
    )

    def __init__(self, *args, headers=(), **kwargs):
        super().__init__(*args, **kwargs)
        columns = [("", "— aucune colonne —")] + [(h, h) for h in headers]
        for key, label, required in FIELDS:
            self.fields[f"col_{key}"] = forms.ChoiceField(label=label, choices=columns, required=required)
        organisations = Organisation.objects.order_by("name")
        for slot in range(1, FINANCER_SLOTS + 1):
            self.fields[f"financer_{slot}"] = forms.ModelChoiceField(
                label=f"Financeur {slot}", queryset=organisations, required=False
            )
            self.fields[f"financer_col_{slot}"] = forms.ChoiceField(
                label=f"Colonne du montant accordé par le financeur {slot}", choices=columns, required=False
            )

    def financer_rows(self):
        return [(self[f"financer_{s}"], self[f"financer_col_{s}"]) for s in range(1, FINANCER_SLOTS + 1)]

    def field_rows(self):
        return [self[f"col_{key}"] for key, _, _ in FIELDS]

    def clean(self):
        data = super().clean()
        for slot in range(1, FINANCER_SLOTS + 1):
            organisation, column = data.get(f"financer_{slot}"), data.get(f"financer_col_{slot}")
            if bool(organisation) != bool(column):
                raise ValidationError(f"Financeur {slot} : choisissez l'organisation et la colonne de son montant.")
        return data

    def mapping(self):
        data = self.cleaned_data
        columns = {key: data[f"col_{key}"] for key, _, _ in FIELDS if data.get(f"col_{key}")}
        financers = {
            data[f"financer_{s}"].pk: data[f"financer_col_{s}"]
            for s in range(1, FINANCER_SLOTS + 1)
            if data.get(f"financer_{s}")
        }
        return Mapping(columns=columns, financers=financers, default_year=data.get("default_year"))


def initial_from(mapping):
    """The form's initial values from a Mapping (guessed from the headers, or the one last used with this file)."""
    initial = {f"col_{key}": column for key, column in mapping.columns.items()}
    for slot, (organisation_id, column) in enumerate(mapping.financers.items(), start=1):
        initial[f"financer_{slot}"], initial[f"financer_col_{slot}"] = organisation_id, column
    if mapping.default_year:
        initial["default_year"] = mapping.default_year
    return initial
