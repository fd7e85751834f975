"""Gestion urbaine de proximité: managers and their areas, reports routed to them, walks, TFPB agreements.

Report points are stored as plain longitude / latitude floats and areas as GeoJSON (display) plus WKB
(exact tests with shapely), so SQLite and PostgreSQL both work without spatial extensions.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from quartiers.accounts.models import Organisation
from quartiers.core.permissions import PolicyQuerySetMixin, organisation_ids
from quartiers.territories.models import EPCI, QPV, Commune, Departement

# Category first: the label residents and agents use, what to say, and the answer deadline (days).
CATEGORIES = {
    "proprete": ("Propreté", "Papiers, déjections, salissures, tags sur l'espace public.", 7),
    "depots": (
        "Dépôts sauvages / encombrants",
        "Meubles, gravats, sacs déposés hors des jours de collecte. Précisez le volume approximatif.",
        5,
    ),
    "eclairage": (
        "Éclairage",
        "Lampadaire éteint, clignotant ou allumé en journée. Indiquez le numéro du mât s'il est visible.",
        10,
    ),
    "voirie": ("Voirie", "Nid-de-poule, trottoir abîmé, plaque d'égout descellée, marquage effacé.", 30),
    "espaces_verts": ("Espaces verts", "Tonte, taille, arbre dangereux, aire de jeux abîmée.", 21),
    "mobilier": ("Mobilier urbain", "Banc, poubelle, barrière, panneau cassés ou manquants.", 21),
    "stationnement": (
        "Stationnement / épaves",
        "Véhicule ventouse ou épave (sans plaque, pneus à plat), stationnement gênant récurrent.",
        30,
    ),
    "parties_communes": (
        "Parties communes",
        "Hall, ascenseur, cage d'escalier, caves, local poubelles d'un immeuble : le bailleur est concerné.",
        10,
    ),
    "tranquillite": (
        "Tranquillité",
        "Nuisances, occupation gênante, dégradations. En cas d'urgence ou de danger, appelez le 17 ou le 112.",
        15,
    ),
    "autre": ("Autre", "Tout ce qui ne rentre pas dans les catégories ci-dessus.", 30),
}
CATEGORY_CHOICES = [(key, label) for key, (label, _g, _d) in CATEGORIES.items()]


def category_label(key):
    return CATEGORIES.get(key, (key,))[0]


class Status(models.TextChoices):
    NOUVEAU = "nouveau", "Nouveau"
    TRANSMIS = "transmis", "Transmis"
    PRIS_EN_CHARGE = "pris_en_charge", "Pris en charge"
    RESOLU = "resolu", "Résolu"
    REJETE = "rejete", "Rejeté"
    REDIRIGE = "redirige", "Redirigé"


OPEN_STATUSES = (Status.NOUVEAU, Status.TRANSMIS, Status.PRIS_EN_CHARGE, Status.REDIRIGE)
CLOSED_STATUSES = (Status.RESOLU, Status.REJETE)


@dataclass(frozen=True)
class Transition:
    """One move of the report workflow: the verb posted by the page, its French label, where it may start,
    where it leads, and what it asks for (a motif sent to the reporter, a new manager)."""

    verb: str
    label: str
    sources: frozenset
    target: str
    needs_motif: bool = False
    needs_manager: bool = False


# The report workflow, declared once: services.transition() refuses anything not listed here, the report page
# offers the moves allowed from the current status (Report.allowed_transitions), tests read the table.
TRANSITIONS = {
    t.verb: t
    for t in (
        Transition(
            "transmettre", "Transmettre au gestionnaire", frozenset({Status.NOUVEAU}), Status.TRANSMIS, False, True
        ),
        Transition(
            "prendre_en_charge",
            "Prendre en charge",
            frozenset({Status.NOUVEAU, Status.TRANSMIS, Status.REDIRIGE}),
            Status.PRIS_EN_CHARGE,
        ),
        Transition(
            "resoudre",
            "Marquer résolu",
            frozenset({Status.TRANSMIS, Status.PRIS_EN_CHARGE, Status.REDIRIGE}),
            Status.RESOLU,
        ),
        Transition("rejeter", "Rejeter", frozenset(OPEN_STATUSES), Status.REJETE, True, False),
        Transition(
            "rediriger",
            "Rediriger vers un autre gestionnaire",
            frozenset({Status.TRANSMIS, Status.PRIS_EN_CHARGE, Status.REDIRIGE}),
            Status.REDIRIGE,
            True,
            True,
        ),
    )
}


class TerritorialQuerySet(PolicyQuerySetMixin, models.QuerySet):
    pass


class Coordination(models.Model):
    """The GUP coordinator of a territory (an EPCI or a commune): receives the reports nobody or several
    managers could take, and decides whether the territory publishes a public map of resolved reports."""

    epci = models.ForeignKey(EPCI, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="gup_coordinations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    public_map = models.BooleanField("carte publique des signalements résolus", default=False)

    objects = TerritorialQuerySet.as_manager()
    scope_paths = {"epci": "epci_id", "commune": "commune_id"}

    class Meta:
        verbose_name = "coordination GUP"
        constraints = [
            models.UniqueConstraint(fields=["epci"], name="gup_one_coordination_per_epci"),
            models.UniqueConstraint(fields=["commune"], name="gup_one_coordination_per_commune"),
            models.CheckConstraint(
                condition=models.Q(epci__isnull=False) | models.Q(commune__isnull=False), name="gup_coordination_scope"
            ),
        ]

    def __str__(self):
        return f"Coordination GUP {self.territory_label} : {self.organisation}"

    @property
    def territory_label(self):
        return str(self.commune or self.epci)

    @property
    def scope(self):
        return ("commune", self.commune_id) if self.commune_id else ("epci", self.epci_id)

    def territory_keys(self):
        if self.commune_id:
            return {f"commune:{self.commune_id}", f"epci:{self.commune.epci_id}"}
        return {f"epci:{self.epci_id}"}


class ManagerArea(models.Model):
    """What a manager (ville, EPCI, bailleur, département, transporteur…) handles: some categories, over a
    drawn polygon or a whole QPV."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="gup_areas")
    label = models.CharField("intitulé", max_length=200)
    categories = models.JSONField("catégories", default=list, help_text="Vide : toutes les catégories.")
    qpv = models.ForeignKey(QPV, null=True, blank=True, on_delete=models.CASCADE, related_name="gup_areas")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="gup_areas")
    polygon = models.JSONField("périmètre dessiné (GeoJSON)", null=True, blank=True)
    polygon_wkb = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritorialQuerySet.as_manager()
    scope_paths = {"commune": "commune_id", "epci": "commune__epci_id", "departement": "commune__departement_id"}

    class Meta:
        verbose_name = "périmètre de gestion"
        ordering = ["organisation__name", "label"]

    def __str__(self):
        return f"{self.organisation} — {self.label}"

    def category_labels(self):
        return [category_label(c) for c in self.categories] or ["toutes catégories"]

    def territory_keys(self):
        keys = {f"commune:{self.commune_id}", f"departement:{self.commune.departement_id}"}
        if self.commune.epci_id:
            keys.add(f"epci:{self.commune.epci_id}")
        return keys


class Walk(models.Model):
    """A diagnostic en marchant: residents and managers walk a planned route through a QPV."""

    qpv = models.ForeignKey(QPV, on_delete=models.PROTECT, related_name="gup_walks")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("intitulé", max_length=200)
    date = models.DateField("date")
    route = models.JSONField("parcours (GeoJSON LineString)", null=True, blank=True)
    participants = models.JSONField("participants", default=list, blank=True)
    notes = models.TextField("notes", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritorialQuerySet.as_manager()
    scope_paths = {"commune": "commune_id", "epci": "commune__epci_id", "departement": "commune__departement_id"}

    class Meta:
        verbose_name = "diagnostic en marchant"
        verbose_name_plural = "diagnostics en marchant"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("gup:walk_detail", args=[self.pk])

    def territory_keys(self):
        keys = {f"commune:{self.commune_id}", f"departement:{self.commune.departement_id}"}
        if self.commune.epci_id:
            keys.add(f"epci:{self.commune.epci_id}")
        return keys


class ReportQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def matching(self, params, user):
        """The report list's filters, from its query string (`params`: a dict or QueryDict)."""
        qs, g = self, params
        if g.get("statut") in Status.values:
            qs = qs.filter(status=g["statut"])
        elif g.get("statut") == "ouverts":
            qs = qs.filter(status__in=OPEN_STATUSES)
        if g.get("categorie") in CATEGORIES:
            qs = qs.filter(category=g["categorie"])
        for param, lookup in (("qpv", "qpv__code"), ("epci", "epci_id"), ("commune", "commune_id")):
            if g.get(param):
                qs = qs.filter(**{lookup: g[param]})
        if g.get("gestionnaire", "").isdigit():
            qs = qs.filter(manager_id=int(g["gestionnaire"]))
        if g.get("a_traiter"):
            qs = qs.filter(manager_id__in=organisation_ids(user), status__in=OPEN_STATUSES)
        if g.get("diagnostic", "").isdigit():
            qs = qs.filter(walk_id=int(g["diagnostic"]))
        return qs

    def for_scope(self, level, code):
        field = {"epci": "epci_id", "commune": "commune_id", "qpv": "qpv__code", "departement": "departement_id"}
        return self.filter(**{field[level]: code}) if level in field else self


class Report(models.Model):
    """A signalement: a category, a point, photos, routed to the manager responsible for that place."""

    reference = models.CharField("référence", max_length=20, unique=True, null=True, blank=True)
    category = models.CharField("catégorie", max_length=30, choices=CATEGORY_CHOICES, db_index=True)
    description = models.TextField("description", blank=True)
    lon = models.FloatField("longitude")
    lat = models.FloatField("latitude")
    address = models.CharField("adresse", max_length=300, blank=True)
    qpv = models.ForeignKey(QPV, null=True, blank=True, on_delete=models.PROTECT, related_name="gup_reports")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    epci = models.ForeignKey(EPCI, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="gup_reports"
    )
    routed_to_coordinator = models.BooleanField("en attente d'orientation par la coordination", default=False)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.NOUVEAU)
    deadline = models.DateField("échéance")
    walk = models.ForeignKey(Walk, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="gup_reports"
    )
    client_uuid = models.UUIDField("identifiant du téléphone", null=True, blank=True, unique=True)
    created_at = models.DateTimeField("créé le", db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField("résolu le", null=True, blank=True)
    # Stored on resolve so medians are ordered index scans, not date arithmetic over every row.
    resolution_seconds = models.BigIntegerField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()
    scope_paths = {
        "commune": "commune_id",
        "epci": "epci_id",
        "departement": "departement_id",
        "region": "departement__region_id",
    }
    owner_organisation_field = "manager"

    class Meta:
        verbose_name = "signalement"
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Covering indexes: the map (open reports of a QPV) and the "late" counts read only the index.
            models.Index(
                fields=["qpv", "status", "deadline", "manager", "category", "created_at"], name="gup_open_qpv"
            ),
            models.Index(
                fields=["epci", "status", "deadline", "manager", "category", "created_at"], name="gup_open_epci"
            ),
            models.Index(fields=["status", "deadline", "manager", "category", "created_at"], name="gup_open"),
            # Medians walk these in order (LIMIT/OFFSET), per group and per territory filter; the trailing
            # category / created_at let a category or year filter be checked in the index, not the table.
            models.Index(fields=["manager", "resolution_seconds", "category", "created_at"], name="gup_med_manager"),
            models.Index(fields=["category", "resolution_seconds", "created_at"], name="gup_med_category"),
            models.Index(
                fields=["epci", "manager", "resolution_seconds", "category", "created_at"], name="gup_med_epci_manager"
            ),
            models.Index(fields=["epci", "category", "resolution_seconds", "created_at"], name="gup_med_epci_category"),
            models.Index(
                fields=["qpv", "manager", "resolution_seconds", "category", "created_at"], name="gup_med_qpv_manager"
            ),
            models.Index(fields=["qpv", "category", "resolution_seconds", "created_at"], name="gup_med_qpv_category"),
            models.Index(fields=["category", "status", "lat"], name="gup_report_nearby"),
        ]

    def __str__(self):
        return f"{self.reference or 'Signalement'} — {self.category_label}"

    def get_absolute_url(self):
        return reverse("gup:report_detail", args=[self.pk])

    @property
    def owner_organisation_id(self):
        return self.manager_id

    @property
    def category_label(self):
        return category_label(self.category)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def allowed_transitions(self):
        """The workflow moves open from the current status, in the table's order."""
        return [t for t in TRANSITIONS.values() if self.status in t.sources]

    def is_late(self, today=None):
        from django.utils import timezone

        return self.is_open and self.deadline < (today or timezone.localdate())

    def territory_keys(self):
        keys = {f"commune:{self.commune_id}", f"departement:{self.departement_id}"}
        keys.add(f"region:{self.departement.region_id}")
        if self.epci_id:
            keys.add(f"epci:{self.epci_id}")
        return keys

    @staticmethod
    def deadline_for(category, created_at):
        days = CATEGORIES.get(category, CATEGORIES["autre"])[2]
        return (created_at + timedelta(days=days)).date()


class ReportStat(models.Model):
    """Report counts per quartier × manager × category × year, one column per status.

    Kept up to date by the services (each creation and transition moves one unit) and rebuilt by
    `services.rebuild_stats()` after bulk loads: dashboards sum a few thousand rows instead of
    counting every report.
    """

    qpv = models.ForeignKey(QPV, null=True, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")
    epci = models.ForeignKey(EPCI, null=True, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(Organisation, null=True, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    nouveau = models.PositiveIntegerField(default=0)
    transmis = models.PositiveIntegerField(default=0)
    pris_en_charge = models.PositiveIntegerField(default=0)
    resolu = models.PositiveIntegerField(default=0)
    rejete = models.PositiveIntegerField(default=0)
    redirige = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["epci", "year"], name="gup_stat_epci_year")]

    def __str__(self):
        return f"{self.qpv_id}/{self.manager_id}/{self.category}/{self.year}"


def photo_path(instance, filename):
    return f"gup/photos/{instance.report_id}/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "photo"
        ordering = ["pk"]

    def __str__(self):
        return f"Photo {self.pk} du signalement {self.report_id}"


class StatusChange(models.Model):
    """The history of a report: every transition, with its motif and the managers before and after."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    motif = models.TextField(blank=True)
    from_manager = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_manager = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class Comment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField("commentaire")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class Follower(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gup_follows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="gup_unique_follower")]

    def __str__(self):
        return f"{self.user_id} suit {self.report_id}"


class TfpbAxis(models.TextChoices):
    """Axes of the national frame of the TFPB abatement (cadre national d'utilisation de l'abattement)."""

    PRESENCE = "presence", "Renforcement de la présence du personnel de proximité"
    FORMATION = "formation", "Formation / soutien des personnels de proximité"
    SUR_ENTRETIEN = "sur_entretien", "Sur-entretien"
    DECHETS = "dechets", "Gestion des déchets et encombrants / épaves"
    TRANQUILLITE = "tranquillite", "Tranquillité résidentielle"
    CONCERTATION = "concertation", "Concertation / sensibilisation des locataires"
    ANIMATION = "animation", "Animation, lien social, vivre ensemble"
    PETITS_TRAVAUX = "petits_travaux", "Petits travaux d'amélioration de la qualité de service"


class TfpbQuerySet(PolicyQuerySetMixin, models.QuerySet):
    pass


class TfpbAgreement(models.Model):
    """The yearly TFPB abatement of a landlord in a QPV and its action plan."""

    bailleur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="tfpb_agreements")
    qpv = models.ForeignKey(QPV, on_delete=models.PROTECT, related_name="tfpb_agreements")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année")
    abatement_amount = models.DecimalField("montant de l'abattement (€)", max_digits=12, decimal_places=2)
    housing_count = models.PositiveIntegerField("logements concernés", null=True, blank=True)
    bilan = models.TextField("bilan de l'année", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TfpbQuerySet.as_manager()
    scope_paths = {"commune": "commune_id", "epci": "qpv__epci_id", "departement": "qpv__departement_id"}
    owner_organisation_field = "bailleur"

    class Meta:
        verbose_name = "convention TFPB"
        ordering = ["-year", "qpv__code", "bailleur__name"]
        constraints = [models.UniqueConstraint(fields=["bailleur", "qpv", "year"], name="gup_unique_tfpb")]

    def __str__(self):
        return f"TFPB {self.year} — {self.bailleur} — {self.qpv}"

    def get_absolute_url(self):
        return reverse("gup:tfpb_detail", args=[self.pk])

    @property
    def owner_organisation_id(self):
        return self.bailleur_id

    def territory_keys(self):
        keys = {f"commune:{self.commune_id}", f"departement:{self.qpv.departement_id}"}
        if self.qpv.epci_id:
            keys.add(f"epci:{self.qpv.epci_id}")
        return keys


class TfpbAction(models.Model):
    agreement = models.ForeignKey(TfpbAgreement, on_delete=models.CASCADE, related_name="actions")
    axis = models.CharField("axe", max_length=30, choices=TfpbAxis.choices)
    title = models.CharField("action", max_length=300)
    planned_amount = models.DecimalField("montant prévu (€)", max_digits=12, decimal_places=2, default=0)
    spent_amount = models.DecimalField("montant réalisé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    done = models.BooleanField("réalisée", default=False)
    reports = models.ManyToManyField(Report, blank=True, related_name="tfpb_actions")
    walks = models.ManyToManyField(Walk, blank=True, related_name="tfpb_actions")

    class Meta:
        verbose_name = "action TFPB"
        ordering = ["axis", "pk"]

    def __str__(self):
        return self.title
