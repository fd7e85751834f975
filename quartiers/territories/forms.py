from django import forms

from quartiers.core import filetypes

KINDS = [("qpv", "Contours ou liste des QPV (GeoJSON, GeoPackage, CSV)"), ("indicateurs", "Indicateurs (CSV, XLSX)")]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="Type de fichier", choices=KINDS)
    fichier = forms.FileField(
        label="Fichier", help_text="Fichier officiel : GeoJSON ou GeoPackage des QPV, ou CSV / XLSX d'indicateurs."
    )
    generation = forms.ChoiceField(
        label="Géographie des QPV",
        choices=[("", "d'après les codes (QN… = 2024, QP… = 2015)"), ("2024", "2024"), ("2015", "2015")],
        required=False,
    )
    source = forms.CharField(label="Source (affichée sur les fiches)", max_length=300, required=False)

    def clean_fichier(self):
        # The one upload rule (core.filetypes): size limit, zip bombs and linked workbooks refused, type by content.
        upload = self.cleaned_data["fichier"]
        filetypes.check_upload(upload, purpose="import")
        return upload
