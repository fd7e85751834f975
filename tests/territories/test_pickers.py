"""Territories are chosen by name (suggestions limited to what the user may change), never by a raw code."""

import pytest
from django.urls import reverse

from quartiers.territories import pickers
from quartiers.territories.models import Commune


def test_commune_by_name_with_or_without_departement(world):
    assert pickers.resolve_commune("Calais") == (world.calais, "")
    assert pickers.resolve_commune("  calais  (62) ") == (world.calais, "")
    assert pickers.resolve_commune("62193") == (world.calais, "")  # the code still works for those who know it


def test_homonyms_ask_for_the_departement(world):
    # A second commune of the same name, in the Nord (test fixture: the INSEE code is made up).
    Commune.objects.create(insee="59999", nom="Calais", departement=world.nord)
    commune, error = pickers.resolve_commune("Calais")
    assert commune is None and "précisez le département" in error and "« Calais (62) »" in error
    assert pickers.resolve_commune("Calais (59)")[0].insee == "59999"


def test_territory_and_contrat_by_name(world):
    assert pickers.resolve_territory("CA Grand Calais Terres et Mers") == (world.grand_calais, "")
    assert pickers.resolve_territory("Dunkerque") == (world.dunkerque, "")
    assert pickers.resolve_territory("Atlantide")[1].startswith("Aucune intercommunalité ni commune « Atlantide »")
    label = pickers.contrat_label(world.contrat)
    assert label == "62 - CA Grand Calais Terres et Mers — CN06207M"
    assert pickers.resolve_contrat(label) == (world.contrat, "")


@pytest.mark.parametrize(
    "role,expected",
    [
        ("chef", ["CA Grand Calais Terres et Mers", "Calais (62)"]),
        ("autre_chef", []),  # another territory: nothing of Calais is offered
        ("anonyme", []),
    ],
)
def test_suggestions_are_limited_to_what_the_user_may_change(world, login, role, expected):
    client = login(world.users[role])
    response = client.get(reverse("territories:picker", args=["territoire"]), {"territory": "cala"})
    assert response.status_code == 200
    options = [o.split('"')[1] for o in response.content.decode().split("<option")[1:]]
    assert options == expected


def test_unknown_picker_kind_is_404(world, client):
    assert client.get("/territoires/choix/siren/?q=20").status_code == 404


def test_company_form_asks_for_a_commune_name(world, login):
    client = login(world.users["chef"])
    html = client.get(reverse("mobilisation:company_create")).content.decode()
    assert "Code INSEE" not in html and "Commune de l&#x27;établissement" in html
    assert 'list="id_commune_choix"' in html and 'hx-get="/territoires/choix/commune/"' in html
    response = client.post(
        reverse("mobilisation:company_create"), {"name": "Menuiserie fictive (test)", "commune": "Calais (62)"}
    )
    assert response.status_code == 302


def test_contract_form_asks_for_names(world, login):
    client = login(world.users["chef"])
    url = reverse("contracts:contract_create")
    html = client.get(url).content.decode()
    assert "SIREN" not in html and "code INSEE" not in html
    assert (
        client.post(url, {"generation": "2015-2023", "territory": "CA Grand Calais Terres et Mers"}).status_code == 302
    )


def test_resource_territories_typed_by_name(world):
    from quartiers.resources.forms import resolve_territories

    communes, epcis, qpvs = resolve_territories("Calais (62), CA Grand Calais Terres et Mers; Beau Marais, 59183")
    assert (communes, epcis, qpvs) == ([world.calais, world.dunkerque], [world.grand_calais], [world.qpv_beau_marais])
    with pytest.raises(Exception, match="Atlantide"):
        resolve_territories("Atlantide, 62193")
