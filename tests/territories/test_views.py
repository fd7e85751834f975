"""Pages: filters, sort, pagination, exports, fiche (map, indicators, INSEE rules), constant query counts."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from shapely.geometry import box

from quartiers.territories.models import QPV, Commune, IndicatorDefinition, IndicatorValue
from tests.world import build_geography

LIST = reverse("territories:qpv_list")


@pytest.fixture
def geo(db):
    return build_geography()


def make_qpvs(w, count, prefix="QNTEST"):
    """`count` test QPVs (codes QNTEST…), each in test Calais."""
    qpvs = QPV.objects.bulk_create(
        QPV(code=f"{prefix}{i:04d}", nom=f"Quartier de test {i}", generation=2024, departement=w.pas_de_calais,
            epci=w.grand_calais, population=i)
        for i in range(count)
    )  # fmt: skip
    QPV.communes.through.objects.bulk_create(QPV.communes.through(qpv_id=q.pk, commune_id="62193") for q in qpvs)
    return qpvs


def codes(response):
    return [q.code for q in response.context["page"].object_list]


def test_list_filters_search_and_sort(client, geo):
    QPV.objects.filter(code="QN06254M").update(npnru=True)
    assert codes(client.get(LIST)) == ["QN05962M", "QN06253M", "QN06254M"]
    assert codes(client.get(LIST, {"departement": "59"})) == ["QN05962M"]
    assert codes(client.get(LIST, {"region": "32", "epci": "200090751"})) == ["QN06253M", "QN06254M"]
    assert codes(client.get(LIST, {"commune": "calais"})) == ["QN06253M", "QN06254M"]
    assert codes(client.get(LIST, {"epci": "grand calais"})) == ["QN06253M", "QN06254M"]
    assert codes(client.get(LIST, {"commune": "59183"})) == ["QN05962M"]
    assert codes(client.get(LIST, {"npnru": "oui"})) == ["QN06254M"]
    assert codes(client.get(LIST, {"q": "marais"})) == ["QN06254M"]
    assert codes(client.get(LIST, {"q": "dunkerque"})) == ["QN05962M"]  # by commune name
    assert codes(client.get(LIST, {"generation": "2015"})) == []
    assert codes(client.get(LIST, {"contour": "oui"})) == []
    assert codes(client.get(LIST, {"tri": "nom"})) == ["QN06254M", "QN06253M", "QN05962M"]
    assert codes(client.get(LIST, {"contrat": "CN06207M"})) == ["QN06253M", "QN06254M"]


def test_list_paginates(client, geo):
    make_qpvs(geo, 60)
    response = client.get(LIST, {"q": "test", "page": 2})
    assert len(response.context["page"].object_list) == 10
    assert "Page 2 sur 2" in response.content.decode()
    assert "q=test&amp;page=1" in response.content.decode()


@pytest.mark.parametrize("count", [10, 1500])
def test_list_query_count_is_constant(client, geo, count, django_assert_num_queries):
    make_qpvs(geo, count)
    # data version + count + page + communes prefetch + régions + départements + littoral shortcut
    with django_assert_num_queries(7):
        response = client.get(LIST, {"departement": "62", "tri": "population"})
    assert response.status_code == 200
    # Then the same list comes from the cache of this data version: only the version is read.
    with django_assert_num_queries(1):
        again = client.get(LIST, {"departement": "62", "tri": "population"})
    assert again.content == response.content


@pytest.mark.parametrize("count", [10, 1500])
def test_fiche_query_count_is_constant(client, geo, count, django_assert_num_queries):
    make_qpvs(geo, count)
    url = reverse("territories:qpv_detail", args=["QN06253M"])
    # QPV + data version, then 5 to build the fiche's reference part, the modules' data versions, then 1 for the
    # public documents the resources module lists (its hook).
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    # Then the reference part and the modules' links come from the cache of these data versions.
    with django_assert_num_queries(3):
        again = client.get(url)
    assert again.content == response.content


def test_exports_keep_filters_and_neutralise_formulas(client, geo):
    QPV.objects.filter(code="QN06254M").update(nom='=HYPERLINK("http://exemple.test")')
    response = client.get(LIST, {"epci": "200090751", "format": "csv"})
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffCode;Nom;Géographie")
    assert "QN05962M" not in content
    assert "'=HYPERLINK" in content
    xlsx = client.get(LIST, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    geojson = json.loads(client.get(LIST, {"format": "geojson", "departement": "62"}).content)
    assert [f["properties"]["Code"] for f in geojson["features"]] == ["QN06253M", "QN06254M"]
    assert client.get(LIST, {"format": "pdf"}).status_code == 400


def test_fiche_without_outline_explains_the_import(client, geo):
    content = client.get(reverse("territories:qpv_detail", args=["QN06253M"])).content.decode()
    assert "Contour non chargé" in content
    assert "quartiers import-qpv --officiel" in content
    assert "CN06207M" in content
    assert "Licence Ouverte 2.0" in content
    assert 'id="carte-qpv"' not in content  # test Calais has no outline either: no map at all


def test_fiche_map_and_indicator_rules(client, geo):
    qpv = geo.qpv
    square = box(1.84, 50.94, 1.85, 50.95)
    qpv.outline_wkb = square.wkb
    qpv.outline_simplified = {"type": "Polygon", "coordinates": [list(map(list, square.exterior.coords))]}
    qpv.save()
    pop = IndicatorDefinition.objects.create(code="pop_mun", libelle="Population (test)", unite="nombre", annee=2015,
                                             additionnable=True)  # fmt: skip
    rate = IndicatorDefinition.objects.create(code="tp60", libelle="Taux de pauvreté (test)", unite="%", annee=2017)
    IndicatorValue.objects.create(indicator=pop, level="qpv", code=qpv.code, valeur=Decimal(3000))
    IndicatorValue.objects.create(indicator=pop, level="commune", code="62193", valeur=Decimal(60000))
    IndicatorValue.objects.create(indicator=pop, level="france", code="FR", valeur=Decimal(66000000), annee=2021)
    IndicatorValue.objects.create(indicator=rate, level="qpv", code=qpv.code, secret=True)
    response = client.get(reverse("territories:qpv_detail", args=[qpv.code]))
    content = response.content.decode()
    assert 'id="carte-qpv"' in content and "Contour non chargé" not in content
    rows = {r.indicator.code: r for r in response.context["rows"]}
    qpv_cell, commune_cell, _epci, _dep, france_cell = rows["pop_mun"].cells
    assert commune_cell.comparable and commune_cell.width == 100.0 and qpv_cell.width == 5.0
    assert not france_cell.comparable and france_cell.width == 0  # 2021 vs 2015: never compared
    assert "millésime 2021, non comparable" in content
    assert rows["tp60"].qpv.secret and not rows["tp60"].has_chart
    assert "secret statistique" in content


def test_fiche_says_once_why_comparison_levels_are_empty(client, geo):
    """41 indicators known only at the QPV level made 40 rows of « — »: now one note, and no empty column."""
    qpv = geo.qpv
    geo.grand_calais.population = 100_000
    geo.grand_calais.save()
    pop = IndicatorDefinition.objects.create(code="pop_mun", libelle="Population (test)", unite="nombre", annee=2015,
                                             additionnable=True, source="Source de test")  # fmt: skip
    IndicatorValue.objects.create(indicator=pop, level="qpv", code=qpv.code, valeur=Decimal(3000))
    IndicatorValue.objects.create(indicator=pop, level="commune", code="62193", valeur=Decimal(60000))
    for i in range(1, 6):
        other = IndicatorDefinition.objects.create(code=f"ind{i}", libelle=f"Indicateur {i} (test)", unite="%",
                                                   annee=2017, ordre=i)  # fmt: skip
        IndicatorValue.objects.create(indicator=other, level="qpv", code=qpv.code, valeur=Decimal("12.5"))
    response = client.get(reverse("territories:qpv_detail", args=[qpv.code]))
    content = response.content.decode()
    table = content[content.index('<table class="indicators">') : content.index("</table>")]
    assert "—" not in table.replace("— population légale", "")
    assert response.context["coverage"].levels == ["QPV", "Commune", "EPCI"]
    headers = table[table.index("<thead>") : table.index("</thead>")]
    assert "Département" not in headers and "France" not in headers
    assert content.count("Pas de colonne Département et France") == 1
    assert "Commune (1 sur 6) et EPCI (1 sur 6)" in content and "quartiers import-indicateurs FICHIER" in content
    epci_cell = {r.indicator.code: r for r in response.context["rows"]}["pop_mun"].cells[2]
    assert epci_cell.value.valeur == 100_000 and not epci_cell.comparable and not epci_cell.width
    assert "population légale du référentiel des EPCI, millésime non précisé" in table


def test_commune_page_totals_only_summable_and_compares_generations(client, geo):
    old = QPV.objects.create(code="QPTEST01", nom="Fort Nieulay", generation=2015, departement=geo.pas_de_calais)
    gone = QPV.objects.create(code="QPTEST02", nom="Quartier de test disparu", generation=2015,
                              departement=geo.pas_de_calais)  # fmt: skip
    for q in (old, gone):
        q.communes.add(geo.calais)
    pop = IndicatorDefinition.objects.create(code="pop_mun", libelle="Population (test)", additionnable=True)
    rate = IndicatorDefinition.objects.create(code="tp60", libelle="Taux (test)", unite="%")
    for q, v in ((old, 100), (gone, 50)):
        IndicatorValue.objects.create(indicator=pop, level="qpv", code=q.code, valeur=v)
        IndicatorValue.objects.create(indicator=rate, level="qpv", code=q.code, valeur=40)
    response = client.get(reverse("territories:commune_detail", args=["62193"]))
    totals = {t.indicator.code: t for t in response.context["totals"]}
    assert totals["pop_mun"].value == 150
    assert totals["tp60"].value is None and "non additionnable" in totals["tp60"].reason
    generations = response.context["generations"]
    assert [(a.code, b.code) for a, b, _how in generations.stayed] == [("QPTEST01", "QN06253M")]
    assert [q.code for q in generations.left] == ["QPTEST02"]
    assert [q.code for q in generations.entered] == ["QN06254M"]
    assert "présomption" in response.content.decode()


def test_comparison_needs_both_generations(client, geo):
    content = client.get(reverse("territories:commune_detail", args=["62193"])).content.decode()
    assert "La géographie 2015 n'est pas chargée" in content


def test_other_pages_list_their_qpvs(client, geo):
    for name, arg in (("epci_detail", "200090751"), ("contrat_detail", "CN06207M"), ("departement_detail", "62")):
        content = client.get(reverse(f"territories:{name}", args=[arg])).content.decode()
        assert "QN06253M" in content and "QN06254M" in content and "QN05962M" not in content
    assert client.get(reverse("territories:qpv_detail", args=["QN99999X"])).status_code == 404


def test_map_page_and_data(client, geo):
    Commune.objects.filter(insee="62193").update(lat=50.95, lon=1.86)
    QPV.objects.filter(code="QN06253M").update(lat=50.95, lon=1.86, point_approx=True)
    square = box(1.84, 50.94, 1.85, 50.95)
    polygon = {"type": "Polygon", "coordinates": [list(map(list, square.exterior.coords))]}
    QPV.objects.filter(code="QN06254M").update(
        lat=50.945, lon=1.845, outline_wkb=square.wkb, outline_overview=polygon, outline_simplified=polygon
    )
    assert client.get(reverse("territories:map")).status_code == 200
    data = client.get(reverse("api:territories_api_map")).json()  # the national view: a point per QPV
    kinds = {f["properties"]["code"]: f["geometry"]["type"] for f in data["features"]}
    assert kinds == {"QN06253M": "Point", "QN06254M": "Point"}  # QN05962M: no point known, not drawn
    area = client.get(reverse("api:territories_api_map"), {"bbox": "1.8,50.9,1.9,51.0", "zoom": "10"}).json()
    kinds = {f["properties"]["code"]: f["geometry"]["type"] for f in area["features"]}
    assert kinds == {"QN06253M": "Point", "QN06254M": "Polygon"}
    detail = client.get(reverse("api:territories_api_map"), {"bbox": "1.8,50.9,1.9,51.0"}).json()  # zoom 13
    kinds = {f["properties"]["code"]: f["geometry"]["type"] for f in detail["features"]}
    assert kinds == {"QN06253M": "Point", "QN06254M": "Polygon"}  # one layer: outlines, else points
    assert client.get(reverse("api:territories_api_map"), {"bbox": "nord"}).status_code == 400


def test_commune_map_draws_only_loaded_outlines(client, geo):
    square = box(1.80, 50.90, 1.90, 51.00)
    Commune.objects.filter(insee="62193").update(
        outline_simplified={"type": "Polygon", "coordinates": [list(map(list, square.exterior.coords))]}
    )
    response = client.get(reverse("territories:commune_detail", args=["62193"]))
    assert 'id="carte-qpv"' in response.content.decode()
    roles = [f["properties"]["role"] for f in response.context["map_data"]["features"]]
    assert roles == ["commune"]  # the test QPVs of Calais have no outline: none is drawn


@pytest.mark.parametrize("count", [10, 300])
def test_territory_pages_query_counts_are_constant(client, geo, count, django_assert_num_queries):
    make_qpvs(geo, count)
    pages = {"commune_detail": ("62193", 8), "epci_detail": ("200090751", 5), "departement_detail": ("62", 4)}
    pages["contrat_detail"] = ("CN06207M", 3)
    for name, (arg, queries) in pages.items():
        with django_assert_num_queries(queries):
            assert client.get(reverse(f"territories:{name}", args=[arg])).status_code == 200
