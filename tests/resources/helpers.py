"""Test data of the resource library (test fixtures, not reference data)."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.resources import services
from quartiers.resources.models import Attachment, Digest, DigestItem, Document, Theme


def make_document(title="Document de test", text="", summary="", public=True, world=None, themes=(), **fields):
    fields.setdefault("date", datetime.date(2019, 1, 25))
    doc = Document.objects.create(title=title, text=text, summary=summary, public=public, **fields)
    for slug in themes:
        theme, _ = Theme.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").capitalize()})
        doc.themes.add(theme)
    services.reindex_document(doc)
    return doc


def calais_document(world, **fields):
    """A document of the CA Grand Calais Terres et Mers (the chef de projet's territory)."""
    fields.setdefault("author_organisation", world.orgs["agglo"])
    doc = make_document(**fields)
    doc.communes.add(world.calais)
    return doc


def pdf_bytes(text="Gestion urbaine de proximité"):
    """A real one-page PDF whose text layer contains `text` (built with pypdf, no external tool)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 72 770 Td (" + escaped.encode("cp1252") + b") Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach_pdf(doc, text="Gestion urbaine de proximité", name="note.pdf"):
    return services.add_attachment(doc, upload(name, pdf_bytes(text), "application/pdf"), None)


def attach_png(doc):
    return services.add_attachment(doc, upload("image.png", PNG_BYTES, "image/png"), None)


def make_digest(world=None, public=True, slug="actualite-pdv", author="irev"):
    digest, _ = Digest.objects.get_or_create(
        slug=slug,
        defaults={
            "title": "Point d'actualité politique de la ville",
            "public": public,
            "author_organisation": world.orgs[author] if world else None,
        },
    )
    DigestItem.objects.get_or_create(
        digest=digest,
        date=datetime.date(2019, 1, 25),
        title="Rencontre du réseau du Littoral",
        defaults={"text": "Brève."},
    )
    return digest


__all__ = ["Attachment"]
