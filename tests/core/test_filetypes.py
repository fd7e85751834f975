import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

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


# ---- the one upload rule (issue 12 §1 « uploads »): zip bombs, linked workbooks, type by content ----

XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/></Types>'
)


def zip_bomb_xlsx(megabytes=30):
    """A real XLSX-shaped zip whose sheet inflates from ~30 kB to `megabytes` Mo of zeros (ratio ~1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", XLSX_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return buffer.getvalue()


def linked_xlsx():
    """A workbook made by openpyxl, with the external-link parts Excel writes for « =[budget.xlsx]Feuil1!A1 »."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["adresse", "cp"])
    wb.active.append(["12 rue de la Paix", "62100"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
            "</externalLink>",
        )
        target.writestr(
            "xl/externalLinks/_rels/externalLink1.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'externalLinkPath" Target="file:///\\\\serveur\\partage\\budget.xlsx" TargetMode="External"/>'
            "</Relationships>",
        )
    return out.getvalue()


def test_zip_bomb_is_refused_with_a_french_message():
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError, match="bombe de décompression"):
        filetypes.check_upload(SimpleUploadedFile("adresses.xlsx", bomb), purpose="tableau")
    assert filetypes.sniff(io.BytesIO(bomb)) is None  # every caller of sniff refuses it too


def test_workbook_with_external_links_is_refused():
    linked = linked_xlsx()
    with pytest.raises(ValidationError, match="liaisons externes"):
        filetypes.check_upload(SimpleUploadedFile("adresses.xlsx", linked), purpose="tableau")
    with pytest.raises(ValidationError, match="liaisons externes"):
        filetypes.check_upload(SimpleUploadedFile("budget.xlsx", linked))  # a library document too
    assert filetypes.sniff(io.BytesIO(linked)) is None


def test_tables_are_recognised_by_content_not_name():
    csv_named_dat = SimpleUploadedFile("export.dat", "adresse;cp\r\n12 rue;62100\r\n".encode("cp1252"))
    assert filetypes.check_upload(csv_named_dat, purpose="tableau") is filetypes.TEXT
    pdf_named_csv = SimpleUploadedFile("adresses.csv", b"%PDF-1.7\n...")
    with pytest.raises(ValidationError, match="n'est pas un fichier texte"):
        filetypes.check_upload(pdf_named_csv, purpose="tableau")
    gpkg = SimpleUploadedFile("qpv.gpkg", b"SQLite format 3\x00" + b"\x00" * 100)
    assert filetypes.check_upload(gpkg, purpose="import") is filetypes.GEOPACKAGE


def test_one_table_of_limits(settings):
    assert filetypes.max_size("tableau") == 50 * 1024 * 1024
    settings.UPLOAD_MAX_TABLE_MB = 2
    assert filetypes.max_size("tableau") == 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="taille maximale"):
        filetypes.check_upload(SimpleUploadedFile("a.csv", b"a\n" * 1_100_000), purpose="tableau")


# ---- every upload page applies it ----


def test_eligibility_batch_refuses_bomb_and_links_and_keeps_nothing(client, world, settings, tmp_path):
    from quartiers.eligibility import batch

    settings.MEDIA_ROOT = tmp_path  # its own folder: batches other tests leave in the shared one are not ours
    client.force_login(world.users["lecteur"])
    for content, message in ((zip_bomb_xlsx(), "bombe de décompression"), (linked_xlsx(), "liaisons externes")):
        response = client.post(reverse("eligibility:batch"), {"fichier": SimpleUploadedFile("a.xlsx", content)})
        assert response.status_code == 200 and message in response.content.decode()
    root = batch.root()
    assert not root.exists() or not any(root.iterdir())


def test_eligibility_batch_reads_the_type_from_the_content(client, world):
    client.force_login(world.users["lecteur"])
    csv_named_dat = SimpleUploadedFile("export.dat", "adresse;cp\r\n12 rue;62100\r\n".encode("cp1252"))
    assert client.post(reverse("eligibility:batch"), {"fichier": csv_named_dat}).status_code == 302


def test_territory_import_page_refuses_a_bomb(client, world):
    from quartiers.core.models import Job

    client.force_login(world.users["admin"])
    upload = SimpleUploadedFile("indicateurs.xlsx", zip_bomb_xlsx())
    response = client.post(reverse("territories:import"), {"kind": "indicateurs", "fichier": upload})
    assert response.status_code == 200 and "bombe de décompression" in response.content.decode()
    assert not Job.objects.exists()


def test_meeting_attachment_refuses_a_linked_workbook(world, login, settings, tmp_path):
    from quartiers.network.models import MeetingAttachment
    from tests.network.helpers import make_meeting

    settings.MEDIA_ROOT = tmp_path
    meeting = make_meeting(world)
    # The network's animator adds the meeting's attachments (issue 12: not its member chefs de projet).
    response = login(world.users["animateur"]).post(
        reverse("network:attachment_add", args=[meeting.pk]),
        {"title": "", "file": SimpleUploadedFile("budget.xlsx", linked_xlsx())},
    )
    assert "liaisons externes" in response.content.decode()
    assert not MeetingAttachment.objects.exists()
