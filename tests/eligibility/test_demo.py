"""The eligibility demo on the real Occitanie QPV 2015 outlines (shipped reference data)."""

import csv
import gzip
import io
import json

import shapely
from django.core.management import call_command

from quartiers.eligibility import demo
from quartiers.geocoding import spatial
from quartiers.territories.models import QPV, Departement, Region
from quartiers.territories.signals import outlines_changed


def _load_occitanie_outlines(codes):
    from django.conf import settings

    path = settings.DATA_DIR / "qpv" / "qpv2015_occitanie.geojson"
    data = json.loads(gzip.open(path.with_suffix(".geojson.gz")).read() if not path.exists() else path.read_text())
    region, _ = Region.objects.get_or_create(code="76", defaults={"nom": "Occitanie"})
    for feature in data["features"]:
        props = feature["properties"]
        if props["code_qp"] not in codes:
            continue
        dep, _ = Departement.objects.get_or_create(
            code=props["code_departement"], defaults={"nom": "-", "region": region}
        )
        geom = shapely.from_geojson(json.dumps(feature["geometry"]))
        QPV.objects.create(
            code=props["code_qp"],
            nom=props["nom_qp"],
            generation=2015,
            departement=dep,
            outline_wkb=shapely.to_wkb(geom),
        )
    outlines_changed.send(sender=QPV)


def test_demo_without_outlines_skips_with_a_message(db):
    out = io.StringIO()
    demo.load_demo(out)
    assert "démonstration ignorée" in out.getvalue()


def test_demo_end_to_end(db, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    codes = {code for *_, qpvs in demo.COMMUNES for code in qpvs}
    _load_occitanie_outlines(codes)
    out = io.StringIO()
    demo.load_demo(out)
    demo.load_demo(out)  # idempotent
    text = out.getvalue()
    assert "est dans le QPV QP031007 « Grand Mirail » (géographie 2015)." in text
    assert "adresses FICTIVES" in text
    # A real point in Toulouse's Mirail (la Reynerie) is in Grand Mirail; the Mirail university is not.
    assert [m.code for m in spatial.locate(1.4007, 43.5732) if m.inside] == ["QP031007"]
    assert not [m for m in spatial.locate(1.4019, 43.5771) if m.inside]
    # The sample beneficiaries file runs through the CLI with the demo addresses.
    source = tmp_path / "exemple.csv"
    source.write_bytes(demo.sample_beneficiaries_csv())
    out_csv = str(tmp_path / "out.csv")
    # QPV 2024 is the default and the demo has no 2024 outlines: « indéterminé », never « hors QPV ».
    call_command("eligibilite", str(source), "-o", out_csv, stdout=io.StringIO(), stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig")), delimiter=";"))
    assert {r["statut"] for r in rows if r["type"] in ("numéro", "voie")} == {"contours_manquants"}
    # The demo's outlines are Occitanie 2015 (GUIDE, « demo geography »).
    args = ("--generation", "2015")
    call_command("eligibilite", str(source), "-o", out_csv, *args, stdout=io.StringIO(), stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig")), delimiter=";"))
    assert len(rows) == 31
    found = [r for r in rows if r["id_ban"]]
    assert len(found) >= 25
    assert sum(1 for r in rows if r["qpv_code"]) >= 5
    assert rows[-1]["statut"] == "adresse_vide"
