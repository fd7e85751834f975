import base64
import json
import uuid

from quartiers.gup.models import Report, Walk
from tests.gup import helpers as h


def _post(client, walk, items):
    return client.post(
        f"/gup/diagnostics/{walk.pk}/envoi.json", json.dumps({"items": items}), content_type="application/json"
    )


def _item(**kw):
    return {"uuid": str(uuid.uuid4()), "categorie": "proprete", "description": "Tags", "lon": 1.87, "lat": 50.95, **kw}


def test_queued_items_are_created_once(world, login):
    walk = h.walk(world)
    client = login(world.users["partenaire"])
    photo = "data:image/jpeg;base64," + base64.b64encode(h.jpeg_bytes()).decode()
    items = [_item(photo=photo), _item(categorie="eclairage")]
    first = _post(client, walk, items).json()["resultats"]
    assert [r["statut"] for r in first] == ["cree", "cree"]
    # The answer was lost on the way back: the phone sends the same queue again.
    again = _post(client, walk, items).json()["resultats"]
    assert [r["statut"] for r in again] == ["deja_recu", "deja_recu"]
    assert [r["reference"] for r in again] == [r["reference"] for r in first]
    assert Report.objects.filter(walk=walk).count() == 2
    assert Report.objects.get(client_uuid=items[0]["uuid"]).photos.count() == 1


def test_one_bad_item_does_not_block_the_others(world, login):
    walk = h.walk(world)
    client = login(world.users["chef"])
    items = [_item(categorie="inconnue"), _item(photo="data:image/jpeg;base64,bm90IGFuIGltYWdl"), _item(), {"x": 1}]
    results = _post(client, walk, items).json()["resultats"]
    assert [r["statut"] for r in results] == ["erreur", "erreur", "cree", "erreur"]
    assert "catégorie" in results[0]["message"] and "image" in results[1]["message"]
    assert Report.objects.count() == 1


def test_unreadable_payload(world, login):
    walk = h.walk(world)
    client = login(world.users["chef"])
    response = client.post(f"/gup/diagnostics/{walk.pk}/envoi.json", "pas du json", content_type="application/json")
    assert response.status_code == 400 and "illisible" in response.json()["erreur"]


def test_uuid_of_another_walk_is_not_reused(world, login):
    walk, other = h.walk(world), h.walk(world)
    client = login(world.users["chef"])
    item = _item()
    _post(client, walk, [item])
    assert _post(client, other, [item]).json()["resultats"][0]["statut"] == "erreur"


def test_walk_create_and_capture_without_javascript(world, login):
    client = login(world.users["chef"])
    response = client.post(
        "/gup/diagnostics/nouveau/",
        {
            "qpv": world.qpv_beau_marais.code,
            "title": "Diagnostic du printemps",
            "date": "2026-04-02",
            "participants_text": "Mme A. — conseil citoyen\nM. B. - bailleur",
            "route_text": json.dumps({"type": "LineString", "coordinates": [[1.87, 50.95], [1.88, 50.95]]}),
        },
    )
    walk = Walk.objects.get()
    assert response.status_code == 302
    assert walk.participants == [
        {"nom": "Mme A.", "qualite": "conseil citoyen"},
        {"nom": "M. B.", "qualite": "bailleur"},
    ]
    response = client.post(
        f"/gup/diagnostics/{walk.pk}/saisie/",
        {"category": "mobilier", "qpv": world.qpv_beau_marais.code, "lon": "1.871", "lat": "50.951"},
    )
    assert response.status_code == 302 and walk.reports.count() == 1


def test_walk_route_must_be_a_line(world, login):
    client = login(world.users["chef"])
    response = client.post(
        "/gup/diagnostics/nouveau/",
        {"qpv": world.qpv_beau_marais.code, "title": "X", "date": "2026-04-02", "route_text": '{"type": "Point"}'},
    )
    assert "ligne d&#x27;au moins deux points" in response.content.decode()
    assert not Walk.objects.exists()


def test_walk_pdf_lists_the_reports(world, login):
    from io import BytesIO

    from pypdf import PdfReader

    walk = h.walk(world)
    report = h.report(world, walk=walk, photos=[h.upload()])
    response = login(world.users["lecteur"]).get(f"/gup/diagnostics/{walk.pk}/rapport.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages)
    assert report.reference in text and "Conseil citoyen" in text
