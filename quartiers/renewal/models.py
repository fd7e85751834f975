"""NPNRU renewal projects, operation by operation.

A project hangs on a QPV; its operations follow the families of the ANRU general regulation. Balances
(« 1 pour 1 », rehousing, insertion hours) are derived from the operations and the dated aggregates,
never stored twice.
"""

from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.core.permissions import PolicyQuerySetMixin
from quartiers.territories.models import QPV, ContratDeVille

QPV_SCOPE_PATHS = {
    "commune": "qpv__communes__insee",
    "epci": "qpv__epci_id",
    "departement": "qpv__departement_id",
    "region": "qpv__departement__region_id",
}


class Interest(models.TextChoices):
    NATIONAL = "national", "Intérêt national (PRIN)"
    REGIONAL = "regional", "Intérêt régional (PRIR)"


class ProjectQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def with_balances(self):
        """Annotate demolished / rebuilt (inside, outside QPV) / rehabilitated housing units and money."""

        def units(family, **extra):
            return Sum(
                "operations__housing_units",
                filter=Q(operations__family=family) & ~Q(operations__status=Operation.Status.ABANDONED) & Q(**extra),
                default=0,
            )

        return self.annotate(
            demolished=units(Family.DEMOLITION),
            rebuilt_in_qpv=units(Family.RECONSTITUTION, operations__inside_qpv=True),
            rebuilt_out_qpv=units(Family.RECONSTITUTION, operations__inside_qpv=False),
            rehabilitated=units(Family.REQUALIFICATION),
            operation_count=models.Count("operations", distinct=True),
        )


class Project(models.Model):
    name = models.CharField("nom du projet", max_length=200)
    qpv = models.ForeignKey(QPV, on_delete=models.PROTECT, related_name="renewal_projects", verbose_name="QPV")
    contrat = models.ForeignKey(
        ContratDeVille, null=True, blank=True, on_delete=models.SET_NULL, related_name="renewal_projects"
    )
    interest = models.CharField("intérêt", max_length=20, choices=Interest.choices)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="renewal_projects", verbose_name="porteur de projet"
    )
    npnru_code = models.CharField(
        "code QPV 2015 de la liste NPNRU", max_length=12, blank=True, help_text="Code de la liste officielle NPNRU"
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "projet de renouvellement urbain"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("renewal:project_detail", args=[self.pk])

    def territory_keys(self):
        return self.qpv.territory_keys()


class Stage(models.Model):
    class Kind(models.TextChoices):
        PROTOCOLE = "protocole", "Protocole de préfiguration"
        CONVENTION = "convention", "Convention pluriannuelle"
        AVENANT = "avenant", "Avenant"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField("étape", max_length=20, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=200)
    signed_on = models.DateField("date de signature", null=True, blank=True)
    document = models.FileField("document", upload_to="renewal/stages/", blank=True)
    notes = models.TextField("notes", blank=True)

    class Meta:
        ordering = ["signed_on", "id"]
        verbose_name = "étape du projet"

    def __str__(self):
        return f"{self.get_kind_display()} — {self.title}"


class Family(models.TextChoices):
    DEMOLITION = "demolition", "Démolition de logements locatifs sociaux"
    RECONSTITUTION = "reconstitution", "Reconstitution de l'offre"
    REQUALIFICATION = "requalification", "Requalification de logements locatifs sociaux"
    RESIDENTIALISATION = "residentialisation", "Résidentialisation"
    ACCESSION = "accession", "Accession à la propriété"
    DIVERSIFICATION = "diversification", "Diversification de l'habitat"
    EQUIPEMENTS = "equipements", "Équipements publics"
    AMENAGEMENT = "amenagement", "Aménagement d'ensemble"
    INGENIERIE = "ingenierie", "Ingénierie et conduite de projet"


class OperationQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def late(self, today=None):
        """Operations with a planned milestone passed and not reached."""
        today = today or timezone.localdate()
        return (
            self.filter(milestones__planned_date__lt=today, milestones__actual_date__isnull=True)
            .exclude(status__in=[Operation.Status.DELIVERED, Operation.Status.ABANDONED])
            .distinct()
        )


class Operation(models.Model):
    class Status(models.TextChoices):
        PLANNED = "prevue", "Prévue"
        COMMITTED = "engagee", "Engagée"
        IN_PROGRESS = "en_cours", "En travaux"
        DELIVERED = "livree", "Livrée"
        ABANDONED = "abandonnee", "Abandonnée"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="operations")
    family = models.CharField("famille", max_length=30, choices=Family.choices)
    title = models.CharField("intitulé", max_length=200)
    maitre_ouvrage = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="renewal_operations", verbose_name="maître d'ouvrage"
    )
    housing_units = models.PositiveIntegerField("logements", default=0)
    inside_qpv = models.BooleanField("dans le QPV", default=True)
    lon = models.FloatField("longitude", null=True, blank=True)
    lat = models.FloatField("latitude", null=True, blank=True)
    cost = models.DecimalField("coût (€ HT)", max_digits=14, decimal_places=2, default=0)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    commitment_deadline = models.DateField("date limite d'engagement", null=True, blank=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["family", "title"]
        verbose_name = "opération"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("renewal:operation_detail", args=[self.pk])

    def territory_keys(self):
        return self.project.territory_keys()


class FundingLine(models.Model):
    class Financer(models.TextChoices):
        ANRU = "anru", "Subvention ANRU"
        ACTION_LOGEMENT = "action_logement", "Prêt Action Logement"
        OWNER = "maitre_ouvrage", "Maître d'ouvrage"
        OTHER = "autre", "Autre financeur"

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="funding")
    financer = models.CharField("financeur", max_length=20, choices=Financer.choices)
    financer_name = models.CharField("nom du financeur", max_length=200, blank=True)
    amount = models.DecimalField("montant prévu (€)", max_digits=14, decimal_places=2)
    committed = models.DecimalField("engagé (€)", max_digits=14, decimal_places=2, default=0)
    paid = models.DecimalField("payé (€)", max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["financer", "id"]
        verbose_name = "ligne du plan de financement"

    def __str__(self):
        return f"{self.get_financer_display()} : {self.amount} €"


class Milestone(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField("jalon", max_length=120)
    planned_date = models.DateField("date prévue")
    actual_date = models.DateField("date réelle", null=True, blank=True)

    class Meta:
        ordering = ["planned_date", "id"]
        verbose_name = "jalon"

    def __str__(self):
        return self.label

    def is_late(self, today=None):
        today = today or timezone.localdate()
        if self.actual_date:
            return self.actual_date > self.planned_date
        return self.planned_date < today


class RehousingSnapshot(models.Model):
    """Rehousing in aggregate at a date — households only, never personal data."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rehousing")
    as_of = models.DateField("au")
    to_rehouse = models.PositiveIntegerField("ménages à reloger")
    rehoused = models.PositiveIntegerField("ménages relogés")
    in_qpv = models.PositiveIntegerField("relogés dans un QPV", default=0)
    out_qpv = models.PositiveIntegerField("relogés hors QPV", default=0)
    new_housing = models.PositiveIntegerField("dans le neuf ou conventionné depuis moins de 5 ans", default=0)
    older_housing = models.PositiveIntegerField("dans le parc existant", default=0)

    class Meta:
        ordering = ["-as_of"]
        constraints = [models.UniqueConstraint(fields=["project", "as_of"], name="unique_rehousing_date")]
        verbose_name = "point sur le relogement"

    def __str__(self):
        return f"Relogement au {self.as_of:%d/%m/%Y}"


class InsertionSnapshot(models.Model):
    """Insertion hours under the ANRU insertion charter, at a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="insertion")
    as_of = models.DateField("au")
    planned_hours = models.PositiveIntegerField("heures prévues")
    achieved_hours = models.PositiveIntegerField("heures réalisées")

    class Meta:
        ordering = ["-as_of"]
        constraints = [models.UniqueConstraint(fields=["project", "as_of"], name="unique_insertion_date")]
        verbose_name = "point sur les heures d'insertion"

    def __str__(self):
        return f"Heures d'insertion au {self.as_of:%d/%m/%Y}"
