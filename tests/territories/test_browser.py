"""Territories main path in a real browser: home → QPV list → filter → Calais fiche; the national map."""

from tests.world import build_world


def test_qpv_list_filter_fiche_and_map(page, assert_accessible, transactional_db):
    build_world()
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Quartiers prioritaires").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Quartiers prioritaires de la politique de la ville").is_visible()
    assert_accessible(page)
    page.get_by_label("Département").select_option("62")
    page.get_by_label("Recherche").fill("Nieulay")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "1 quartier." in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="QN06253M").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Fort Nieulay - Cailloux - Saint-Pierre QN06253M").is_visible()
    assert "Contour non chargé" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Carte", exact=True).click()
    page.wait_for_load_state()
    page.wait_for_selector(".leaflet-container")
    assert page.get_by_role("heading", name="Carte des quartiers prioritaires").is_visible()
    assert_accessible(page)
