"""The one upload rule: what an uploaded file really is, read from its content (magic bytes, zip structure),
never its name; how big it may be; which archives are refused.

Shared by every page that accepts a file (eligibility batch, territory imports, resources, meeting
attachments, contract evidence):

    kind = check_upload(uploaded, purpose="tableau")   # ValidationError with a French message, or the FileKind
    max_size("tableau")                                 # the limit, in bytes, from the one table below

Archives (XLSX, DOCX, ODS… are zip files) are opened only far enough to read their table of contents:
a zip bomb (absurd uncompressed size or compression ratio) and an Excel workbook with external links
(`xl/externalLinks/` parts, which make Excel fetch other files) are refused with a clear French message.
"""

import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MB = 1024 * 1024
DEFAULT_MAX_SIZE = 20 * MB
# The upload limits, per purpose: (setting in Mo that overrides it, default in Mo).
LIMITS = {
    "document": ("UPLOAD_MAX_DOCUMENT_MB", 20),  # documents of the library
    "piece_jointe": ("UPLOAD_MAX_ATTACHMENT_MB", 10),  # meeting attachments, contract evidence
    "photo": ("UPLOAD_MAX_PHOTO_MB", 10),  # photos of GUP reports (each)
    "membres": ("UPLOAD_MAX_MEMBERS_MB", 2),  # member lists of the network's directory
    "tableau": ("UPLOAD_MAX_TABLE_MB", 50),  # address files of the eligibility batch
    "import": ("UPLOAD_MAX_IMPORT_MB", 200),  # official reference files (QPV outlines, indicators)
}
# Settings that said the same before this table; still honoured.
LEGACY_SETTINGS = {"tableau": ("GEOCODING_MAX_UPLOAD_MB", MB), "document": ("RESOURCES_MAX_ATTACHMENT_SIZE", 1)}
# Zip archives: refused beyond this uncompressed size, or beyond this ratio once past RATIO_FROM bytes.
MAX_UNCOMPRESSED = 1024 * MB
MAX_RATIO = 200
RATIO_FROM = 20 * MB
MAX_MEMBERS = 10_000
BINARY_BYTES = re.compile(rb"[\x01-\x08\x0e-\x19\x1b-\x1f]")


def limit_text(purpose="document"):
    """The limit of this purpose as forms say it (« 10 Mo »): help texts read it here, never hard-code it."""
    return f"{max_size(purpose) // MB} Mo"


def max_size(purpose="document"):
    """The upload limit of this purpose, in bytes."""
    legacy = LEGACY_SETTINGS.get(purpose)
    if legacy and getattr(settings, legacy[0], None):
        return int(getattr(settings, legacy[0]) * legacy[1])
    name, default_mb = LIMITS[purpose]
    return int(getattr(settings, name, default_mb) * MB)


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
TEXT = FileKind("CSV ou texte", "text/csv", "csv")
GEOPACKAGE = FileKind("GeoPackage", "application/geopackage+sqlite3", "gpkg")
XLSX = OOXML["xl/"]
IMAGES = {JPEG, PNG, GIF, WEBP}
ACCEPTED = "PDF, Word, Excel, PowerPoint, OpenDocument (odt, ods, odp), images PNG, JPEG, GIF ou WebP"
TABLES = {TEXT, XLSX}
IMPORTS = {TEXT, XLSX, GEOPACKAGE}


def archive_problem(fileobj, name="Le fichier"):
    """A French sentence when a zip-based upload must be refused (zip bomb, external links), else ""."""
    fileobj.seek(0)
    if fileobj.read(4) != b"PK\x03\x04":
        fileobj.seek(0)
        return ""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return ""  # not a readable archive: the content check refuses it
    finally:
        fileobj.seek(0)
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if (
        len(members) > MAX_MEMBERS
        or unpacked > MAX_UNCOMPRESSED
        or (unpacked > RATIO_FROM and unpacked / packed > MAX_RATIO)
    ):
        return (
            f"{name} est une archive dont le contenu décompressé serait démesuré ({filesizeformat(unpacked)} pour "
            f"{filesizeformat(packed)} compressés, {len(members)} éléments) : refusé par précaution "
            "(bombe de décompression). Enregistrez-le à nouveau depuis votre tableur ou traitement de texte."
        )
    if any(m.filename.startswith("xl/externalLinks/") for m in members):
        return (
            f"{name} est un classeur Excel lié à d'autres classeurs (liaisons externes) : refusé par sécurité. "
            "Dans Excel : Données › Modifier les liens › Rompre la liaison, enregistrez, puis déposez-le à nouveau."
        )
    return ""


def _looks_like_text(fileobj):
    fileobj.seek(0)
    head = fileobj.read(65536).replace(b"\x00", b"")  # stray NULs are dropped by the table reader
    fileobj.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16
    return not BINARY_BYTES.search(head)  # a blank file is text: the table reader says it is empty


def _zip_kind(fileobj):
    if archive_problem(fileobj):
        return None
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


def sniff(fileobj, text=False):
    """The FileKind of an open binary file, or None if it is not an accepted format (an archive refused by
    `archive_problem` included). With `text`, a text file (CSV, GeoJSON) is TEXT."""
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
    if head.startswith(b"SQLite format 3\x00"):
        return GEOPACKAGE if text else None
    if text and _looks_like_text(fileobj):
        return TEXT
    return None


def check_upload(uploaded, limit=None, accepted=None, purpose="document"):
    """Validate an UploadedFile: size first (cheap), then archive safety, then content. Returns its FileKind.

    `purpose`: a key of LIMITS (its limit unless `limit` is given; "tableau" and "import" accept text and
    spreadsheets); `accepted`: the FileKinds allowed (default: the documents above but the old Office format)."""
    limit = max_size(purpose) if limit is None else limit
    if accepted is None and purpose in ("tableau", "import"):
        accepted = TABLES if purpose == "tableau" else IMPORTS
    if uploaded.size > limit:
        raise ValidationError(
            f"Le fichier « {uploaded.name} » pèse {filesizeformat(uploaded.size)} : "
            f"la taille maximale est de {filesizeformat(limit)}."
        )
    if uploaded.size == 0:
        raise ValidationError(f"Le fichier « {uploaded.name} » est vide.")
    problem = archive_problem(uploaded, f"Le fichier « {uploaded.name} »")
    if problem:
        raise ValidationError(problem)
    kind = sniff(uploaded, text=accepted is not None and TEXT in accepted)
    if kind is None or (kind not in accepted if accepted is not None else kind is OLD_OFFICE):
        if accepted is not None and XLSX in accepted:
            raise ValidationError(_table_refusal(uploaded, kind))
        names = ", ".join(sorted(k.kind for k in accepted)) if accepted is not None else ACCEPTED
        raise ValidationError(
            f"Le contenu du fichier « {uploaded.name} » n'est pas d'un format accepté ({names}), "
            "quelle que soit son extension.",
            code="format",  # a caller may say it in its own words
        )
    return kind


def _table_refusal(uploaded, kind):
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    if kind is OLD_OFFICE:
        return (
            f"Format non reconnu : « {uploaded.name} » — Ancien format Excel (.xls) : enregistrez le fichier en "
            ".xlsx ou en CSV."
        )
    if head == b"PK\x03\x04":
        return f"« {uploaded.name} » n'est pas un classeur Excel (.xlsx) lisible."
    return (
        f"Le contenu du fichier « {uploaded.name} » n'est pas un fichier texte (CSV) ni un classeur Excel (.xlsx), "
        "quelle que soit son extension."
    )


def safe_name(name, kind):
    """The uploaded name with the extension of its real content (a PDF named .docx becomes .pdf)."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    base = stem.rsplit(".", 1)[0] if "." in stem else stem
    base = "".join(ch if ch.isalnum() or ch in " -_()" else "_" for ch in base).strip() or "fichier"
    return f"{base[:150]}.{kind.extension}"
