"""Main path on a phone-size screen: a chef de projet files a report with the phone's position and a
photo → the landlord (the manager) sees it to handle → takes it on → resolves it."""

from playwright.sync_api import expect

from quartiers.gup.models import Report, Status
from tests.gup import helpers as h
from tests.world import build_world

PHONE = {"width": 390, "height": 844}


def test_file_a_report_on_a_phone_then_the_manager_resolves_it(
    page, browser_login, assert_accessible, transactional_db
):
    world = build_world()
    h.bailleur_area(world)
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": 1.8735, "latitude": 50.9513, "accuracy": 12})

    browser_login(world.users["chef"])
    page.goto("/gup/")
    assert_accessible(page)
    page.get_by_role("link", name="Faire un signalement").click()
    page.wait_for_load_state()  # the form's script is attached, as when a person starts filling it
    page.get_by_label("1. Catégorie").select_option("parties_communes")
    expect(page.locator("#guidance")).to_contain_text("bailleur est concerné")
    page.get_by_label("2. Quartier").select_option(world.qpv_beau_marais.code)
    page.get_by_role("button", name="Utiliser ma position").click()
    page.wait_for_function("document.getElementById('id_lon').value !== ''")
    assert "votre position" in page.locator("#point-status").inner_text()
    page.get_by_label("4. Description").fill("Porte du hall B cassée, elle ne ferme plus.")
    page.get_by_label("5. Photos").set_input_files(
        files=[{"name": "hall.jpg", "mimeType": "image/jpeg", "buffer": h.jpeg_bytes(size=(800, 600))}]
    )
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer le signalement").click()
    page.wait_for_load_state()
    report = Report.objects.get()
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Signalement {report.reference}")
    assert "Bailleur social (test)" in page.content() and report.photos.count() == 1
    assert abs(report.lon - 1.8735) < 1e-4 and report.status == Status.TRANSMIS
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()
    browser_login(world.users["partenaire"])
    page.goto("/gup/")
    page.get_by_role("link", name=report.reference).click()
    assert_accessible(page)
    page.get_by_role("button", name="Prendre en charge").click()
    page.wait_for_load_state()
    assert "pris en charge" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Marquer résolu").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == Status.RESOLU and report.resolution_seconds is not None
    assert "Résolu" in page.locator(".facts").inner_text()
    assert_accessible(page)


def test_walk_capture_keeps_reports_offline_and_sends_them_later(
    page, browser_login, assert_accessible, transactional_db
):
    world = build_world()
    walk = h.walk(world)
    page.set_viewport_size(PHONE)
    browser_login(world.users["partenaire"])
    page.goto(f"/gup/diagnostics/{walk.pk}/saisie/")
    assert_accessible(page)
    page.context.set_offline(True)
    for category, lon in (("proprete", 1.871), ("eclairage", 1.872)):
        page.get_by_label("Catégorie").select_option(category)
        # The map click stands for touching the map: set the point the way the page does.
        page.evaluate(f"GupReportForm.setPoint(L.latLng(50.95, {lon}), 'sur la carte')")
        page.get_by_label("Description").fill(f"Constat {category}")
        page.get_by_role("button", name="Garder ce signalement et l'envoyer").click()
        page.wait_for_function("document.getElementById('id_lon').value === ''")
    assert "2 signalement(s) gardé(s)" in page.locator("#queue-status").inner_text()
    assert Report.objects.count() == 0
    # The queue lives in the phone's storage, so it survives closing the page.
    assert page.evaluate(f"JSON.parse(localStorage.getItem('gup-file-{walk.pk}')).length") == 2
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('queue-items').children.length === 0")
    assert sorted(Report.objects.filter(walk=walk).values_list("category", flat=True)) == ["eclairage", "proprete"]
    assert_accessible(page)
