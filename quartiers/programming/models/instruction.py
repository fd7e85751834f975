"""Instruction and decision: the shared grid of a call (criteria, one score per dossier and criterion), what each
financer of the call does with a dossier (`Funding`: opinion, amount proposed, amount granted) and the requests for
more information sent back to the carrier."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from .calls import AMOUNT, Application, Call, CallFinancer, PolicyQuerySet

MAX_SCORE = 4


class Criterion(models.Model):
    """One line of a call's instruction grid (« ancrage territorial », « public en QPV », …)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name="appel")
    label = models.CharField("critère", max_length=200)
    weight = models.PositiveSmallIntegerField("coefficient", default=1)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = "critère d'instruction"
        verbose_name_plural = "critères d'instruction"
        constraints = [models.UniqueConstraint(fields=["call", "label"], name="unique_call_criterion")]

    def __str__(self):
        return self.label

    def territory_keys(self):
        return self.call.territory_keys()


class Assessment(models.Model):
    """The score (0 to MAX_SCORE) and comment given to a dossier on one criterion of the grid."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="assessments")
    score = models.PositiveSmallIntegerField("note", validators=[MaxValueValidator(MAX_SCORE)])
    comment = models.TextField("commentaire", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["application", "criterion__position"]
        verbose_name = "note d'instruction"
        verbose_name_plural = "notes d'instruction"
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="unique_assessment"),
            models.CheckConstraint(condition=Q(score__lte=MAX_SCORE), name="assessment_score_max"),
        ]

    def __str__(self):
        return f"{self.criterion} : {self.score}/{MAX_SCORE}"

    def territory_keys(self):
        return self.application.territory_keys()

    def clean(self):
        if self.criterion_id and self.application_id and self.criterion.call_id != self.application.call_id:
            raise ValidationError({"criterion": "Ce critère n'appartient pas à la grille de l'appel du dossier."})


class Funding(models.Model):
    """One financer of the call facing one dossier: its opinion and proposed amount (instruction), then the amount
    it grants (committee). The amount requested is the dossier's class-74 lines naming this financer."""

    class Opinion(models.TextChoices):
        FAVOURABLE = "favorable", "Favorable"
        RESERVED = "reserve", "Réservé"
        UNFAVOURABLE = "defavorable", "Défavorable"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="fundings")
    call_financer = models.ForeignKey(
        CallFinancer, on_delete=models.PROTECT, related_name="fundings", verbose_name="financeur"
    )
    opinion = models.CharField("avis", max_length=12, choices=Opinion.choices, blank=True)
    proposed_amount = models.DecimalField("montant proposé (€)", null=True, blank=True, **AMOUNT)
    opinion_comment = models.TextField("motivation de l'avis", blank=True)
    opinion_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opinion_at = models.DateTimeField(null=True, blank=True)
    granted_amount = models.DecimalField("montant accordé (€)", null=True, blank=True, **AMOUNT)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["application", "call_financer__organisation__name"]
        verbose_name = "financement"
        verbose_name_plural = "financements"
        constraints = [
            models.UniqueConstraint(fields=["application", "call_financer"], name="unique_funding"),
            models.CheckConstraint(condition=Q(proposed_amount__gte=0), name="funding_proposed_positive"),
            models.CheckConstraint(condition=Q(granted_amount__gte=0), name="funding_granted_positive"),
        ]

    def __str__(self):
        return f"{self.call_financer.organisation} — {self.application}"

    def territory_keys(self):
        return self.application.territory_keys()

    def requested_amount(self):
        return self.application.requested_amounts().get(self.call_financer_id)

    def clean(self):
        if self.call_financer_id and self.application_id and self.call_financer.call_id != self.application.call_id:
            raise ValidationError({"call_financer": "Ce financeur ne participe pas à l'appel de ce dossier."})
        if self.granted_amount is not None and self.application_id:
            requested = self.requested_amount() or 0
            if self.granted_amount > requested:
                raise ValidationError(
                    {"granted_amount": "Le montant accordé ne peut pas dépasser le montant demandé à ce financeur."}
                )


class InformationRequest(models.Model):
    """A request for more information: the dossier goes back to the carrier (« à compléter »), told by e-mail."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="information_requests")
    message = models.TextField("compléments demandés")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField("complété le", null=True, blank=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["application", "-requested_at"]
        verbose_name = "demande de compléments"
        verbose_name_plural = "demandes de compléments"

    def __str__(self):
        return f"Compléments demandés — {self.application}"

    def territory_keys(self):
        return self.application.territory_keys()
