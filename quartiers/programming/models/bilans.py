"""The bilan of a funded action (CERFA 15059): realised budget against the forecast by the same account classes,
beneficiaries by sex and age band, the action's indicators, a qualitative report, and the QPV share of the
beneficiaries computed from an address list that is processed and dropped — only the three counts are kept."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .calls import AMOUNT, EXPENSE_CLASSES, INCOME_CLASSES, Application, BudgetLine, PolicyQuerySet

# A realised line that differs from its forecast by more than this share needs an explanation (CERFA 15059).
GAP_NEEDING_EXPLANATION = 0.15


class Report(models.Model):
    """The bilan of one dossier."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="report")
    summary = models.TextField("bilan qualitatif", blank=True)
    beneficiaries_total = models.PositiveIntegerField("nombre de bénéficiaires", null=True, blank=True)
    # The QPV share: counts only, from the last address list processed (the addresses themselves are never stored).
    qpv_inside = models.PositiveIntegerField("bénéficiaires habitant un QPV", null=True, blank=True)
    qpv_outside = models.PositiveIntegerField("bénéficiaires hors QPV", null=True, blank=True)
    qpv_undetermined = models.PositiveIntegerField("adresses indéterminées", null=True, blank=True)
    qpv_computed_at = models.DateTimeField("part QPV calculée le", null=True, blank=True)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"

    def __str__(self):
        return f"Bilan — {self.application}"

    def territory_keys(self):
        return self.application.territory_keys()

    def qpv_share(self):
        """Share of the determined addresses living in a QPV (None while unknown)."""
        if self.qpv_inside is None:
            return None
        determined = self.qpv_inside + (self.qpv_outside or 0)
        return self.qpv_inside / determined if determined else None


class ReportLine(models.Model):
    """One realised line of the bilan's budget, by the forecast's account classes."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    side = models.CharField("sens", max_length=8, choices=BudgetLine.Side.choices)
    account_class = models.CharField(
        "compte", max_length=2, choices=[(c, c) for c, _ in EXPENSE_CLASSES + INCOME_CLASSES]
    )
    amount = models.DecimalField("montant réalisé (€)", **AMOUNT)
    explanation = models.TextField("explication de l'écart", blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["report", "side", "account_class"]
        verbose_name = "ligne réalisée"
        verbose_name_plural = "lignes réalisées"
        constraints = [
            models.UniqueConstraint(fields=["report", "side", "account_class"], name="unique_report_line"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="report_line_amount_positive"),
        ]

    def __str__(self):
        return f"{self.account_class} : {self.amount}"

    def territory_keys(self):
        return self.report.territory_keys()

    def clean(self):
        classes = dict(EXPENSE_CLASSES if self.side == BudgetLine.Side.EXPENSE else INCOME_CLASSES)
        if self.account_class not in classes:
            raise ValidationError({"account_class": f"Le compte {self.account_class} n'est pas de ce côté du budget."})


class BeneficiaryCount(models.Model):
    """Beneficiaries of the action by sex and age band."""

    class Sex(models.TextChoices):
        WOMEN = "f", "Femmes"
        MEN = "h", "Hommes"

    class AgeBand(models.TextChoices):
        UNDER_6 = "0-5", "0 à 5 ans"
        CHILD = "6-11", "6 à 11 ans"
        TEEN = "12-17", "12 à 17 ans"
        YOUNG = "18-25", "18 à 25 ans"
        ADULT = "26-64", "26 à 64 ans"
        SENIOR = "65+", "65 ans et plus"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="beneficiaries")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    age_band = models.CharField("tranche d'âge", max_length=5, choices=AgeBand.choices)
    count = models.PositiveIntegerField("nombre")

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["report", "age_band", "sex"]
        verbose_name = "bénéficiaires par sexe et âge"
        verbose_name_plural = "bénéficiaires par sexe et âge"
        constraints = [models.UniqueConstraint(fields=["report", "sex", "age_band"], name="unique_beneficiary_count")]

    def __str__(self):
        return f"{self.get_sex_display()} {self.get_age_band_display()} : {self.count}"

    def territory_keys(self):
        return self.report.territory_keys()


class ReportIndicator(models.Model):
    """One indicator of the action: what was aimed at, what was achieved."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField("indicateur", max_length=200)
    target = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField("réalisé", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("unité", max_length=40, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = "indicateur de l'action"
        verbose_name_plural = "indicateurs de l'action"

    def __str__(self):
        return self.label

    def territory_keys(self):
        return self.report.territory_keys()
