"""The resource library: documents, attachments, themes, favourites and « point d'actualité » digests.

Full-text search lives in `search.py` (one QuerySet API over PostgreSQL and SQLite FTS5); its index
columns are created by migration 0002 and kept in sync by `services.reindex_document`.
"""

import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from quartiers.core.permissions import PolicyQuerySetMixin
from quartiers.resources.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchQuerySetMixin

URL_RE = re.compile(r"https?://[^\s<>\"'\]]+")


class Theme(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField("nom", max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "thème"

    def __str__(self):
        return self.name


class DocumentQuerySet(PolicyQuerySetMixin, SearchQuerySetMixin, models.QuerySet):
    """Documents: `visible_to`, `editable_by`, `contributable_by`, `search`, `for_territory` (chainable)."""

    # Territory key level → lookups reaching that level's code; a document is in scope if any matches.
    scope_lookups = {
        "qpv": ["qpvs__code"],
        "commune": ["communes__insee", "qpvs__communes__insee"],
        "epci": ["epcis__siren", "communes__epci_id", "qpvs__epci_id"],
        "departement": ["communes__departement_id", "epcis__communes__departement_id", "qpvs__departement_id"],
        "region": [
            "communes__departement__region_id",
            "epcis__communes__departement__region_id",
            "qpvs__departement__region_id",
        ],
    }

    def in_scope(self, keys):
        return self.filter(self.in_scope_q(keys))

    def in_scope_q(self, keys):
        """The Q object of `in_scope` (resources/rules.py builds the documents' territorial rules on it)."""
        q = models.Q(pk__in=[])
        for key in keys:
            level, code = key.split(":", 1)
            for lookup in self.scope_lookups.get(level, ()):
                q |= models.Q(**{lookup: code})
        # A subquery rather than joins + DISTINCT: the outer query keeps its ordering and annotations.
        return models.Q(pk__in=Document.objects.filter(q).values("pk"))

    def for_territory(self, key):
        """The documents of a territory key; for a QPV, those of the quartier or of one of its communes."""
        if key and key.startswith("qpv:"):
            return self.about_qpv(key.split(":", 1)[1])
        return self.in_scope([key]) if key else self

    def about_qpv(self, code):
        about = models.Q(qpvs__code=code) | models.Q(communes__qpvs__code=code)
        return self.filter(pk__in=Document.objects.filter(about).values("pk"))


class Document(models.Model):
    class Type(models.TextChoices):
        COMPTE_RENDU = "compte_rendu", "Compte rendu"
        POINT_ACTUALITE = "point_actualite", "Point d'actualité"
        CIRCULAIRE = "circulaire", "Circulaire"
        GUIDE = "guide", "Guide"
        ETUDE = "etude", "Étude"
        PRESENTATION = "presentation", "Présentation"
        AUTRE = "autre", "Autre"

    title = models.CharField("titre", max_length=300)
    summary = models.TextField("résumé", blank=True)
    text = models.TextField("texte", blank=True, help_text="Texte de la page ou du document, cherchable.")
    extracted_text = models.TextField("texte extrait des pièces jointes", blank=True, editable=False)
    type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.AUTRE, db_index=True)
    themes = models.ManyToManyField(Theme, related_name="documents", blank=True, verbose_name="thèmes")
    communes = models.ManyToManyField("territories.Commune", related_name="documents", blank=True)
    epcis = models.ManyToManyField("territories.EPCI", related_name="documents", blank=True, verbose_name="EPCI")
    qpvs = models.ManyToManyField("territories.QPV", related_name="documents", blank=True, verbose_name="QPV")
    date = models.DateField("date", db_index=True)
    source_url = models.URLField("URL de la source", max_length=500, blank=True)
    source_modified_at = models.DateTimeField("source modifiée le", null=True, blank=True)
    links = models.JSONField(
        "liens", default=list, blank=True, help_text="Liens numérotés de la page d'origine, dans l'ordre."
    )
    meeting = models.ForeignKey(
        "network.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name="rencontre",
    )
    public = models.BooleanField(
        "public", default=False, help_text="Ouvert à tous ; sinon réservé aux membres connectés."
    )
    author_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name="organisation autrice",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("dernière modification", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "document"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:document", args=[self.pk])

    def territory_keys(self):
        keys = set()
        for commune in self.communes.select_related("departement"):
            keys |= commune.territory_keys()
        for epci in self.epcis.all():
            keys |= epci.territory_keys()
        for qpv in self.qpvs.select_related("departement"):
            keys |= qpv.territory_keys()
        return keys

    @property
    def excerpt(self):
        """HTML-safe excerpt: the search engine's highlighted fragment, else the start of the summary."""
        raw = getattr(self, "search_excerpt", None)
        if not raw:
            # Lists defer the long text: fall back on it only when it is loaded (no query per row).
            loaded_text = "" if "text" in self.get_deferred_fields() else self.text
            return escape(Truncator(self.summary or loaded_text).words(40))
        html = escape(raw).replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>")
        return mark_safe(html)  # noqa: S308 — escaped above; only our markers become tags

    def numbered_links(self):
        """The page's links in order ([1], [2]…): the recorded ones, then any other URL of the text."""
        urls = [link["url"] if isinstance(link, dict) else str(link) for link in self.links or []]
        urls += URL_RE.findall(self.text or "")
        seen, ordered = {self.source_url} if self.source_url else set(), []
        for url in urls:
            url = url.rstrip(".,;)")
            if url not in seen:
                seen.add(url)
                ordered.append(url)
        return ordered

    def search_body(self):
        return "\n".join(part for part in (self.text, self.extracted_text) if part)


def attachment_path(instance, filename):
    return f"ressources/{instance.document_id}/{filename}"


class Attachment(models.Model):
    class Extraction(models.TextChoices):
        NONE = "", "Sans objet"
        PENDING = "en_attente", "Extraction en attente"
        DONE = "termine", "Texte extrait"
        FAILED = "echoue", "Extraction impossible"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to=attachment_path, max_length=300)
    name = models.CharField("nom du fichier", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    mime_type = models.CharField("type", max_length=120)
    kind = models.CharField("format", max_length=20)
    extracted_text = models.TextField(blank=True, editable=False)
    extraction = models.CharField(max_length=20, choices=Extraction.choices, blank=True, default="")
    extraction_message = models.CharField(max_length=300, blank=True)
    download_count = models.PositiveIntegerField("téléchargements", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:download", args=[self.document_id, self.pk])


class Favourite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_documents")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "favori"
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="unique_favourite")]

    def __str__(self):
        return f"{self.user} ★ {self.document}"


class DigestQuerySet(PolicyQuerySetMixin, models.QuerySet):
    pass


class Digest(models.Model):
    """A « point d'actualité » series: dated short items, each linking documents."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    public = models.BooleanField("public", default=True)
    author_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digests",
        verbose_name="organisation autrice",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "point d'actualité (série)"
        verbose_name_plural = "points d'actualité (séries)"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:digest", args=[self.slug])


class DigestItem(models.Model):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    date = models.DateField("date", db_index=True)
    title = models.CharField("titre", max_length=300)
    text = models.TextField("texte", blank=True)
    documents = models.ManyToManyField(Document, related_name="digest_items", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "brève"
        constraints = [models.UniqueConstraint(fields=["digest", "date", "title"], name="unique_digest_item")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:digest", args=[self.digest.slug]) + f"#breve-{self.pk}"


# ---- the ranking index (search.py) ----


class SearchTerm(models.Model):
    """A word of the library, as `text.stem` gives it, and how many documents hold it (`df`, for its weight).
    The row whose stem is `search.LIBRARY` ("", no word is empty) counts the documents indexed."""

    stem = models.CharField(max_length=100, unique=True)
    df = models.PositiveIntegerField(default=0)
    # Changed (to a random value, ranking.new_token) by every write to this word's postings: the key under which
    # a process keeps the postings between searches (postings.py).
    token = models.BigIntegerField(default=0)

    def __str__(self):
        return self.stem


class SearchPosting(models.Model):
    """One word of one document and its weight in it (`impact`, an integer: see `ranking.impacts`). Derived from
    the documents by `services.reindex_document`; a restore rebuilds it (never backed up, core/derived.py).
    No database constraint: the rebuild writes millions of rows, and every deletion goes through the ORM."""

    pk = models.CompositePrimaryKey("term", "document")
    term = models.ForeignKey(
        SearchTerm, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    impact = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.term_id}:{self.document_id}"
