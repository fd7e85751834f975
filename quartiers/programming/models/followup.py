"""After the decision: the convention a granting financer signs for a dossier, its payment schedule (advance,
balance after the bilan) and the payments made, lateness flagged."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .calls import AMOUNT, PolicyQuerySet
from .instruction import Funding


class Convention(models.Model):
    """The agreement of one granted funding (SCDL: dateConvention, referenceDecision, conditionsVersement)."""

    class Terms(models.TextChoices):
        SINGLE = "unique", "Versement unique"
        STAGED = "echelonne", "Versements échelonnés"

    class Nature(models.TextChoices):
        CASH = "aide_numeraire", "Aide en numéraire"
        IN_KIND = "aide_nature", "Aide en nature"

    funding = models.OneToOneField(Funding, on_delete=models.CASCADE, related_name="convention")
    signed_on = models.DateField("date de la convention")
    decision_reference = models.CharField("référence de la décision", max_length=100, blank=True)
    decided_on = models.DateField("date de la décision", null=True, blank=True)
    terms = models.CharField("conditions de versement", max_length=10, choices=Terms.choices, default=Terms.STAGED)
    nature = models.CharField("nature de l'aide", max_length=16, choices=Nature.choices, default=Nature.CASH)
    eu_notified = models.BooleanField("aide notifiée à la Commission européenne", default=False)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = "convention"
        verbose_name_plural = "conventions"

    def __str__(self):
        return f"Convention {self.decision_reference or self.pk} — {self.funding}"

    def territory_keys(self):
        return self.funding.territory_keys()

    def clean(self):
        if self.funding_id and not self.funding.granted_amount:
            raise ValidationError("Une convention suit une subvention accordée : ce financeur n'a rien accordé.")
        if self.decided_on and self.signed_on and self.signed_on < self.decided_on:
            raise ValidationError({"signed_on": "La convention ne peut pas précéder la décision."})


class Payment(models.Model):
    """One planned payment of a convention; `paid_on` is set when it is made."""

    class Kind(models.TextChoices):
        ADVANCE = "avance", "Avance"
        INSTALMENT = "acompte", "Acompte"
        BALANCE = "solde", "Solde (après le bilan)"

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField("versement", max_length=8, choices=Kind.choices)
    amount = models.DecimalField("montant (€)", **AMOUNT)
    due_on = models.DateField("échéance")
    paid_on = models.DateField("payé le", null=True, blank=True)
    reference = models.CharField("référence du mandat", max_length=100, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["convention", "due_on", "pk"]
        verbose_name = "versement"
        verbose_name_plural = "versements"
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.amount} €"

    def territory_keys(self):
        return self.convention.territory_keys()

    def is_late(self, today):
        return self.paid_on is None and self.due_on < today
