"""Files as they arrive (issue 12 §4): title rows above the header row, stray NUL bytes, in the formats French
administrations produce (CP1252 with `;`, UTF-8 with BOM, decimal commas, XLSX). Every file here is built
byte for byte as those tools write it."""

import io

import pytest
from openpyxl import Workbook

from quartiers.core.tabular import TabularError, find_header, parse_decimal, read_table

TITLE = "Liste des adresses — 2024"


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Adresses"
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_with_title_and_blank_row_before_header():
    data = xlsx_bytes(
        [
            (TITLE,),
            (),
            ("Nom", "Adresse", "Code postal", "Commune", "Montant"),
            ("Dupont", "12 rue de la Paix", "62100", "Calais", 1234.5),
            ("Lefèvre", "3 quai du Commerce", "59140", "Dunkerque", 80),
        ]
    )
    table = read_table(data, filename="adresses.xlsx")
    assert table.headers == ["Nom", "Adresse", "Code postal", "Commune", "Montant"]
    assert table.header_line == 3
    rows = list(table.rows())
    assert [(number, row["Nom"], row["Montant"]) for number, row, _ in rows] == [
        (4, "Dupont", "1234.5"),
        (5, "Lefèvre", "80"),
    ]
    assert table.notes() == [f"En-têtes lus à la ligne 3 : ligne(s) de titre ignorée(s) (« {TITLE} »)."]


def test_cp1252_csv_with_title_rows_and_decimal_commas():
    text = (
        f"{TITLE};;;\r\n"
        "Préfecture du Pas-de-Calais;;;\r\n"
        ";;;\r\n"
        "Bénéficiaire;Adresse;Code postal;Montant (€)\r\n"
        "Association Léo;10 bis rue Royale;62100;1 234,50\r\n"
        "Café solidaire;12 rue Victor Hugo;62100;15,5\r\n"
    )
    table = read_table(text.encode("cp1252"), filename="export.csv")
    assert table.encoding == "cp1252" and table.delimiter == ";"
    assert table.headers == ["Bénéficiaire", "Adresse", "Code postal", "Montant (€)"]
    assert table.header_line == 4
    amounts = [parse_decimal(row["Montant (€)"]) for _n, row, _r in table.rows()]
    assert [str(a) for a in amounts] == ["1234.50", "15.5"]
    assert "Préfecture du Pas-de-Calais" in table.notes()[0]


def test_utf8_bom_comma_csv_with_a_title_line():
    text = "\ufeffExtraction du 03/02/2025\r\ncode_qp,lib_qp,population\r\nQN06253M,Fort Nieulay,3120\r\n"
    table = read_table(text.encode("utf-8"), filename="qpv.csv")
    assert table.delimiter == "," and table.encoding == "utf-8-sig"
    assert table.headers == ["code_qp", "lib_qp", "population"]
    assert [row["lib_qp"] for _n, row, _r in table.rows()] == ["Fort Nieulay"]


def test_csv_with_nul_bytes_is_read_and_the_nuls_counted():
    # Some exports sprinkle NULs (fixed-width padding) and pad the end of the file with them.
    raw = "Nom;Adresse;CP\r\nDupont;12 rue\x00 de la Paix;62100\r\nMartin\x00\x00;3 quai;59140\r\n".encode("cp1252")
    raw += b"\x00" * 40
    table = read_table(raw, filename="export.csv")
    assert table.nul_bytes == 43
    assert [row["Adresse"] for _n, row, _r in table.rows()] == ["12 rue de la Paix", "3 quai"]
    assert [row["Nom"] for _n, row, _r in table.rows()] == ["Dupont", "Martin"]
    assert table.notes() == ["Octets nuls (NUL) supprimés du fichier : 43."]


def test_header_row_can_be_chosen():
    text = "Titre\r\nNom;Adresse\r\nDupont;12 rue\r\n"
    table = read_table(text.encode(), header_line=2)
    assert table.headers == ["Nom", "Adresse"]
    with pytest.raises(TabularError, match="ligne d'en-têtes choisie \\(9\\) n'existe pas"):
        read_table(text.encode(), header_line=9)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Le fichier est vide"),
        (b"\x00\x01\x02binaire" * 10, "n'est pas un fichier texte"),
        (b"\x00" * 500, "n'est pas un fichier texte"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Ancien format Excel"),
        (b'a;b\r\n"jamais ferme\r\n' + b"x" * 1_100_000, "illisible"),
    ],
)
def test_bad_input_is_still_refused(data, message):
    with pytest.raises(TabularError, match=message):
        read_table(data, filename="x.csv")


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["a", "b", "c"], ["1", "2", "3"]], 0),
        ([["Titre"], [], ["a", "b", "c"], ["1", "2", "3"]], 2),
        ([["adresse"], ["12 rue"], ["3 quai"]], 0),  # one column: the first row
        ([[], ["adresse"], ["12 rue"]], 1),
        ([["Total", "", ""], ["2024", "12", "3"], ["a", "b", "c"], ["1", "2", "3"]], 2),  # numbers are not headers
    ],
)
def test_find_header(rows, expected):
    assert find_header(rows) == expected


def test_plain_file_unchanged():
    table = read_table("a;b\r\n1;2\r\n".encode("cp1252"))
    assert table.headers == ["a", "b"] and table.header_line == 1 and table.notes() == []
