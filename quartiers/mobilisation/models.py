"""The national mobilisation plan for the neighbourhoods (2018): its measures and the PAQTE companies.

The local roll-out of a measure, and a company's PAQTE commitments, are commitments of the one
commitment engine (`quartiers.contracts.models.Commitment`), linked here by `measure`.
"""

from django.db import models

from quartiers.accounts.models import Organisation
from quartiers.core.permissions import PolicyQuerySetMixin


class Measure(models.Model):
    """A measure of the national plan, with the indicator followed locally."""

    code = models.SlugField("code", max_length=60, unique=True)
    title = models.CharField("intitulé", max_length=200)
    programme = models.CharField("programme", max_length=120)
    description = models.TextField("description", blank=True)
    indicator_label = models.CharField("indicateur suivi", max_length=200)
    indicator_unit = models.CharField("unité", max_length=40)
    summable = models.BooleanField(
        "additionnable", default=True, help_text="Les valeurs de plusieurs territoires peuvent-elles s'additionner ?"
    )
    order = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = "mesure nationale"
        verbose_name_plural = "mesures nationales"

    def __str__(self):
        return self.title


class CompanyQuerySet(PolicyQuerySetMixin, models.QuerySet):
    pass


class Company(models.Model):
    """A company signatory of the PAQTE (pacte avec les quartiers pour toutes les entreprises)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="paqte_company")
    sector = models.CharField("secteur d'activité", max_length=120, blank=True)
    headcount = models.CharField("effectif", max_length=60, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="paqte_companies"
    )
    joined_on = models.DateField("adhésion au PAQTE", null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "entreprise du PAQTE"
        verbose_name_plural = "entreprises du PAQTE"

    def __str__(self):
        return self.organisation.name

    def territory_keys(self):
        return self.commune.territory_keys() if self.commune_id else set()

    def moved_to(self, commune):
        """The company as a move to `commune` would leave it, for the policy: `authorize(user, "change", …)`."""
        return CompanyMove(self, commune)


class CompanyMove:
    """Changing a company's commune, as the policy sees it (mobilisation/rules.py): who may change the company,
    and — unless the commune stays the same or the user belongs to the company itself — the new commune too."""

    def __init__(self, company, commune):
        self.company, self.commune = company, commune
