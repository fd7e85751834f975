"""What an uploaded file really is, read from its content (magic bytes, zip structure), never its name.

Shared by every module that accepts documents (resources, meeting attachments, contract evidence).
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

DEFAULT_MAX_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    kind: str  # short label shown to users
    mime_type: str
    extension: str


PDF = FileKind("PDF", "application/pdf", "pdf")
PNG = FileKind("PNG", "image/png", "png")
JPEG = FileKind("JPEG", "image/jpeg", "jpg")
GIF = FileKind("GIF", "image/gif", "gif")
WEBP = FileKind("WebP", "image/webp", "webp")
OOXML = {
    "word/": FileKind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": FileKind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": FileKind("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": FileKind(
        "OpenDocument texte", "application/vnd.oasis.opendocument.text", "odt"
    ),
    "application/vnd.oasis.opendocument.spreadsheet": FileKind(
        "OpenDocument tableur", "application/vnd.oasis.opendocument.spreadsheet", "ods"
    ),
    "application/vnd.oasis.opendocument.presentation": FileKind(
        "OpenDocument présentation", "application/vnd.oasis.opendocument.presentation", "odp"
    ),
}
OLD_OFFICE = FileKind("Office (ancien format)", "application/vnd.ms-office", "doc")
ACCEPTED = "PDF, Word, Excel, PowerPoint, OpenDocument (odt, ods, odp), images PNG, JPEG, GIF ou WebP"


def _zip_kind(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF.get(archive.read("mimetype").decode("ascii", "replace").strip())
            if "[Content_Types].xml" in names:
                for prefix, kind in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def sniff(fileobj):
    """The FileKind of an open binary file, or None if it is not an accepted format."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLD_OFFICE
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(fileobj)
        fileobj.seek(0)
        return kind
    return None


def check_upload(uploaded, limit=DEFAULT_MAX_SIZE, accepted=None):
    """Validate an UploadedFile: size first (cheap), then content. Returns its FileKind.

    `accepted`: the FileKinds allowed (default: all of the above but the old Office format)."""
    if uploaded.size > limit:
        raise ValidationError(
            f"Le fichier « {uploaded.name} » pèse {filesizeformat(uploaded.size)} : "
            f"la taille maximale est de {filesizeformat(limit)}."
        )
    if uploaded.size == 0:
        raise ValidationError(f"Le fichier « {uploaded.name} » est vide.")
    kind = sniff(uploaded)
    if kind is None or (kind not in accepted if accepted is not None else kind is OLD_OFFICE):
        raise ValidationError(
            f"Le contenu du fichier « {uploaded.name} » n'est pas d'un format accepté ({ACCEPTED}), "
            "quelle que soit son extension."
        )
    return kind


def safe_name(name, kind):
    """The uploaded name with the extension of its real content (a PDF named .docx becomes .pdf)."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base = stem.rsplit(".", 1)[0] if "." in stem else stem
    base = "".join(ch if ch.isalnum() or ch in " -_()" else "_" for ch in base).strip() or "fichier"
    return f"{base[:150]}.{kind.extension}"
