import gzip
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quartiers.contracts import services
from quartiers.contracts.models import FundedPost

DATA = Path(services.__file__).resolve().parents[1] / "data"  # services is a package: the data is beside it


def _write(tmp_path, rows, name="postes_fonjep_test.json"):
    path = tmp_path / name
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


ROWS = [
    {"id_poste": "D1", "raison_sociale": "ASSO A", "montant": 7164, "annee": "2025", "code_cv": "CN06207M"},
    {"id_poste": "D1", "raison_sociale": "ASSO A", "montant": 7164, "annee": "2025", "code_cv": "CN06207M"},
    {"id_poste": "D2", "raison_sociale": "ASSO B", "montant": 3582, "annee": "2025", "code_cv": "CN06207M"},
    {"id_poste": "D2", "raison_sociale": "ASSO B", "montant": 3582, "annee": "2025", "code_cv": "CN05908M"},
    {"id_poste": "D3", "raison_sociale": "SANS CONTRAT", "montant": 7164, "annee": "2025"},
    {"id_poste": "D4", "raison_sociale": "ASSO C", "montant": "beaucoup", "annee": "2025", "code_cv": "CN06207M"},
]


def test_import_command_is_idempotent_and_reports(db, tmp_path):
    path = _write(tmp_path, ROWS)
    out = StringIO()
    call_command("import-postes", str(path), stdout=out)
    report = out.getvalue()
    assert "4 poste(s) créé(s), 0 mis à jour, 2 rejeté(s)." in report
    assert "poste D3 sans code de contrat de ville" in report
    assert "poste D4 : montant ou année non numérique" in report
    assert set(FundedPost.objects.values_list("programme", flat=True)) == {"fonjep"}
    out = StringIO()
    call_command("import-postes", str(path), stdout=out)
    assert "0 poste(s) créé(s), 4 mis à jour" in out.getvalue()
    sums = {row["structure"]: (row["posts"], row["total"]) for row in services.posts_by_structure("CN06207M")}
    # The repeated D1 row is kept as in the source; D2 is counted once per contract.
    assert sums == {"ASSO A": (2, Decimal(14328)), "ASSO B": (1, Decimal(3582))}


def test_import_rejects_an_unreadable_file(db, tmp_path):
    path = tmp_path / "postes.json"
    path.write_text("id;nom\n1;x", encoding="utf-8")
    with pytest.raises(CommandError, match="pas un JSON valide"):
        call_command("import-postes", str(path), "--programme", "adultes_relais")
    assert not FundedPost.objects.exists()


def test_bundled_files_import(db):
    """The real ANCT 2025 files shipped in quartiers/contracts/data (see its README)."""
    for programme, name in [
        ("adultes_relais", "postes_adultes_relais_2025.json.gz"),
        ("fonjep", "postes_fonjep_2025.json.gz"),
    ]:
        rows = json.loads(gzip.decompress((DATA / name).read_bytes()))
        report = services.import_posts(rows, programme)
        assert report.created + len(report.rejected) == len(rows)
    assert FundedPost.objects.filter(programme="adultes_relais").count() == 4753
    calais = services.posts_by_structure("CN06207M")
    assert calais and all(row["total"] > 0 for row in calais)


def test_load_reference_loads_both_files(db):
    from quartiers.contracts.demo import load_reference

    out = StringIO()
    load_reference(out)
    assert "adultes_relais" in out.getvalue() and "fonjep" in out.getvalue()
    assert FundedPost.objects.filter(programme="fonjep").exists()
