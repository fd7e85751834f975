"""Background jobs of the resource library: text extraction from PDF attachments (pypdf), then indexing."""

import logging

from django.db import transaction
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from quartiers.core import jobs
from quartiers.resources.models import Attachment

log = logging.getLogger(__name__)


@jobs.handler("resources.extract_pdf")
def extract_pdf(job):
    from quartiers.resources.services import refresh_extracted_text

    attachment = Attachment.objects.select_related("document").filter(pk=job.params.get("attachment")).first()
    if attachment is None:
        raise jobs.JobError("La pièce jointe a été supprimée avant l'extraction de son texte.")
    try:
        with attachment.file.open("rb") as handle:
            reader = PdfReader(handle)
            if reader.is_encrypted:
                _failed(attachment, "PDF protégé par un mot de passe : texte non extrait.")
                raise jobs.JobError("Le PDF est protégé par un mot de passe : son texte ne peut pas être extrait.")
            pages = []
            total = len(reader.pages)
            for number, page in enumerate(reader.pages, start=1):
                pages.append(page.extract_text() or "")
                job.progress(number, total, message=f"Page {number} sur {total}")
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        log.warning("extraction PDF impossible (pièce jointe %s) : %s", attachment.pk, exc)
        _failed(attachment, "PDF illisible : texte non extrait.")
        raise jobs.JobError("Le PDF est illisible : son texte n'a pas pu être extrait.") from None
    text = "\n".join(p.strip() for p in pages if p.strip())
    with transaction.atomic():
        attachment.extracted_text = text
        attachment.extraction = Attachment.Extraction.DONE
        attachment.extraction_message = f"{len(pages)} page(s), {len(text)} caractères"
        attachment.save(update_fields=["extracted_text", "extraction", "extraction_message"])
        refresh_extracted_text(attachment.document)
    job.finish(result={"pages": len(pages), "caracteres": len(text)})


def _failed(attachment, message):
    Attachment.objects.filter(pk=attachment.pk).update(
        extraction=Attachment.Extraction.FAILED, extraction_message=message
    )
