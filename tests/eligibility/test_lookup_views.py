"""Single lookup pages and the API: the answer as a French sentence, the map data, bad input."""

import json

import pytest
from django.urls import reverse

from tests.geocoding import outlines as t


@pytest.mark.usefixtures("outlines", "stub_geocoder")
class TestLookupPage:
    def test_address_in_qpv(self, client):
        response = client.get(reverse("eligibility:lookup"), {"q": "12 rue du Carré"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Cette adresse est dans le QPV QNTEST01 « QPV de test carré troué » (géographie 2024)." in html
        assert "12 Rue du Carré 99100 Testville" in html
        data = json.loads(html.split('id="map-data" type="application/json">')[1].split("</script>")[0])
        assert data["point"] == [1.003, 45.003]
        # One geography per answer: 2024 unless 2015 is chosen.
        assert {f["properties"]["code"] for f in data["qpv"]} == {"QNTEST01"}

    def test_generation_2015_still_offered(self, client):
        html = client.get(
            reverse("eligibility:lookup"), {"q": "12 rue du Carré", "generation": "2015"}
        ).content.decode()
        assert "Cette adresse est dans le QPV QPTEST01 « Ancien QPV de test » (géographie 2015)." in html

    def test_2024_is_the_default_choice(self, client):
        html = client.get(reverse("eligibility:lookup")).content.decode()
        assert '<option value="2024" selected>' in html and '<option value="2015">' in html

    def test_address_outside_with_distance(self, client):
        html = client.get(reverse("eligibility:lookup"), {"q": "rue de l'Ouest"}).content.decode()
        assert "Cette adresse n&#x27;est dans aucun QPV (géographie 2024) ; le plus proche, QNTEST01" in html
        assert "est à 160 m." in html
        assert "numéro introuvable" in html  # the geocoder's note: position of the street

    def test_address_in_hole(self, client):
        html = client.get(reverse("eligibility:lookup"), {"q": "5 place du Trou"}).content.decode()
        assert "n&#x27;est dans aucun QPV (géographie 2024)" in html

    def test_commune_only_is_not_answered(self, client):
        html = client.get(reverse("eligibility:lookup"), {"q": "Testville"}).content.decode()
        assert "Seule la commune a été reconnue" in html
        assert "est dans le QPV" not in html

    def test_unknown_address(self, client):
        html = client.get(reverse("eligibility:lookup"), {"q": "nulle part"}).content.decode()
        assert "Adresse introuvable" in html

    def test_uncovered_departement_is_indetermine(self, client, world):
        # Calais (62) has QPVs whose outlines are not loaded: « indéterminé », never « aucun QPV » at 721 km.
        html = client.get(reverse("eligibility:lookup"), {"q": "1 rue de Calais"}).content.decode()
        assert "Indéterminé — les contours des QPV de ce département (Pas-de-Calais) ne sont pas chargés" in html
        assert "quartiers import-qpv --officiel" in html
        assert "aucun QPV" not in html and "le plus proche" not in html

    def test_completion_fragment(self, client):
        html = client.get(reverse("eligibility:complete"), {"q": "12 rue"}).content.decode()
        assert "12 Rue du Carré 99100 Testville" in html
        assert "?q=12%20Rue%20du%20Carr%C3%A9%2099100%20Testville" in html
        assert client.get(reverse("eligibility:complete"), {"q": "12"}).content.decode().strip() == ""


@pytest.mark.usefixtures("outlines")
class TestPointPage:
    def test_point_inside_island(self, client):
        html = client.get(reverse("eligibility:point"), {"lon": t.IN_SECOND_ISLAND[0], "lat": t.IN_SECOND_ISLAND[1]})
        assert (
            "Ce point est dans le QPV QNTEST02 « QPV de test deux îlots » (géographie 2024)." in html.content.decode()
        )

    def test_point_with_decimal_commas(self, client):
        html = client.get(reverse("eligibility:point"), {"lon": "1,003", "lat": "45,003"}).content.decode()
        assert "Ce point est dans le QPV QNTEST01" in html

    def test_point_outside_france(self, client):
        html = client.get(reverse("eligibility:point"), {"lon": 45.0, "lat": 2.0}).content.decode()
        assert "est hors de France" in html and "longitude / latitude" in html

    def test_point_not_a_number(self, client):
        html = client.get(reverse("eligibility:point"), {"lon": "abc", "lat": "45"}).content.decode()
        assert "Saisissez un nombre" in html


def test_no_outline_loaded_says_how_to_import(client, db):
    html = client.get(reverse("eligibility:point"), {"lon": 1.003, "lat": 45.003}).content.decode()
    assert "quartiers import-qpv --officiel" in html
    assert "quartiers import-ban --officiel 59 62" in html


@pytest.mark.usefixtures("outlines", "stub_geocoder")
class TestApi:
    def test_address(self, client):
        data = client.get("/api/eligibilite/adresse", {"q": "12 rue du Carré", "code_postal": "99100"}).json()
        assert data["statut"] == "ok"
        assert data["adresse"]["id_ban"] == "99001_0001_00012"
        assert data["resultat"] == "en_qpv" and data["generation"] == 2024
        assert [(q["generation"], q["code"], q["dans_le_qpv"]) for q in data["qpv"]] == [(2024, "QNTEST01", True)]
        data = client.get("/api/eligibilite/adresse", {"q": "12 rue du Carré", "generation": "2015"}).json()
        assert [(q["generation"], q["code"], q["dans_le_qpv"]) for q in data["qpv"]] == [(2015, "QPTEST01", True)]
        response = client.get("/api/eligibilite/adresse", {"q": "12 rue du Carré", "generation": "2019"})
        assert response.status_code == 400 and "2024" in response.json()["erreur"]

    def test_address_not_found_and_missing(self, client):
        assert client.get("/api/eligibilite/adresse", {"q": "nulle part"}).json()["statut"] == "introuvable"
        response = client.get("/api/eligibilite/adresse")
        assert response.status_code == 400 and "obligatoire" in response.json()["erreur"]

    def test_point_outside_with_distance(self, client):
        data = client.get("/api/eligibilite/point", {"lon": "0,998", "lat": "45.005"}).json()
        q2024 = next(q for q in data["qpv"] if q["generation"] == 2024)
        assert q2024 == {
            "generation": 2024,
            "code": "QNTEST01",
            "nom": "QPV de test carré troué",
            "dans_le_qpv": False,
            "distance_m": 158,
        }

    @pytest.mark.parametrize(
        "params, message",
        [
            ({"lon": "x", "lat": "1"}, "doivent être des nombres"),
            ({"lon": "200", "lat": "45"}, "Coordonnées impossibles"),
            ({"lon": "nan", "lat": "45"}, "Coordonnées impossibles"),
            ({"lon": "-30", "lat": "45"}, "hors de France"),
        ],
    )
    def test_point_bad_input(self, client, params, message):
        response = client.get("/api/eligibilite/point", params)
        assert response.status_code == 400
        assert message in response.json()["erreur"]

    def test_openapi_lists_both(self, client):
        document = client.get(reverse("core:openapi")).json()
        paths = document["paths"]
        assert "/api/eligibilite/adresse" in paths and "/api/eligibilite/point" in paths
        for path in ("/api/eligibilite/adresse", "/api/eligibilite/point"):
            operation = paths[path]["get"]
            ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            schema = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]  # one typed answer, by reference
            assert schema["properties"]["resultat"]["enum"] == ["en_qpv", "hors_qpv", "indetermine"]
            assert {"contours_manquants", "ban_manquante"} <= set(schema["properties"]["statut"]["enum"])
            assert "generation" in {p["name"] for p in operation["parameters"]}


def test_api_without_geocoder_is_a_clear_503(client, db, monkeypatch):
    from quartiers.eligibility import answers

    def unavailable():
        raise answers.GeocoderUnavailable("Le géocodeur d'adresses n'est pas installé.")

    monkeypatch.setattr(answers, "get_geocoder", unavailable)
    response = client.get("/api/eligibilite/adresse", {"q": "1 rue"})
    assert response.status_code == 503 and "géocodeur" in response.json()["erreur"]
