"""The QPV list and fiche are cached per reference-data version: every way the data changes shows at once."""

from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.territories import importers, refcache
from quartiers.territories.models import QPV, ReferenceVersion
from quartiers.territories.signals import outlines_changed
from tests.world import build_geography

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIST = reverse("territories:qpv_list")


@pytest.fixture
def geo(db):
    return build_geography()


def test_a_change_without_a_new_version_is_not_seen_then_the_bump_shows_it(client, geo):
    before = client.get(LIST).content.decode()
    # A raw update sends no signal: the cached page stays as it was (this is what the version is for)…
    QPV.objects.filter(code="QN06253M").update(nom="Nouveau nom du quartier")
    assert client.get(LIST).content.decode() == before
    # …until the data version changes — here as another process (the worker's import) would change it.
    ReferenceVersion.objects.update_or_create(pk=1, defaults={"token": "autre-processus"})
    assert "Nouveau nom du quartier" in client.get(LIST).content.decode()


def test_an_edit_bumps_the_version(client, geo):
    client.get(LIST)
    qpv = QPV.objects.get(code="QN06253M")
    qpv.nom = "Renommé par l'administration"
    qpv.save()
    assert "Renommé par l&#x27;administration" in client.get(LIST).content.decode()
    fiche = client.get(reverse("territories:qpv_detail", args=["QN06253M"])).content.decode()
    assert "Renommé par l&#x27;administration" in fiche


def test_outlines_changed_bumps_the_version(geo):
    before = refcache.version()
    outlines_changed.send(sender=QPV, codes=["QN06253M"])
    assert refcache.version() != before


def test_an_import_shows_on_the_fiche_and_the_list(client, geo, tmp_path):
    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    fiche_url = reverse("territories:qpv_detail", args=["QNTEST01"])
    assert "Aucun indicateur chargé" in client.get(fiche_url).content.decode()
    before = refcache.version()
    importers.import_indicateurs(FIXTURES / "indicateurs_test_cp1252.csv", source_label="Fichier de test")
    assert refcache.version() != before
    assert "Aucun indicateur chargé" not in client.get(fiche_url).content.decode()
    QPV.objects.filter(code="QNTEST01").update(generation=2015, npnru=False)  # no signal
    refcache.bump()
    assert "NPNRU</span>" not in client.get(LIST, {"q": "QNTEST01"}).content.decode()
    importers.import_npnru(_codes_file(tmp_path, "QNTEST01"))  # a bulk update: the import itself bumps
    assert "NPNRU</span>" in client.get(LIST, {"q": "QNTEST01"}).content.decode()


def _codes_file(folder, *codes):
    path = folder / "npnru.csv"
    path.write_text("code_qp_2015\n" + "\n".join(codes) + "\n", encoding="utf-8")
    return path
