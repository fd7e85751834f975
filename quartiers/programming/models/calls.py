"""The yearly call for projects of a contract and its applications (issue 15, foundation).

A `Call` (appel à projets) belongs to a contract (`contracts.Contract`, a lazy key: programming reaches the
contracts module only through `contracts.hooks`); its financers (`CallFinancer`) each bring an envelope. A
`Carrier` (porteur) is a structure, optionally linked to the organisation whose members act for it. An
`Application` (dossier, CERFA 12156) follows the workflow of `workflow.py`; its forecast budget is a set of
`BudgetLine`s in the CERFA layout, which must balance before it is submitted.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum

from quartiers.core.permissions import PolicyQuerySetMixin

from .. import workflow
from ..identifiers import compact_siret, validate_rna, validate_siret
from ..workflow import Status

AMOUNT = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class PolicyQuerySet(PolicyQuerySetMixin, models.QuerySet):
    pass


class Call(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="calls", verbose_name="contrat de ville"
    )
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2000)])
    title = models.CharField("titre", max_length=200)
    rules = models.TextField("texte et règlement", blank=True)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("date limite de dépôt")
    technical_committee_on = models.DateField("comité technique", null=True, blank=True)
    steering_committee_on = models.DateField("comité de pilotage", null=True, blank=True)
    priorities = models.ManyToManyField(
        "contracts.Objective", blank=True, related_name="calls", verbose_name="priorités (objectifs du contrat)"
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = "appel à projets"
        verbose_name_plural = "appels à projets"
        constraints = [models.UniqueConstraint(fields=["contract", "year", "title"], name="unique_call")]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def territory_keys(self):
        return self.contract.territory_keys()

    def clean(self):
        # The calendar runs in this order; a committee not yet set is skipped.
        steps = [
            ("opens_on", self.opens_on),
            ("closes_on", self.closes_on),
            ("technical_committee_on", self.technical_committee_on),
            ("steering_committee_on", self.steering_committee_on),
        ]
        known = [(name, day) for name, day in steps if day]
        for (before, first), (after, second) in zip(known, known[1:], strict=False):
            if second < first:
                labels = {name: self._meta.get_field(name).verbose_name for name, _ in steps}
                raise ValidationError({after: f"La date « {labels[after]} » doit suivre la date « {labels[before]} »."})

    def is_open(self, day):
        return bool(self.opens_on and self.closes_on and self.opens_on <= day <= self.closes_on)


class CallFinancer(models.Model):
    """A financer organisation taking part in a call, with the envelope it brings."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="financers")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="financeur"
    )
    envelope = models.DecimalField("enveloppe (€)", default=Decimal("0"), **AMOUNT)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "financeur de l'appel"
        verbose_name_plural = "financeurs de l'appel"
        constraints = [
            models.UniqueConstraint(fields=["call", "organisation"], name="unique_call_financer"),
            models.CheckConstraint(condition=Q(envelope__gte=0), name="call_financer_envelope_positive"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.call}"

    def territory_keys(self):
        return self.call.territory_keys()


class Carrier(models.Model):
    """A carrying structure (porteur de projet)."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", "Association"
        COMMUNE = "commune", "Commune"
        CCAS = "ccas", "CCAS"
        LANDLORD = "bailleur", "Bailleur social"
        COMPANY = "entreprise", "Entreprise"
        OTHER = "autre", "Autre"

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField("numéro RNA", max_length=10, blank=True, validators=[validate_rna])
    address = models.TextField("adresse", blank=True)
    contact_name = models.CharField("contact", max_length=120, blank=True)
    contact_email = models.EmailField("courriel du contact", blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=30, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carriers",
        verbose_name="organisation (comptes de la structure)",
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "porteur de projet"
        verbose_name_plural = "porteurs de projet"

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Identifiers as people type them (« 732 829 320 00074 », « w623… »), stored compact before the checks.
        self.siret = compact_siret(self.siret)
        self.rna = (self.rna or "").strip().upper()
        super().clean_fields(exclude)

    def clean(self):
        if self.rna and self.kind != self.Kind.ASSOCIATION:
            raise ValidationError({"rna": "Seule une association a un numéro RNA."})


class Application(models.Model):
    """A dossier (the content of the CERFA 12156 request)."""

    Status = Status

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name="appel")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="applications", verbose_name="porteur")
    title = models.CharField("intitulé de l'action", max_length=200)
    description = models.TextField("description", blank=True)
    objectives = models.ManyToManyField(
        "contracts.Objective", blank=True, related_name="applications", verbose_name="objectifs du contrat"
    )
    qpvs = models.ManyToManyField(
        "territories.QPV", blank=True, related_name="applications", verbose_name="quartiers ciblés"
    )
    public = models.TextField("public visé", blank=True)
    starts_on = models.DateField("début de l'action", null=True, blank=True)
    ends_on = models.DateField("fin de l'action", null=True, blank=True)
    renewal_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        verbose_name="reconduction du dossier",
    )
    status = models.CharField("statut", max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["call", "title"]
        verbose_name = "dossier"
        verbose_name_plural = "dossiers"

    def __str__(self):
        return self.title

    def territory_keys(self):
        return self.call.territory_keys()

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La fin de l'action ne peut pas précéder son début."})
        if self.renewal_of_id and self.renewal_of_id == self.pk:
            raise ValidationError({"renewal_of": "Un dossier ne peut pas reconduire lui-même."})

    def allowed_transitions(self, user):
        return workflow.allowed(user, self)

    def allowed_qpvs(self):
        """The QPVs an application of this call may target: those of the call's contract."""
        qpv_model = self._meta.get_field("qpvs").related_model
        return qpv_model.objects.filter(followed_contracts=self.call.contract_id)

    def allowed_objectives(self):
        objective_model = self._meta.get_field("objectives").related_model
        return objective_model.objects.filter(pillar__contract=self.call.contract_id)

    def budget_totals(self):
        """{"depense": Decimal, "recette": Decimal} of the forecast budget (one query)."""
        rows = self.budget_lines.values("side").annotate(total=Sum("amount"))
        totals = {BudgetLine.Side.EXPENSE: Decimal("0"), BudgetLine.Side.INCOME: Decimal("0")}
        totals.update({row["side"]: row["total"] for row in rows})
        return totals

    def requested_amounts(self):
        """{CallFinancer id: Decimal}: what the dossier asks of each financer of the call (its class-74 lines)."""
        rows = (
            self.budget_lines.filter(account_class=SUBSIDY_CLASS, call_financer__isnull=False)
            .values("call_financer")
            .annotate(total=Sum("amount"))
        )
        return {row["call_financer"]: row["total"] for row in rows}


EXPENSE_CLASSES = [(str(n), f"{n}") for n in range(60, 69)] + [("86", "86")]
INCOME_CLASSES = [(str(n), f"{n}") for n in range(70, 79)] + [("87", "87")]
ACCOUNT_LABELS = {
    "60": "60 – Achats",
    "61": "61 – Services extérieurs",
    "62": "62 – Autres services extérieurs",
    "63": "63 – Impôts et taxes",
    "64": "64 – Charges de personnel",
    "65": "65 – Autres charges de gestion courante",
    "66": "66 – Charges financières",
    "67": "67 – Charges exceptionnelles",
    "68": "68 – Dotation aux amortissements",
    "86": "86 – Emplois des contributions volontaires en nature",
    "70": "70 – Vente de produits finis, prestations de services",
    "71": "71 – Production stockée",
    "72": "72 – Production immobilisée",
    "73": "73 – Dotations et produits de tarification",
    "74": "74 – Subventions d'exploitation",
    "75": "75 – Autres produits de gestion courante",
    "76": "76 – Produits financiers",
    "77": "77 – Produits exceptionnels",
    "78": "78 – Reprises sur amortissements et provisions",
    "87": "87 – Contributions volontaires en nature",
}
SUBSIDY_CLASS = "74"


class BudgetLine(models.Model):
    """One line of the forecast budget, in the CERFA layout (expenses 60–68 + 86, income 70–78 + 87)."""

    class Side(models.TextChoices):
        EXPENSE = "depense", "Charges"
        INCOME = "recette", "Produits"

    class Financer(models.TextChoices):
        STATE_147 = "etat_147", "État – programme 147 (politique de la ville)"
        STATE_OTHER = "etat_autre", "État – autres ministères"
        REGION = "region", "Région"
        DEPARTEMENT = "departement", "Département"
        EPCI = "intercommunalite", "Intercommunalité"
        COMMUNE = "commune", "Commune"
        CAF = "caf", "CAF"
        LANDLORDS = "bailleurs", "Bailleurs"
        EUROPE = "fonds_europeens", "Fonds européens"
        ASP = "asp", "ASP (emplois aidés)"
        OTHER = "autre", "Autre financeur"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    side = models.CharField("sens", max_length=8, choices=Side.choices)
    account_class = models.CharField(
        "compte", max_length=2, choices=[(code, ACCOUNT_LABELS[code]) for code, _ in EXPENSE_CLASSES + INCOME_CLASSES]
    )
    label = models.CharField("libellé", max_length=200, blank=True)
    financer = models.CharField("financeur", max_length=20, choices=Financer.choices, blank=True)
    call_financer = models.ForeignKey(
        CallFinancer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name="financeur de l'appel",
    )
    amount = models.DecimalField("montant (€)", **AMOUNT)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["side", "account_class", "pk"]
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_amount_positive")]

    def __str__(self):
        return f"{self.account_class} {self.label}".strip()

    def territory_keys(self):
        return self.application.territory_keys()

    def clean(self):
        classes = dict(EXPENSE_CLASSES if self.side == self.Side.EXPENSE else INCOME_CLASSES)
        if self.account_class not in classes:
            side = self.get_side_display().lower()
            raise ValidationError({"account_class": f"Le compte {self.account_class} n'est pas un compte de {side}."})
        if self.account_class == SUBSIDY_CLASS:
            self._clean_subsidy()
        elif self.financer or self.call_financer_id:
            raise ValidationError({"financer": "Seul le compte 74 (subventions) nomme un financeur."})

    def _clean_subsidy(self):
        if not (self.financer or self.call_financer_id):
            raise ValidationError({"financer": "Une subvention (compte 74) nomme son financeur."})
        if self.call_financer_id and self.application_id and self.call_financer.call_id != self.application.call_id:
            raise ValidationError({"call_financer": "Ce financeur ne participe pas à l'appel de ce dossier."})


def attachment_path(instance, filename):
    return f"programmation/dossiers/{instance.application_id}/{filename}"


class Attachment(models.Model):
    """A document joined to a dossier (statutes, RIB, budget of the structure…), checked by core.filetypes."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    label = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier", upload_to=attachment_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["application", "uploaded_at"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self):
        return self.label

    def territory_keys(self):
        return self.application.territory_keys()
