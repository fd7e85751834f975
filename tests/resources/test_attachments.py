"""Attachments: type read from the content, size limit, extraction job, download counter."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quartiers.core import filetypes
from quartiers.core.models import Job
from quartiers.resources import services
from quartiers.resources.models import Attachment, Document
from tests.resources.helpers import EXE_BYTES, PNG_BYTES, attach_pdf, calais_document, make_document, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def _zip(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})


@pytest.mark.parametrize(
    "content, kind",
    [(pdf_bytes(), "PDF"), (PNG_BYTES, "PNG"), (DOCX, "Word"), (XLSX, "Excel"), (ODT, "OpenDocument texte")],
)
def test_type_is_read_from_the_content(content, kind):
    assert filetypes.check_upload(upload("sans-extension", content)).kind == kind


def test_an_exe_named_pdf_is_refused_and_nothing_is_written():
    doc = make_document("Note")
    with pytest.raises(ValidationError, match="n'est pas d'un format accepté"):
        services.add_attachment(doc, upload("rapport.pdf", EXE_BYTES, "application/pdf"), None)
    assert not Attachment.objects.exists()
    assert not Job.objects.exists()


def test_a_plain_zip_is_not_an_office_file():
    with pytest.raises(ValidationError):
        filetypes.check_upload(upload("tableau.xlsx", _zip({"data.csv": "a;b"})))


def test_size_limit_has_a_french_message(settings):
    settings.RESOURCES_MAX_ATTACHMENT_SIZE = 1024
    with pytest.raises(ValidationError, match="la taille maximale est de 1,0"):
        filetypes.check_upload(upload("gros.pdf", pdf_bytes() + b"0" * 2048))


def test_real_content_gives_the_extension():
    doc = make_document("Note")
    attachment = services.add_attachment(doc, upload("compte-rendu.docx", pdf_bytes(), "application/msword"), None)
    assert (attachment.name, attachment.kind, attachment.mime_type) == ("compte-rendu.pdf", "PDF", "application/pdf")


def test_pdf_text_is_extracted_by_a_job_then_searchable(run_jobs):
    doc = make_document("Compte rendu de la rencontre")
    assert list(Document.objects.search("proximité")) == []
    attachment = attach_pdf(doc, text="Diagnostics en marchant et gestion urbaine de proximite")
    assert attachment.extraction == Attachment.Extraction.PENDING
    assert run_jobs() == 1
    attachment.refresh_from_db()
    assert attachment.extraction == Attachment.Extraction.DONE
    assert "Diagnostics en marchant" in attachment.extracted_text
    assert [d.pk for d in Document.objects.search("diagnostic marchant")] == [doc.pk]
    assert Job.objects.get().status == Job.Status.DONE


def test_a_broken_pdf_fails_the_job_with_a_french_message(run_jobs):
    doc = make_document("Note")
    services.add_attachment(doc, upload("casse.pdf", b"%PDF-1.4\n garbage garbage"), None)
    run_jobs()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "illisible" in job.message
    assert Attachment.objects.get().extraction == Attachment.Extraction.FAILED


def test_download_streams_the_file_and_counts(client):
    doc = make_document("Public")
    attachment = services.add_attachment(doc, upload("plan.png", PNG_BYTES, "image/png"), None)
    url = reverse("resources:download", args=[doc.pk, attachment.pk])
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG_BYTES
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    attachment.refresh_from_db()
    assert attachment.download_count == 2


def test_download_of_a_reserved_document_needs_login(client):
    doc = make_document("Réservé", public=False)
    attachment = services.add_attachment(doc, upload("plan.png", PNG_BYTES, "image/png"), None)
    response = client.get(reverse("resources:download", args=[doc.pk, attachment.pk]))
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.download_count == 0


def test_upload_page_refuses_a_disguised_exe(world, login):
    doc = calais_document(world, title="Document de Calais")
    client = login(world.users["chef"])
    response = client.post(reverse("resources:attachment_add", args=[doc.pk]), {"file": upload("note.pdf", EXE_BYTES)})
    assert response.status_code == 400
    assert "n&#x27;est pas d&#x27;un format accepté" in response.content.decode()
    assert not doc.attachments.exists()


def test_document_page_shows_size_type_and_counter(world, client):
    doc = make_document("Public")
    services.add_attachment(doc, upload("plan.png", PNG_BYTES, "image/png"), None)
    page = client.get(doc.get_absolute_url()).content.decode()
    assert "plan.png" in page and "PNG" in page and "octets" in page
