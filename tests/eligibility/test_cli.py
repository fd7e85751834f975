"""`quartiers eligibilite IN.csv -o OUT.csv`."""

import csv
import io
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.usefixtures("outlines", "stub_geocoder")


def _run(tmp_path, content, *args, name="in.csv"):
    source = tmp_path / name
    source.write_bytes(content)
    target = tmp_path / "out.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command("eligibilite", str(source), "-o", str(target), *args, stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    return rows, out.getvalue(), err.getvalue()


def test_detects_columns_and_writes_every_input_column(tmp_path):
    content = "Nom;Adresse1;Code postal;Ville\r\nDupont;12 rue du Carré;99100;Testville\r\nMoreau;;;\r\n"
    rows, out, err = _run(tmp_path, content.encode("cp1252"))
    assert rows[0]["Nom"] == "Dupont" and rows[0]["qpv_code"] == "QNTEST01" and rows[0]["generation"] == "2024"
    assert rows[1]["statut"] == "adresse_vide"
    assert "2 lignes : 1 en QPV" in out
    assert "adresse = « Adresse1 »" in err and "code_postal = « Code postal »" in err
    assert "100.0 % — 2 lignes, 1 en QPV" in err  # progress bar on stderr
    assert not (tmp_path / "out.csv.part").exists()


def test_xlsx_input(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Adresse", "CP"])
    wb.active.append(["12 rue du Carré", 99100])
    buffer = io.BytesIO()
    wb.save(buffer)
    rows, out, err = _run(tmp_path, buffer.getvalue(), name="liste.xlsx")
    assert rows[0]["CP"] == "99100" and rows[0]["qpv_code"] == "QNTEST01"
    assert "100.0 % — 1 lignes" in err


def test_trailing_separators_are_not_ragged_rows(tmp_path):
    rows, _, _ = _run(tmp_path, b"adresse;cp;\n12 rue du Carre;99100;;\n12 rue du Carre;99100;;en trop\n")
    assert rows[0]["statut"] == "ok" and rows[0]["qpv_code"] == "QNTEST01"
    assert rows[1]["statut"] == "ligne_irreguliere"


def test_column_options_and_generation(tmp_path):
    content = b"rue,nb,zip\nrue du Carre,12,99100\n"
    rows, _, _ = _run(
        tmp_path, content, "--adresse", "rue", "--numero", "nb", "--code-postal", "zip", "--generation", "2015"
    )
    assert rows[0]["qpv_code"] == "QPTEST01" and rows[0]["generation"] == "2015"


@pytest.mark.parametrize(
    "content, args, message",
    [
        (b"", (), "Le fichier est vide."),
        (b"a;b\n1;2\n", (), "Aucune colonne d'adresse reconnue"),
        (b"adresse\n1 rue\n", ("--commune", "ville"), "Colonne « ville » absente"),
        (b"adresse\n1 rue\n", ("--generation", "2031"), "Géographie 2031 non chargée"),
    ],
)
def test_bad_input(tmp_path, content, args, message):
    with pytest.raises(CommandError, match=message):
        _run(tmp_path, content, *args)
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_line_midway_leaves_no_result(tmp_path):
    content = b"adresse\n12 rue du Carre\n" * 5 + b'"jamais ferme\n' + b"x" * 1_100_000
    with pytest.raises(CommandError, match="illisible.*Aucun résultat"):
        _run(tmp_path, content)
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.csv.part").exists()


def test_streams_large_files_in_constant_memory(tmp_path, monkeypatch):
    from quartiers.eligibility import files

    # The encoding check reads blocks of CHUNK bytes: make it small so the files are many blocks long.
    monkeypatch.setattr(files, "CHUNK", 256 * 1024)
    line = "Dupont;12 rue du Carré;99100;Testville;" + "commentaire " * 40 + "\n"

    def peak_for(rows):
        source = tmp_path / f"gros-{rows}.csv"
        with open(source, "w", encoding="utf-8") as fh:
            fh.write("nom;adresse;cp;ville;note\n")
            fh.writelines(line for _ in range(rows))
        tracemalloc.start()
        call_command(
            "eligibilite",
            str(source),
            "-o",
            str(tmp_path / "out.csv"),
            "--sans-progression",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return source.stat().st_size, peak

    small_size, small_peak = peak_for(2_000)
    assert small_size * 4 > 4_000_000
    big_size, big_peak = peak_for(8_000)
    assert big_size >= 4 * small_size - 1000
    assert big_peak < small_peak * 1.3, (small_peak, big_peak)  # memory does not grow with the file
