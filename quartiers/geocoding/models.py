"""The address base (BAN) as the offline geocoder keeps it.

One row per département: its addresses are stored as one compressed columnar blob (numpy arrays),
not as one row per address. 1.5 million addresses then load in a few seconds into a compact
in-memory index, an import of a département replaces one row in one transaction (atomic,
idempotent), and SQLite and PostgreSQL behave the same.
"""

from django.db import models


class BanDepartementQuerySet(models.QuerySet):
    def signature(self):
        """What changes when any département is imported again (used to reload the geocoder)."""
        return tuple(self.order_by("code").values_list("code", "imported_at"))


class BanDepartement(models.Model):
    code = models.CharField("département", max_length=3, unique=True)
    source = models.CharField("fichier source", max_length=300)
    imported_at = models.DateTimeField("importé le", auto_now=True)
    address_count = models.PositiveIntegerField("adresses", default=0)
    street_count = models.PositiveIntegerField("voies et lieux-dits", default=0)
    commune_count = models.PositiveIntegerField("communes", default=0)
    format_version = models.PositiveSmallIntegerField(default=1)
    data = models.BinaryField("données compressées", editable=False)

    objects = BanDepartementQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = "département de la Base Adresse Nationale"
        verbose_name_plural = "départements de la Base Adresse Nationale"

    def __str__(self):
        return f"BAN {self.code} ({self.address_count} adresses)"
