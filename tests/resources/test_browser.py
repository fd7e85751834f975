"""Main path in a real browser: search → document → « Favoris + » (htmx) → « Mes favoris », with axe checks."""

from playwright.sync_api import expect

from quartiers.resources import services
from tests.resources.helpers import calais_document, make_document
from tests.world import build_world


def test_search_document_favourite(page, browser_login, assert_accessible, transactional_db):
    world = build_world()
    services.rebuild_index()  # a flushed database may leave FTS rows behind: start clean
    calais_document(
        world,
        title="Point d'actualité politique de la ville — réseau du Littoral",
        type="point_actualite",
        summary="Révision des contrats de ville et déploiement du PAQTE dans les quartiers prioritaires.",
        text="Les chefs de projet ont échangé sur la gestion urbaine de proximité.",
        themes=["revision-contrats-de-ville"],
    )
    make_document("Guide de la GUP", summary="Diagnostics en marchant.")
    browser_login(world.users["lecteur"])

    page.goto("/ressources/")
    assert_accessible(page)
    page.get_by_label("Rechercher", exact=True).fill("quartier prioritaire")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="1 résultat, les plus pertinents d'abord")).to_be_visible()
    assert page.locator(".excerpt mark").first.inner_text().lower() == "quartiers"
    assert_accessible(page)

    page.get_by_role("link", name="Point d'actualité politique de la ville — réseau du Littoral").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Point d'actualité")
    assert_accessible(page)

    page.get_by_role("button", name="Favoris +").click()  # htmx swaps the button in place
    page.get_by_role("button", name="Dans mes favoris").wait_for()
    assert page.get_by_role("button", name="Dans mes favoris").get_attribute("aria-pressed") == "true"
    assert_accessible(page)

    page.goto("/ressources/favoris/")
    expect(page.get_by_role("heading", name="Mes favoris")).to_be_visible()
    expect(
        page.get_by_role("link", name="Point d'actualité politique de la ville — réseau du Littoral")
    ).to_be_visible()
    assert "Guide de la GUP" not in page.content()
    assert_accessible(page)
