"""Forms of the follow-up and bilan pages: they only label and render the fields; the services read the values
(French amounts with decimal commas, dates jj/mm/aaaa) and refuse bad input in French."""

from django import forms

from quartiers.core import filetypes

from .models import Convention, Payment

DATE_HELP = "jj/mm/aaaa"
AMOUNT_HELP = "en euros, virgule décimale acceptée (1 250,50)"


class ConventionForm(forms.Form):
    signed_on = forms.CharField(label="Date de la convention", help_text=DATE_HELP)
    decision_reference = forms.CharField(label="Référence de la décision", required=False, max_length=100)
    decided_on = forms.CharField(label="Date de la décision", help_text=DATE_HELP, required=False)
    terms = forms.ChoiceField(label="Conditions de versement", choices=Convention.Terms.choices)
    nature = forms.ChoiceField(label="Nature de l'aide", choices=Convention.Nature.choices)
    eu_notified = forms.BooleanField(label="Aide notifiée à la Commission européenne", required=False)

    @classmethod
    def for_convention(cls, convention, prefix):
        if convention is None:
            return cls(prefix=prefix)
        return cls(
            prefix=prefix,
            initial={
                "signed_on": f"{convention.signed_on:%d/%m/%Y}",
                "decision_reference": convention.decision_reference,
                "decided_on": f"{convention.decided_on:%d/%m/%Y}" if convention.decided_on else "",
                "terms": convention.terms,
                "nature": convention.nature,
                "eu_notified": convention.eu_notified,
            },
        )


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label="Versement", choices=Payment.Kind.choices)
    amount = forms.CharField(label="Montant", help_text=AMOUNT_HELP)
    due_on = forms.CharField(label="Échéance", help_text=DATE_HELP)


class QpvListForm(forms.Form):
    liste = forms.FileField(
        label="Liste des adresses des bénéficiaires",
        help_text=f"CSV ou XLSX, {filetypes.limit_text('tableau')}. Lue puis supprimée : aucune adresse n'est gardée.",
    )
    adresse = forms.CharField(
        label="Colonne de l'adresse (ou de l'adresse complète)",
        required=False,
        help_text="Nom de la colonne ; laissez vide pour la reconnaître (« adresse », « rue »…).",
    )
    code_postal = forms.CharField(label="Colonne du code postal", required=False)
    commune = forms.CharField(label="Colonne de la commune", required=False)
