"""Territories main path in a real browser: home → QPV list → filter → Calais fiche; the national map."""

from decimal import Decimal

from playwright.sync_api import expect
from shapely.geometry import box

from quartiers.territories.models import QPV, IndicatorDefinition, IndicatorValue
from tests.world import build_world


def _test_outline_and_indicators():
    """TEST DATA: a square outline and invented values on Beau Marais, to exercise the map and the bars."""
    square = box(1.87, 50.95, 1.88, 50.96)
    polygon = {"type": "Polygon", "coordinates": [list(map(list, square.exterior.coords))]}
    QPV.objects.filter(code="QN06254M").update(outline_wkb=square.wkb, outline_simplified=polygon)
    pop = IndicatorDefinition.objects.create(code="pop_test", libelle="Population (test)", annee=2015)
    rate = IndicatorDefinition.objects.create(code="taux_test", libelle="Taux (test)", unite="%", annee=2017)
    IndicatorValue.objects.create(indicator=pop, level="qpv", code="QN06254M", valeur=Decimal(1000))
    IndicatorValue.objects.create(indicator=pop, level="commune", code="62193", valeur=Decimal(60000))
    IndicatorValue.objects.create(indicator=rate, level="qpv", code="QN06254M", secret=True)


def test_qpv_list_filter_fiche_and_map(page, assert_accessible, browser_login, transactional_db):
    world = build_world()
    _test_outline_and_indicators()
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Quartiers prioritaires").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Quartiers prioritaires de la politique de la ville")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Département").select_option("62")
    page.get_by_label("Recherche").fill("Nieulay")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "1 quartier." in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="QN06253M").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Fort Nieulay - Cailloux - Saint-Pierre QN06253M")).to_be_visible()
    assert "Contour non chargé" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Calais", exact=True).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="De la géographie 2015 à la géographie 2024")).to_be_visible()
    assert_accessible(page)
    page.goto("/territoires/qpv/QN06254M/")
    page.wait_for_selector("#carte-qpv path")
    assert page.locator("svg.bars rect").count() == 2
    assert_accessible(page)
    # The national view asks for the whole country's points once (zoom ≤ 8), not every outline.
    with page.expect_response(lambda r: "/api/territoires/carte/" in r.url and "zoom=8" in r.url) as national:
        page.get_by_role("link", name="Carte", exact=True).click()
    assert national.value.status == 200 and national.value.json()["niveau"] == "points"
    page.wait_for_load_state()
    page.wait_for_selector(".leaflet-container")
    expect(page.get_by_role("heading", name="Carte des quartiers prioritaires")).to_be_visible()
    assert_accessible(page)
    browser_login(world.users["admin"])
    page.goto("/territoires/import/")
    expect(page.get_by_label("Type de fichier")).to_be_visible()
    assert_accessible(page)
