"""State changes of the resource library. Each runs in one transaction, writes the audit trail and
keeps the full-text index in sync (same transaction: a failed save leaves no stale index entry)."""

from django.db import connections, transaction
from django.db.models import F

from quartiers.core import audit, filetypes, jobs
from quartiers.resources import ranking, search
from quartiers.resources import text as frtext
from quartiers.resources.models import Attachment, Document, Favourite

MAX_INDEXED_CHARS = 400_000  # a tsvector is limited to 1 MB; the start of a long PDF is enough to find it


# ---- search index ----


def _pg_vector_sql(using):
    """SQL computing a document's tsvector from its own columns (per row and in bulk alike)."""
    cfg = search.PG_CONFIG
    if search.pg_has_unaccent(using):
        wrap, params = "{}", []
    else:
        wrap, params = "lower(translate({}, %s, %s))", None
    columns = {
        "A": "coalesce(title, '')",
        "B": "coalesce(summary, '')",
        "C": f"left(coalesce(text, '') || ' ' || coalesce(extracted_text, ''), {MAX_INDEXED_CHARS})",
    }
    parts, all_params = [], []
    for weight, column in columns.items():
        parts.append(f"setweight(to_tsvector('{cfg}', {wrap.format(column)}), '{weight}')")
        all_params += params if params is not None else list(search._PG_TRANSLATE)
    return " || ".join(parts), all_params


def _sqlite_rows(doc_id, cursor):
    cursor.execute(f"SELECT title, summary, text FROM {search.FTS_CONTENT} WHERE id = %s", [doc_id])
    return cursor.fetchone()


def _sqlite_unindex(cursor, doc_id):
    # External-content FTS5: deleting needs the exact values indexed, which we rebuild from the content table.
    old = _sqlite_rows(doc_id, cursor)
    if old is not None:
        cursor.execute(
            f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rowid, title, summary, text) "
            "VALUES ('delete', %s, %s, %s, %s)",
            [doc_id, *(frtext.stem_text(v or "") for v in old)],
        )
        cursor.execute(f"DELETE FROM {search.FTS_CONTENT} WHERE id = %s", [doc_id])


def _sqlite_values(doc):
    body = doc.search_body()[:MAX_INDEXED_CHARS]
    return [frtext.normalize_for_storage(v) for v in (doc.title, doc.summary, body)]


def _sqlite_index(cursor, doc_id, values):
    cursor.execute(
        f"INSERT INTO {search.FTS_CONTENT}(id, title, summary, text) VALUES (%s, %s, %s, %s)", [doc_id, *values]
    )
    cursor.execute(
        f"INSERT INTO {search.FTS_TABLE}(rowid, title, summary, text) VALUES (%s, %s, %s, %s)",
        [doc_id, *(frtext.stem_text(v) for v in values)],
    )


def _ranking_fields(doc):
    return doc.title, doc.summary, doc.search_body()[:MAX_INDEXED_CHARS]


def reindex_document(doc, using="default"):
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        ranking.index(doc.pk, *_ranking_fields(doc), using=using)
        if connection.vendor == "postgresql":
            sql, params = _pg_vector_sql(using)
            cursor.execute(f"UPDATE resources_document SET search_vector = {sql} WHERE id = %s", [*params, doc.pk])
        elif connection.vendor == "sqlite":
            _sqlite_unindex(cursor, doc.pk)
            _sqlite_index(cursor, doc.pk, _sqlite_values(doc))


def unindex_document(doc_id, using="default"):
    connection = connections[using]
    with transaction.atomic(using=using):
        ranking.unindex(doc_id, using=using)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                _sqlite_unindex(cursor, doc_id)


def rebuild_index(using="default", batch=500):
    """Re-index every document (after a bulk import, or to repair). Returns how many were indexed."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        fields = ("id", "title", "summary", "text", "extracted_text")
        documents = Document.objects.using(using).only(*fields).order_by("pk").iterator(chunk_size=batch)
        ranking.rebuild(((doc.pk, *_ranking_fields(doc)) for doc in documents), using=using)
        if connection.vendor == "postgresql":
            sql, params = _pg_vector_sql(using)
            cursor.execute(f"UPDATE resources_document SET search_vector = {sql}", params)
            count = cursor.rowcount
            # Merge the GIN pending list now (searches scan it linearly) and give the planner fresh
            # statistics, so that it picks the GIN index for rare words and the id order for common ones.
            cursor.execute(f"SELECT gin_clean_pending_list('{search.PG_GIN_INDEX}'::regclass)")
            cursor.execute("ANALYZE resources_document")
            return count
        cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('delete-all')")
        cursor.execute(f"DELETE FROM {search.FTS_CONTENT}")
        count = 0
        for doc in Document.objects.using(using).only(*fields).order_by("pk").iterator(chunk_size=batch):
            _sqlite_index(cursor, doc.pk, _sqlite_values(doc))
            count += 1
        cursor.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('optimize')")
        return count


# ---- documents ----


def save_document(form, user):
    """Create or update a document from a valid DocumentForm; index it in the same transaction."""
    creating = form.instance.pk is None
    with transaction.atomic():
        doc = form.save(commit=False)
        if creating:
            doc.created_by = user if getattr(user, "is_authenticated", False) else None
        doc.save()
        form.save_m2m()
        reindex_document(doc)
        changes = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        audit.record(user, "document créé" if creating else "document modifié", doc, changes)
    return doc


def delete_document(doc, user):
    with transaction.atomic():
        files = [a.file.name for a in doc.attachments.all()]
        audit.record(user, "document supprimé", doc)
        doc_id = doc.pk
        doc.delete()
        unindex_document(doc_id)
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])


def add_attachment(doc, uploaded, user):
    """Store a checked upload (content type sniffed, size limited); PDFs get their text extracted later."""
    kind = filetypes.check_upload(uploaded, purpose="document")
    with transaction.atomic():
        attachment = Attachment(
            document=doc,
            name=filetypes.safe_name(uploaded.name, kind),
            size=uploaded.size,
            mime_type=kind.mime_type,
            kind=kind.kind,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        attachment.file.save(attachment.name, uploaded, save=False)
        storage, stored_name = attachment.file.storage, attachment.file.name
        try:
            if kind is filetypes.PDF:
                attachment.extraction = Attachment.Extraction.PENDING
            attachment.save()
            audit.record(user, "pièce jointe ajoutée", doc, {"fichier": attachment.name, "type": kind.kind})
            if kind is filetypes.PDF:
                jobs.enqueue(
                    "resources.extract_pdf",
                    owner=user if getattr(user, "is_authenticated", False) else None,
                    label=f"Extraction du texte de « {attachment.name} »",
                    params={"attachment": attachment.pk},
                )
        except Exception:
            storage.delete(stored_name)  # nothing half-written: no orphan file
            raise
    return attachment


def delete_attachment(attachment, user):
    with transaction.atomic():
        doc = attachment.document
        name = attachment.file.name
        storage = attachment.file.storage
        audit.record(user, "pièce jointe supprimée", doc, {"fichier": attachment.name})
        attachment.delete()
        refresh_extracted_text(doc)
        transaction.on_commit(lambda: storage.delete(name))


def refresh_extracted_text(doc):
    """The document's searchable attachment text is the concatenation of its attachments' texts."""
    texts = doc.attachments.exclude(extracted_text="").values_list("extracted_text", flat=True)
    doc.extracted_text = "\n\n".join(texts)
    Document.objects.filter(pk=doc.pk).update(extracted_text=doc.extracted_text)
    reindex_document(doc)


def count_download(attachment):
    Attachment.objects.filter(pk=attachment.pk).update(download_count=F("download_count") + 1)


# ---- favourites ----


def toggle_favourite(user, doc):
    """Add or remove `doc` from the user's favourites; returns True if it is now a favourite."""
    with transaction.atomic():
        deleted, _ = Favourite.objects.filter(user=user, document=doc).delete()
        if deleted:
            return False
        Favourite.objects.create(user=user, document=doc)
        return True


# ---- digests ----


def add_digest_item(digest, form, user):
    with transaction.atomic():
        item = form.save()
        item.documents.set(form.documents)
        audit.record(user, "brève ajoutée", digest, {"titre": item.title, "date": item.date.isoformat()})
    return item
