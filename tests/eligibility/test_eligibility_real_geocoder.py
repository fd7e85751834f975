"""Eligibility with the real offline geocoder on the test BAN (tests/geocoding/ban_fixture.py)."""

import csv
import io

import pytest
import shapely
from django.core.management import call_command
from django.urls import reverse

from quartiers.territories.models import Departement, Region
from tests.geocoding import outlines as t
from tests.geocoding.ban_fixture import load_test_ban

# TEST OUTLINE around « 10 bis Rue Royale 62100 Calais » of the test BAN (1.8530, 50.9595): not a real QPV.
ROYALE_SQUARE = shapely.box(1.8520, 50.9588, 1.8540, 50.9602)


@pytest.fixture
def real_ban(db):
    from quartiers.geocoding.geocoder import get_geocoder, invalidate

    load_test_ban()
    yield get_geocoder()
    invalidate()


@pytest.fixture
def calais_test_outline(db):
    region, _ = Region.objects.get_or_create(code="32", defaults={"nom": "Hauts-de-France"})
    Departement.objects.get_or_create(code="62", defaults={"nom": "Pas-de-Calais", "region": region})
    qpv = t.add_qpv("QNTEST62", "QPV de test rue Royale", 2024, ROYALE_SQUARE)
    qpv.departement_id = "62"
    qpv.save()


def test_lookup_page_with_real_geocoder(client, real_ban, calais_test_outline):
    html = client.get(reverse("eligibility:lookup"), {"q": "10 bis r. royale calais"}).content.decode()
    assert "10 bis Rue Royale" in html
    assert "Cette adresse est dans le QPV QNTEST62 « QPV de test rue Royale » (géographie 2024)." in html
    html = client.get(
        reverse("eligibility:lookup"), {"q": "12 rue Victor Hugo", "code_postal": "62100"}
    ).content.decode()
    assert "n&#x27;est dans aucun QPV (géographie 2024) ; le plus proche, QNTEST62" in html


def test_api_with_real_geocoder(client, real_ban, calais_test_outline):
    data = client.get("/api/eligibilite/adresse", {"q": "10 bis rue Royale", "code_postal": "62100"}).json()
    assert data["adresse"]["id_ban"] == "62193_0010_00010_bis"
    assert data["qpv"][0]["code"] == "QNTEST62" and data["qpv"][0]["dans_le_qpv"]


def test_cli_with_real_geocoder(tmp_path, real_ban, calais_test_outline):
    source = tmp_path / "beneficiaires.csv"
    source.write_bytes(
        "nom;adresse;cp;ville\r\nA;10 bis rue Royale;62100;Calais\r\nB;12 rue Victor Hugo;62100;CALAIS\r\n"
        "C;rue qui n'existe pas du tout;62100;Calais\r\n".encode("cp1252")
    )
    call_command(
        "eligibilite", str(source), "-o", str(tmp_path / "out.csv"), stdout=io.StringIO(), stderr=io.StringIO()
    )
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8-sig")), delimiter=";"))
    assert rows[0]["qpv_code"] == "QNTEST62" and rows[0]["id_ban"] == "62193_0010_00010_bis"
    assert rows[1]["qpv_code"] == "" and rows[1]["statut"] == "ok" and int(rows[1]["distance_qpv_m"]) > 500
    assert rows[2]["statut"] in ("commune_seulement", "introuvable")


def test_empty_address_base_is_said(client, db):
    html = client.get(reverse("eligibility:lookup")).content.decode()
    assert "Aucune base d&#x27;adresses n&#x27;est chargée." in html
