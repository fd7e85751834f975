"""Importers: official layouts, projections, repairs, French reports, atomicity, idempotence."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from shapely import wkb

from quartiers.territories import importers
from quartiers.territories.models import QPV, IndicatorValue
from quartiers.territories.signals import outlines_changed
from tests.world import build_geography

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def geography(db):
    return build_geography()


@pytest.fixture
def signals():
    received = []

    def receiver(sender, codes, **kwargs):
        received.append(codes)

    outlines_changed.connect(receiver)
    yield received
    outlines_changed.disconnect(receiver)


def test_gpkg_import_repairs_rejects_and_signals_after_commit(geography, signals, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    assert (report.created, report.updated) == (3, 0)
    assert [code for code, _ in report.rejected] == ["PASUNCODE"]
    assert any("QNTEST02 : contour invalide réparé" in note for note in report.notes)
    one = QPV.objects.get(code="QNTEST01")
    assert one.generation == 2024 and one.departement_id == "62" and one.epci_id == "200090751"
    assert list(one.communes.values_list("insee", flat=True)) == ["62193"]
    outline = wkb.loads(bytes(one.outline_wkb))
    assert outline.is_valid and outline.geom_type == "MultiPolygon"
    assert outline.bounds == pytest.approx((1.84, 50.94, 1.85, 50.95))
    assert one.outline_simplified["type"] in ("Polygon", "MultiPolygon") and not one.point_approx
    assert wkb.loads(bytes(QPV.objects.get(code="QNTEST02").outline_wkb)).is_valid
    three = QPV.objects.get(code="QNTEST03")
    assert three.outline_wkb is None and three.point_approx is False  # test Calais has no point
    assert signals == [["QNTEST01", "QNTEST02"]]


def test_gpkg_import_is_idempotent(geography, signals, django_capture_on_commit_callbacks):
    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    with django_capture_on_commit_callbacks(execute=True):
        report = importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    assert (report.created, report.updated) == (0, 3)
    assert QPV.objects.filter(code__startswith="QNTEST").count() == 3
    assert QPV.objects.get(code="QNTEST01").communes.count() == 1
    assert signals == []  # outlines unchanged: the spatial index need not rebuild


def test_lambert93_geojson_is_reprojected(geography):
    report = importers.import_qpv(FIXTURES / "qpv_test_lambert93.geojson")
    assert report.created == 1
    assert "Lambert-93" in " ".join(report.notes)
    qpv = QPV.objects.get(code="QPTEST01")
    assert qpv.generation == 2015 and qpv.nom == "Quartier de test en Lambert-93"
    minx, miny, maxx, maxy = wkb.loads(bytes(qpv.outline_wkb)).bounds
    assert (minx, miny, maxx, maxy) == pytest.approx((1.84, 50.94, 1.85, 50.95), abs=1e-6)  # ~0.1 m


def test_list_without_outlines_never_erases_an_outline(geography, tmp_path):
    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    csv = tmp_path / "liste.csv"
    csv.write_text("code_qp,lib_qp,departement,insee_com,lib_com\nQNTEST01,Quartier de test renommé,62,62193,Calais\n")
    report = importers.import_qpv(csv)
    assert report.updated == 1
    qpv = QPV.objects.get(code="QNTEST01")
    assert qpv.nom == "Quartier de test renommé" and qpv.outline_wkb is not None


def test_generation_mismatch_refuses_the_file_and_writes_nothing(geography):
    with pytest.raises(importers.ImportFailure, match="n'est pas un code de la géographie 2015"):
        importers.import_qpv(FIXTURES / "qpv_test.gpkg", generation=2015)
    assert not QPV.objects.filter(code__startswith="QNTEST").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "vide"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "GeoPackage"),
        (b'{"type":"FeatureCollection","crs":{"properties":{"name":"EPSG:3857"}},"features":[]}', "EPSG:3857"),
    ],
)
def test_unreadable_files_get_a_french_error(geography, tmp_path, content, message):
    path = tmp_path / "qpv.geojson"
    path.write_bytes(content)
    with pytest.raises(importers.ImportFailure, match=message):
        importers.import_qpv(path)


def test_unknown_departement_is_rejected_with_reason(db, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("code_qp,lib_qp,departement,insee_com\nQNTEST09,Quartier de test,99,99999\n")
    with pytest.raises(importers.ImportFailure, match="import-territoires"):
        importers.import_qpv(path)


def test_import_qpv_command_prints_a_french_report(geography, capsys):
    call_command("import-qpv", str(FIXTURES / "qpv_test.gpkg"))
    out = capsys.readouterr().out
    assert "QPV : 3 créé(s), 0 mis à jour, 1 rejeté(s)." in out
    assert "rejeté PASUNCODE : code QPV absent ou invalide" in out
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import-qpv", "/nulle/part.gpkg")
    with pytest.raises(CommandError, match="soit un FICHIER, soit --officiel"):
        call_command("import-qpv")


def test_indicators_cp1252_decimal_commas_and_secret(geography):
    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    report = importers.import_indicateurs(FIXTURES / "indicateurs_test_cp1252.csv", source_label="Fichier de test")
    assert report.created == 2
    reasons = dict(report.rejected)
    assert "« abc » n'est pas un nombre" in reasons["ligne 4 (QNTEST03)"]
    assert "QNINCONNU inconnu" in reasons["ligne 5"]
    values = {(v.indicator.code, v.code): v for v in IndicatorValue.objects.select_related("indicator")}
    assert values[("pop_mun", "QNTEST01")].valeur == 1234
    assert QPV.objects.get(code="QNTEST01").population == 1234
    assert str(values[("tp60", "QNTEST01")].valeur) == "43.9000"
    assert str(values[("decuc_q2", "QNTEST02")].valeur) == "9870.5000"
    assert values[("tx_f_empl", "QNTEST01")].secret and values[("tx_f_empl", "QNTEST01")].valeur is None
    assert values[("tp60", "QNTEST02")].secret
    assert not any(code == "QNTEST03" for _i, code in values)  # nothing half-written for a rejected row
    assert values[("pop_mun", "QNTEST01")].indicator.additionnable
    assert not values[("tp60", "QNTEST01")].indicator.additionnable


def test_indicators_xlsx_and_idempotence(geography, tmp_path):
    from openpyxl import Workbook

    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    wb = Workbook()
    wb.active.append(["codgeo", "pop_mun"])
    wb.active.append(["QNTEST01", 100])
    wb.active.append(["62193", 67000])
    path = tmp_path / "indicateurs.xlsx"
    wb.save(path)
    importers.import_indicateurs(path)
    report = importers.import_indicateurs(path)
    assert report.created == 2
    assert IndicatorValue.objects.filter(indicator__code="pop_mun").count() == 2
    assert IndicatorValue.objects.get(level="commune", code="62193").valeur == 67000


def test_indicators_without_code_column(geography, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("nom;valeur\nA;1\n")
    with pytest.raises(importers.ImportFailure, match="Colonne de code introuvable"):
        importers.import_indicateurs(path)


def test_import_territoires_small_tree_is_idempotent(db, tmp_path):
    (tmp_path / "regions.json").write_text(json.dumps([{"code": "32", "nom": "Hauts-de-France"}]))
    deps = [{"code": "62", "nom": "Pas-de-Calais", "region": "32"}, {"code": "75", "nom": "Paris", "region": "11"}]
    (tmp_path / "departements.json").write_text(json.dumps(deps))
    import gzip

    with gzip.open(tmp_path / "epci.json.gz", "wt") as fh:
        json.dump(
            [{"code": "200090751", "nom": "CA Grand Calais Terres et Mers", "type": "CA", "membres": ["62193"]}], fh
        )
    commune = {"code": "62193", "nom": "Calais", "type": "commune-actuelle", "departement": "62", "siren": "216201939"}
    with gzip.open(tmp_path / "communes.json.gz", "wt") as fh:
        json.dump([commune, {**commune, "code": "75056", "departement": "75"}], fh)
    first = importers.import_territoires(tmp_path)
    assert [(r.created, r.updated, len(r.rejected)) for r in first[:4]] == [(1, 0, 0), (1, 0, 1), (1, 0, 0), (1, 0, 1)]
    second = importers.import_territoires(tmp_path)
    assert [(r.created, r.updated) for r in second[:4]] == [(0, 1), (0, 1), (0, 1), (0, 1)]
    from quartiers.territories.models import Commune

    assert Commune.objects.get(insee="62193").epci_id == "200090751"


def test_import_indicateurs_command_with_vintage(geography, capsys):
    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    call_command("import-indicateurs", str(FIXTURES / "indicateurs_test_cp1252.csv"), "--annee", "2020")
    out = capsys.readouterr().out
    assert "Indicateurs (4 colonnes) : 2 créé(s)" in out and "sous secret statistique" in out
    assert IndicatorValue.objects.get(indicator__code="tp60", code="QNTEST01").millesime == 2020
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import-indicateurs", "/nulle/part.csv")


def test_2015_national_layout_without_insee_codes_and_zipped(geography, tmp_path):
    """The 2015 national file has CODE_QP, NOM_QP, COMMUNE_QP only: département from the code, commune by name."""
    import zipfile

    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"CODE_QP": "QP062T01", "NOM_QP": "Quartier de test national", "COMMUNE_QP": "CALAIS"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[1.84, 50.94], [1.85, 50.94], [1.85, 50.95], [1.84, 50.94]]],
                },
            }
        ],
    }
    path = tmp_path / "qp2015.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("QP_METROPOLE_TEST.geojson", json.dumps(doc))
    report = importers.import_qpv(path)
    assert report.created == 1, report
    qpv = QPV.objects.get(code="QP062T01")
    assert qpv.departement_id == "62" and list(qpv.communes.values_list("insee", flat=True)) == ["62193"]
    assert importers.departement_from_code("QP02A001") == "2A"
    assert importers.departement_from_code("QN97101M") == "971"


def test_import_territoires_reads_the_official_package_layout(db, tmp_path):
    """`@etalab/decoupage-administratif` as published: plain .json, members as objects, extra fields."""
    (tmp_path / "regions.json").write_text(json.dumps([{"code": "32", "nom": "Hauts-de-France", "zone": "metro"}]))
    (tmp_path / "departements.json").write_text(json.dumps([{"code": "62", "nom": "Pas-de-Calais", "region": "32"}]))
    epci = {"code": "200090751", "nom": "CA Grand Calais Terres et Mers", "type": "CA", "populationMunicipale": 1,
            "membres": [{"code": "62193", "siren": "216201939", "nom": "Calais"}]}  # fmt: skip
    (tmp_path / "epci.json").write_text(json.dumps([epci]))
    communes = [
        {"code": "62193", "nom": "Calais", "type": "commune-actuelle", "departement": "62", "region": "32",
         "siren": "216201939", "codesPostaux": ["62100"], "population": 1},
        {"code": "62999", "nom": "Ancienne commune de test", "type": "commune-deleguee", "departement": "62",
         "chefLieu": "62193"},
    ]  # fmt: skip
    (tmp_path / "communes.json").write_text(json.dumps(communes))
    reports = importers.import_territoires(tmp_path)
    assert reports[3].created == 1
    from quartiers.territories.models import Commune

    calais = Commune.objects.get(insee="62193")
    assert calais.epci_id == "200090751" and calais.codes_postaux == ["62100"]
    assert not Commune.objects.filter(insee="62999").exists()


def test_qpv_list_report_says_what_the_reader_fixed(geography, tmp_path, capsys):
    """A QPV list exported with a title row and stray NUL bytes is read, and the report says so."""
    path = tmp_path / "liste.csv"
    path.write_bytes(
        "Liste des quartiers prioritaires — 2024\n\n"
        "code_qp;lib_qp;departement;insee_com;lib_com\n"
        "QNTEST01;Quartier de test\x00;62;62193;Calais\x00\n".encode()
    )
    call_command("import-qpv", str(path))
    out = capsys.readouterr().out
    assert "QPV : 1 créé(s)" in out
    assert (
        "En-têtes lus à la ligne 3 : ligne(s) de titre ignorée(s) (« Liste des quartiers prioritaires — 2024 »)." in out
    )
    assert "Octets nuls (NUL) supprimés du fichier : 2." in out
    assert QPV.objects.get(code="QNTEST01").nom == "Quartier de test"


def test_indicators_report_says_what_the_reader_fixed(geography, tmp_path, capsys):
    path = tmp_path / "indicateurs.csv"
    path.write_bytes(b"Indicateurs INSEE 2019\ncodgeo;pop_mun\n62193;67\x00000\n")
    call_command("import-indicateurs", str(path))
    out = capsys.readouterr().out
    assert "Indicateurs (1 colonnes) : 1 créé(s)" in out
    assert "En-têtes lus à la ligne 2 : ligne(s) de titre ignorée(s) (« Indicateurs INSEE 2019 »)." in out
    assert "Octets nuls (NUL) supprimés du fichier : 1." in out
    assert IndicatorValue.objects.get(level="commune", code="62193").valeur == 67000
