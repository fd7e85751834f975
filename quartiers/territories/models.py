"""The official geography. Reference data: every row comes from an imported official file.

Outlines are stored as WKB (full resolution, used for exact point-in-polygon) and as simplified
GeoJSON (display only), so SQLite and PostgreSQL both work without spatial extensions.
"""

from django.db import models

from quartiers.core.permissions import PolicyQuerySetMixin


class TerritoryQuerySet(PolicyQuerySetMixin, models.QuerySet):
    pass


class Region(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    nom = models.CharField(max_length=100)

    class Meta:
        ordering = ["nom"]
        verbose_name = "région"

    def __str__(self):
        return self.nom

    def territory_keys(self):
        return {f"region:{self.code}"}


class Departement(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    nom = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = "département"

    def __str__(self):
        return f"{self.nom} ({self.code})"

    def territory_keys(self):
        return {f"departement:{self.code}", f"region:{self.region_id}"}


class EPCI(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField(max_length=200)
    type = models.CharField(max_length=3, help_text="CA, CU, CC ou ME")
    population = models.PositiveIntegerField(null=True, blank=True)
    outline_simplified = models.JSONField(null=True, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"

    def __str__(self):
        return self.nom

    def territory_keys(self):
        keys = {f"epci:{self.siren}"}
        for dep, reg in self.communes.values_list("departement_id", "departement__region_id").distinct():
            keys |= {f"departement:{dep}", f"region:{reg}"}
        return keys


class Commune(models.Model):
    insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField(max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(EPCI, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes")
    population = models.PositiveIntegerField(null=True, blank=True)
    codes_postaux = models.JSONField(default=list, blank=True)
    outline_simplified = models.JSONField(null=True, blank=True)
    # A point inside the commune (IGN outlines): places QPVs whose outline is not loaded on the map.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["nom"]
        verbose_name = "commune"

    def __str__(self):
        return f"{self.nom} ({self.insee})"

    def territory_keys(self):
        keys = {
            f"commune:{self.insee}",
            f"departement:{self.departement_id}",
            f"region:{self.departement.region_id}",
        }
        if self.epci_id:
            keys.add(f"epci:{self.epci_id}")
        return keys


class QPVQuerySet(TerritoryQuerySet):
    def with_related(self, geometry=False):
        """Everything a list row shows, in a constant number of queries.

        The full-resolution outline is never loaded for a list (it weighs tens of kB per QPV): the row
        gets `outline_loaded` instead; `geometry=True` keeps the display outline for GeoJSON output.
        """
        deferred = ["outline_wkb", "outline_overview"] + ([] if geometry else ["outline_simplified"])
        return (
            self.select_related("departement__region", "epci")
            .defer(*deferred, "epci__outline_simplified")
            .annotate(outline_loaded=models.Q(outline_wkb__isnull=False))
            .prefetch_related(models.Prefetch("communes", queryset=Commune.objects.only("insee", "nom")))
        )

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        by_commune = Commune.objects.filter(nom__icontains=text).values("qpvs")
        return self.filter(models.Q(code__icontains=text) | models.Q(nom__icontains=text) | models.Q(pk__in=by_commune))

    def in_region(self, code):
        return self.filter(departement__region_id=code)

    def in_commune(self, value):
        """An INSEE code or a commune name (exact, case-insensitive)."""
        value = (value or "").strip()
        if value[:1].isdigit():
            return self.filter(pk__in=Commune.objects.filter(insee=value).values("qpvs"))
        return self.filter(pk__in=Commune.objects.filter(nom__iexact=value).values("qpvs"))

    def with_outline(self, yes=True):
        return self.filter(outline_wkb__isnull=not yes)


class QPV(models.Model):
    """A quartier prioritaire, of the 2015 or the 2024 generation, identified by its official code."""

    class Generation(models.IntegerChoices):
        G2015 = 2015, "2015"
        G2024 = 2024, "2024"

    code = models.CharField("code officiel", max_length=12, unique=True)
    nom = models.CharField(max_length=200)
    generation = models.PositiveSmallIntegerField("géographie", choices=Generation.choices, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="qpvs")
    epci = models.ForeignKey(EPCI, null=True, blank=True, on_delete=models.SET_NULL, related_name="qpvs")
    communes = models.ManyToManyField(Commune, related_name="qpvs", blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    npnru = models.BooleanField("NPNRU", default=False, db_index=True)
    outline_wkb = models.BinaryField("contour (pleine résolution, WKB)", null=True, blank=True)
    outline_simplified = models.JSONField("contour simplifié (GeoJSON)", null=True, blank=True)
    outline_source = models.CharField("source du contour", max_length=300, blank=True)
    # Much simplified outline (~100 m) for the national map at low zoom.
    outline_overview = models.JSONField("contour très simplifié (GeoJSON)", null=True, blank=True)
    # Where the map shows the QPV: inside its outline, or else the point of its first commune.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    point_approx = models.BooleanField("position approximative (centre de la commune)", default=False)

    objects = QPVQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"

    def __str__(self):
        return f"{self.code} {self.nom}"

    @property
    def has_outline(self):
        return self.outline_wkb is not None

    def territory_keys(self):
        keys = {f"departement:{self.departement_id}", f"region:{self.departement.region_id}"}
        if self.epci_id:
            keys.add(f"epci:{self.epci_id}")
        keys |= {f"commune:{c}" for c in self.communes.values_list("insee", flat=True)}
        return keys


class ContratDeVille(models.Model):
    """A contrat de ville of the official list (e.g. CN06207M « 62 - CA Grand Calais Terres et Mers »)."""

    code = models.CharField("code officiel", max_length=12, unique=True)
    nom = models.CharField(max_length=200)
    generation = models.CharField(max_length=9, default="2024-2030")
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="contrats")
    epci = models.ForeignKey(EPCI, null=True, blank=True, on_delete=models.SET_NULL, related_name="contrats")
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="contrats")
    qpvs = models.ManyToManyField(QPV, related_name="contrats", blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "contrat de ville"
        verbose_name_plural = "contrats de ville"

    def __str__(self):
        return f"{self.code} {self.nom}"

    def territory_keys(self):
        keys = {f"departement:{self.departement_id}", f"region:{self.departement.region_id}"}
        if self.epci_id:
            keys.add(f"epci:{self.epci_id}")
            keys |= {f"commune:{c}" for c in self.epci.communes.values_list("insee", flat=True)}
        if self.commune_id:
            keys.add(f"commune:{self.commune_id}")
        return keys


class IndicatorDefinition(models.Model):
    """An indicator as its producer defines it: label, unit, source, vintage, and whether it may be summed."""

    code = models.CharField(max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=300)
    unite = models.CharField("unité", max_length=30, blank=True, help_text="nombre, %, €, indice…")
    source = models.CharField(max_length=300, blank=True)
    annee = models.PositiveSmallIntegerField("millésime", null=True, blank=True)
    additionnable = models.BooleanField(
        default=False, help_text="Un effectif peut être additionné ; un taux, une médiane ou un indice jamais."
    )
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ordre", "code"]
        verbose_name = "indicateur"

    def __str__(self):
        return self.libelle


class IndicatorValue(models.Model):
    """One value of an indicator for one territory (a QPV or a reference territory)."""

    class Level(models.TextChoices):
        QPV = "qpv", "QPV"
        COMMUNE = "commune", "commune"
        EPCI = "epci", "EPCI"
        DEPARTEMENT = "departement", "département"
        FRANCE = "france", "France"

    indicator = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="values")
    level = models.CharField("niveau", max_length=12, choices=Level.choices)
    code = models.CharField("code du territoire", max_length=12, help_text="code QPV, INSEE, SIREN, département, FR")
    valeur = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    secret = models.BooleanField("secret statistique", default=False)
    annee = models.PositiveSmallIntegerField("millésime", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level", "code"], name="territories_indicator_value_unique")
        ]
        indexes = [models.Index(fields=["level", "code"])]
        verbose_name = "valeur d'indicateur"

    def __str__(self):
        return f"{self.indicator.code} {self.level}:{self.code} = {self.valeur}"

    @property
    def millesime(self):
        return self.annee or self.indicator.annee


class Label(models.Model):
    """A national label given to a territory: cité éducative, cité de l'emploi (ANCT lists)."""

    class Kind(models.TextChoices):
        CITE_EDUCATIVE = "cite_educative", "cité éducative"
        CITE_EMPLOI = "cite_emploi", "cité de l'emploi"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=80, unique=True)
    nom = models.CharField(max_length=200)
    communes = models.ManyToManyField(Commune, related_name="labels", blank=True)

    class Meta:
        ordering = ["kind", "nom"]
        verbose_name = "label"

    def __str__(self):
        return f"{self.get_kind_display()} {self.nom}"


class ReferenceLoad(models.Model):
    """Which vintage of each bundled reference file is loaded, so `quartiers demo` skips what is done."""

    key = models.CharField(max_length=100, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)
    report = models.TextField(blank=True)

    class Meta:
        verbose_name = "chargement de référence"

    def __str__(self):
        return f"{self.key} ({self.loaded_at:%d/%m/%Y})"


class ReferenceVersion(models.Model):
    """One row whose token changes whenever the reference data changes (imports, outlines, any edit).

    Pages cache what depends only on the reference data under this token (`territories.refcache`): every
    process reads it from the database, so a bump by an import in the worker is seen by every web process.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "version du référentiel"

    def __str__(self):
        return self.token
