import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.core import filetypes


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"%PDF-1.7\n...", filetypes.PDF),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 8, filetypes.PNG),
        (_zip({"[Content_Types].xml": "x", "word/document.xml": "x"}), filetypes.OOXML["word/"]),
        (
            _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
            filetypes.ODF["application/vnd.oasis.opendocument.spreadsheet"],
        ),
        (b"MZ\x90\x00 not a pdf", None),
        (_zip({"evil.exe": "MZ"}), None),
    ],
)
def test_sniff_reads_the_content(content, expected):
    assert filetypes.sniff(io.BytesIO(content)) == expected


def test_check_upload_refuses_an_exe_named_pdf_and_empty_and_big_files():
    with pytest.raises(ValidationError, match="n'est pas d'un format accepté"):
        filetypes.check_upload(SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00" * 10))
    with pytest.raises(ValidationError, match="est vide"):
        filetypes.check_upload(SimpleUploadedFile("vide.pdf", b""))
    with pytest.raises(ValidationError, match="taille maximale"):
        filetypes.check_upload(SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * 100), limit=50)
    old_office = SimpleUploadedFile("ancien.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 10)
    with pytest.raises(ValidationError):
        filetypes.check_upload(old_office)
    assert filetypes.check_upload(old_office, accepted={filetypes.OLD_OFFICE}) is filetypes.OLD_OFFICE


def test_safe_name_takes_the_real_extension():
    assert filetypes.safe_name("../../Compte rendu.docx", filetypes.PDF) == "Compte rendu.pdf"
