"""Contrats de ville, their revisions and the one commitment engine.

A `Contract` is the local, followed contract. For the 2024–2030 generation it is linked one-to-one to
the official reference row (`territories.ContratDeVille`, code CN…); a 2015–2023 contract has no such
row, so a contract always names its territory (EPCI or commune) itself.

Every kind of commitment — a signatory's (PERR, droit commun), the Pacte de Dijon, a PAQTE company's,
the local roll-out of a national measure — is a `Commitment`, with indicators, dated measured values,
a status with its history, and evidence.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property

from quartiers.accounts.models import Organisation
from quartiers.core.permissions import PolicyQuerySetMixin
from quartiers.territories import refcache

CONTRACT_SCOPE = {
    "commune": "commune_id",
    "epci": "epci_id",
    "departement": "departement_id",
    "region": "departement__region_id",
}


class ContractQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def for_region(self, code):
        return self.filter(departement__region_id=code)

    def with_list_data(self):
        from django.utils import timezone

        late = models.Q(commitments__status__in=["prevu", "engage"], commitments__due_on__lt=timezone.localdate())
        return self.select_related("reference", "epci", "commune", "departement").annotate(
            late_count=models.Count("commitments", filter=late, distinct=True),
            commitment_count=models.Count("commitments", distinct=True),
            done_count=models.Count("commitments", filter=models.Q(commitments__status="realise"), distinct=True),
        )


def new_version():
    """A fresh random version of a contract's commitments and structure (see `fragments`): random rather than
    a counter, so a restored or re-created contract never meets a cached page of other data."""
    return secrets.randbits(62)


class Contract(models.Model):
    class Generation(models.TextChoices):
        G2015 = "2015-2023", "2015–2023"
        G2024 = "2024-2030", "2024–2030 (Engagements Quartiers 2030)"

    reference = models.OneToOneField(
        "territories.ContratDeVille",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contract",
        verbose_name="contrat de ville de référence",
    )
    generation = models.CharField("génération", max_length=9, choices=Generation.choices, db_index=True)
    name = models.CharField("nom", max_length=200)
    departement = models.ForeignKey("territories.Departement", on_delete=models.PROTECT, related_name="+")
    epci = models.ForeignKey(
        "territories.EPCI", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_contracts"
    )
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_contracts"
    )
    qpvs = models.ManyToManyField("territories.QPV", blank=True, related_name="followed_contracts")
    local_pilot = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="piloted_contracts",
        verbose_name="pilote local (EPCI ou commune)",
    )
    state_pilot = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="state_piloted_contracts",
        verbose_name="pilote pour l'État",
    )
    signed_on = models.DateField("date de signature", null=True, blank=True)
    summary = models.TextField("présentation", blank=True)
    # Changes whenever its structure, commitments, indicators or measured values change (contracts.fragments).
    version = models.BigIntegerField(default=new_version, editable=False)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["departement_id", "name", "generation"]
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(epci__isnull=False) | models.Q(commune__isnull=False),
                name="contract_has_territory",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_generation_display()})"

    @property
    def code(self):
        return self.reference.code if self.reference_id else ""

    @property
    def territory(self):
        return self.epci or self.commune

    def territory_keys(self):
        keys = {f"departement:{self.departement_id}", f"region:{self.departement.region_id}"}
        if self.epci_id:
            keys.add(f"epci:{self.epci_id}")
            keys |= {f"commune:{c}" for c in refcache.epci_communes(self.epci_id)}
        if self.commune_id:
            keys.add(f"commune:{self.commune_id}")
            if self.commune.epci_id:
                keys.add(f"epci:{self.commune.epci_id}")
        return keys


class Signatory(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="signed_contracts")
    signed_on = models.DateField("date de signature", null=True, blank=True)
    role = models.CharField("qualité", max_length=120, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "signataire"
        constraints = [models.UniqueConstraint(fields=["contract", "organisation"], name="unique_signatory")]

    def __str__(self):
        return str(self.organisation)


class Pillar(models.Model):
    """A pillar of the contract, or a cross-cutting axis (jeunesse, égalité femmes-hommes…)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="pillars")
    title = models.CharField("intitulé", max_length=200)
    cross_cutting = models.BooleanField("axe transversal", default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["cross_cutting", "order", "title"]
        verbose_name = "pilier"

    def __str__(self):
        return self.title


class Objective(models.Model):
    class Level(models.TextChoices):
        STRATEGIC = "strategique", "Objectif stratégique"
        OPERATIONAL = "operationnel", "Objectif opérationnel"

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="objectives")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    level = models.CharField(max_length=12, choices=Level.choices)
    title = models.CharField("intitulé", max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = "objectif"

    def __str__(self):
        return self.title


class Amendment(models.Model):
    class Kind(models.TextChoices):
        PERR = "perr_2019", "Protocole d'engagements renforcés et réciproques (2019)"
        EXTENSION = "prolongation", "Prolongation"
        OTHER = "autre", "Autre avenant"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=200)
    signed_on = models.DateField("date de signature", null=True, blank=True)
    changes = models.TextField("ce qu'il change", blank=True)
    signatories = models.ManyToManyField(Organisation, blank=True, related_name="signed_amendments")

    class Meta:
        ordering = ["signed_on", "pk"]
        verbose_name = "avenant"

    def __str__(self):
        return self.title


class ContractDocument(models.Model):
    """A document of the contract: an uploaded file (type checked on its content) or a link."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("titre", max_length=200)
    url = models.URLField("adresse", blank=True)
    published_on = models.DateField("date", null=True, blank=True)
    file = models.FileField("fichier", upload_to="contrats/documents/%Y/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = "document du contrat"

    def __str__(self):
        return self.title


class CommitmentQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def with_progress_data(self):
        """Commitments with their indicators' whole history (pages that show every measured value)."""
        return self._with_rows().prefetch_related(
            models.Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements"))
        )

    def with_progress(self):
        """What a commitment row shows, progress included, in three queries whatever the number of
        commitments: each indicator comes with its latest measured value (a subquery), not its history."""
        return self._with_rows().prefetch_related(
            models.Prefetch("indicators", queryset=Indicator.objects.with_latest_value())
        )

    def _with_rows(self):
        return self.select_related("organisation", "contract", "pillar", "objective", "measure")


class Commitment(models.Model):
    class Kind(models.TextChoices):
        SIGNATORY = "signataire", "Engagement de signataire (PERR, droit commun)"
        DIJON = "pacte_dijon", "Pacte de Dijon"
        PAQTE = "paqte", "Engagement d'entreprise (PAQTE)"
        ROLLOUT = "deploiement", "Déploiement d'une mesure nationale"

    class Status(models.TextChoices):
        PLANNED = "prevu", "Prévu"
        STARTED = "engage", "Engagé"
        DONE = "realise", "Réalisé"
        DROPPED = "abandonne", "Abandonné"

    class DijonDomain(models.TextChoices):
        ECONOMY = "developpement_economique", "Développement économique (intercommunalité)"
        EMPLOYMENT = "emploi", "Emploi (intercommunalité)"
        HOUSING = "habitat_peuplement", "Habitat et peuplement (intercommunalité)"
        MOBILITY = "mobilite", "Mobilité (intercommunalité)"
        EDUCATION = "education", "Éducation (État)"
        SECURITY = "securite", "Sécurité (État)"
        JUSTICE = "justice", "Justice (État)"
        HEALTH = "sante", "Santé (État)"
        STATE_EMPLOYMENT = "emploi_etat", "Emploi et insertion (État)"

    class PaqteAxis(models.TextChoices):
        AWARENESS = "sensibiliser", "Sensibiliser (stages de 3e…)"
        TRAINING = "former", "Former (apprentissage…)"
        HIRING = "recruter", "Recruter"
        BUYING = "acheter", "Acheter (achats inclusifs)"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField("type d'engagement", max_length=20, choices=Kind.choices, db_index=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commitments", verbose_name="organisation engagée"
    )
    title = models.CharField("engagement", max_length=300)
    description = models.TextField("description", blank=True)
    pillar = models.ForeignKey(Pillar, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    measure = models.ForeignKey(
        "mobilisation.Measure", null=True, blank=True, on_delete=models.PROTECT, related_name="commitments"
    )
    dijon_domain = models.CharField("domaine du Pacte de Dijon", max_length=30, choices=DijonDomain.choices, blank=True)
    paqte_axis = models.CharField("axe du PAQTE", max_length=20, choices=PaqteAxis.choices, blank=True)
    qpvs = models.ManyToManyField("territories.QPV", blank=True, related_name="commitments")
    due_on = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["contract_id", "organisation__name", "pk"]
        verbose_name = "engagement"

    def __str__(self):
        return self.title

    def territory_keys(self):
        return self.contract.territory_keys()

    @property
    def is_late(self):
        """Past its due date and neither kept nor dropped: what the follow-up is for."""
        from django.utils import timezone

        open_statuses = (self.Status.PLANNED, self.Status.STARTED)
        return bool(self.due_on and self.status in open_statuses and self.due_on < timezone.localdate())

    @cached_property
    def progress(self):
        """Mean progress of the indicators that have a target, in percent (None when none can say)."""
        values = [i.progress for i in self.indicators.all() if i.progress is not None]
        return round(sum(values) / len(values)) if values else None


class IndicatorQuerySet(models.QuerySet):
    def with_latest_value(self):
        latest = Measurement.objects.filter(indicator=models.OuterRef("pk")).order_by("-measured_on", "-pk")
        return self.annotate(latest_value=models.Subquery(latest.values("value")[:1]))


class Indicator(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=40)
    baseline = models.DecimalField("valeur de départ", max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField("cible", max_digits=14, decimal_places=2)
    summable = models.BooleanField("additionnable", default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "indicateur"

    def __str__(self):
        return f"{self.label} ({self.unit})"

    def owner_commitment(self):
        return self.commitment

    @property
    def latest(self):
        # Uses the prefetched measurements when they are there (no query per indicator).
        values = sorted(self.measurements.all(), key=lambda m: (m.measured_on, m.pk))
        return values[-1] if values else None

    @property
    def progress(self):
        """Share of the way from the baseline to the target, 0–100 (capped)."""
        if hasattr(self, "latest_value"):  # annotated by with_latest_value(): no measurement to walk
            value = self.latest_value
        else:
            latest = self.latest
            value = latest.value if latest is not None else None
        if value is None:
            return 0
        start = self.baseline or Decimal(0)
        span = self.target - start
        if span == 0:
            return 100 if value >= self.target else 0
        share = (value - start) / span * 100
        return int(max(Decimal(0), min(Decimal(100), share)))


class Measurement(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField("date de la mesure")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    comment = models.CharField("commentaire", max_length=300, blank=True)
    source = models.CharField("source", max_length=200, blank=True, help_text="D'où vient la valeur (SI, enquête…)")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measured_on", "pk"]
        verbose_name = "valeur mesurée"
        constraints = [models.UniqueConstraint(fields=["indicator", "measured_on"], name="one_measurement_per_date")]

    def __str__(self):
        return f"{self.value} au {self.measured_on:%d/%m/%Y}"


class StatusChange(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="history")
    changed_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    from_status = models.CharField(max_length=12, choices=Commitment.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Commitment.Status.choices)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = "changement de statut"

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class Evidence(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField("titre", max_length=200)
    file = models.FileField("fichier", upload_to="contrats/preuves/%Y/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A removed piece stays in the base (and on disk) with who removed it and when: the history is kept.
    removed_at = models.DateTimeField("retirée le", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removal_reason = models.CharField("motif du retrait", max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "pk"]
        verbose_name = "pièce justificative"

    def __str__(self):
        return self.title


class FundedPost(models.Model):
    """A funded adulte-relais or FONJEP post of a year, attached to its contrat de ville by code."""

    class Programme(models.TextChoices):
        ADULTES_RELAIS = "adultes_relais", "Adultes-relais"
        FONJEP = "fonjep", "FONJEP"

    programme = models.CharField(max_length=20, choices=Programme.choices)
    post_id = models.CharField("n° de poste", max_length=30)
    # The source repeats some rows as is (same post, contract and amount); each repetition is kept
    # as a numbered occurrence, so sums match the source and a re-import stays idempotent.
    occurrence = models.PositiveSmallIntegerField(default=1)
    year = models.PositiveSmallIntegerField("année")
    structure = models.CharField("structure employeuse", max_length=300)
    structure_siret = models.CharField("SIRET", max_length=14, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    code_cv = models.CharField("code du contrat de ville", max_length=12, db_index=True)
    departement_code = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["structure", "post_id"]
        verbose_name = "poste financé"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "post_id", "year", "code_cv", "occurrence"], name="unique_funded_post"
            )
        ]

    def __str__(self):
        return f"{self.get_programme_display()} {self.post_id} — {self.structure}"

    @property
    def key(self):
        return (self.post_id, self.year, self.code_cv, self.occurrence)
