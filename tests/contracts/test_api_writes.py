"""Writes of the contracts by token (quartiers/contracts/api_routes.py): one measurement, a batch (JSON, CSV),
a commitment's status; the same policy and services as the pages; bad input answered in French, nothing written."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.accounts import api_tokens
from quartiers.contracts.models import Commitment, Measurement
from quartiers.core.models import AuditEvent
from tests.contracts.helpers import first_indicator, make_commitment
from tests.contracts.writes import association_commitment


def _token(user, scopes=None):
    return api_tokens.create(user, "SI du bailleur", scopes or {"contracts": "write"})[1]


def _post(client, url, key, body, raw=False):
    data = body if raw else json.dumps(body)
    return client.post(url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_measurement_pushed_by_token_moves_the_progress_on_the_contract_page(world, client, login):
    commitment = make_commitment(world)  # the bailleur's commitment: 0 → 10 recrutements
    indicator = first_indicator(commitment)
    key = _token(world.users["partenaire"])
    url = reverse("api:measurement_create", args=[indicator.pk])
    body = {"date": "2025-12-31", "valeur": "4", "source": "SI du bailleur", "commentaire": "Bilan annuel"}
    answer = _post(client, url, key, body)
    assert answer.status_code == 201, answer.content
    assert answer.json()["avancement"] == 40
    measurement = Measurement.objects.get(indicator=indicator)
    assert measurement.source == "SI du bailleur" and measurement.recorded_by == world.users["partenaire"]
    event = AuditEvent.objects.get(action="valeur mesurée enregistrée")
    assert event.changes["jeton d'API"] == "SI du bailleur"  # audited with the token's name
    page = login(world.users["chef"]).get(reverse("contracts:detail", args=[commitment.contract_id]))
    assert 'value="40"' in page.content.decode()


def test_another_organisations_commitment_is_refused_and_nothing_written(world, client):
    indicator = first_indicator(association_commitment(world))
    key = _token(world.users["partenaire"])
    answer = _post(
        client, reverse("api:measurement_create", args=[indicator.pk]), key, {"date": "2025-12-31", "valeur": 1}
    )
    assert answer.status_code == 403 and answer.json()["erreur"] == "Accès refusé."
    assert not Measurement.objects.exists()


def test_read_only_and_revoked_tokens_cannot_write(world, client):
    indicator = first_indicator(make_commitment(world))
    url = reverse("api:measurement_create", args=[indicator.pk])
    reader = _token(world.users["partenaire"], {"contracts": "read"})
    answer = _post(client, url, reader, {"date": "2025-12-31", "valeur": 1})
    assert answer.status_code == 403 and "portée « écriture »" in answer.json()["erreur"]
    token, key = api_tokens.create(world.users["partenaire"], "ancien", {"contracts": "write"})
    api_tokens.revoke(world.users["partenaire"], token)
    answer = _post(client, url, key, {"date": "2025-12-31", "valeur": 1})
    assert answer.status_code == 401 and "révoqué" in answer.json()["erreur"]
    assert not Measurement.objects.exists()


def test_malformed_json_and_wrong_types_get_a_french_400(world, client):
    indicator = first_indicator(make_commitment(world))
    url = reverse("api:measurement_create", args=[indicator.pk])
    key = _token(world.users["partenaire"])
    answer = _post(client, url, key, '{"date": "2025-12-31", "valeur":', raw=True)
    assert answer.status_code == 400 and answer.json()["erreur"].startswith("Requête invalide")
    answer = _post(client, url, key, {"date": "hier", "valeur": "beaucoup"})
    assert answer.status_code == 400
    assert any(d.startswith("date") for d in answer.json()["details"])
    answer = _post(client, url, key, {"date": "2025-12-31", "valeur": "1.234"})  # 2 decimals at most
    assert answer.status_code == 400 and answer.json()["details"]
    assert not Measurement.objects.exists()


def test_json_batch_is_atomic_with_a_row_report(world, client):
    mine = first_indicator(make_commitment(world))
    theirs = first_indicator(association_commitment(world))
    key = _token(world.users["partenaire"])
    url = reverse("api:measurement_batch")
    rows = [
        {"indicateur": mine.pk, "date": "2025-06-30", "valeur": 2},
        {"indicateur": theirs.pk, "date": "2025-06-30", "valeur": 2},
        {"indicateur": 999999, "date": "2025-06-30", "valeur": 2},
    ]
    answer = _post(client, url, key, {"mesures": rows})
    assert answer.status_code == 422
    report = answer.json()
    assert not report["ecrit"] and [r["ligne"] for r in report["rejetees"]] == [2, 3]
    assert "n'est pas modifiable par vous" in report["rejetees"][0]["motif"]
    assert "introuvable" in report["rejetees"][1]["motif"]
    assert not Measurement.objects.exists()
    answer = _post(client, url, key, {"mesures": rows[:1] + [{**rows[0], "date": "2025-12-31", "valeur": 5}]})
    assert answer.status_code == 201 and answer.json()["creees"] == 2
    answer = _post(client, url, key, {"mesures": [{**rows[0], "valeur": 3}]})
    assert answer.json()["corrigees"] == 1 and Measurement.objects.count() == 2


def test_csv_batch_in_cp1252_with_decimal_commas(world, client):
    indicator = first_indicator(make_commitment(world))
    key = _token(world.users["partenaire"])
    text = (
        "Mesures TFPB — bailleur\r\n\r\n"
        f"indicateur;date;valeur;source;commentaire\r\n{indicator.pk};31/12/2025;4,5;SI;Réalisé à 45 %\r\n"
    )
    upload = SimpleUploadedFile("mesures.csv", text.encode("cp1252"), content_type="text/csv")
    answer = client.post(reverse("api:measurement_file"), {"fichier": upload}, HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 201, answer.content
    assert answer.json()["notes"]  # the title row skipped is said
    measurement = Measurement.objects.get()
    assert str(measurement.value) == "4.50" and measurement.comment == "Réalisé à 45 %"
    bad = SimpleUploadedFile("m.csv", "indicateur;valeur\r\n1;2\r\n".encode("cp1252"), content_type="text/csv")
    answer = client.post(reverse("api:measurement_file"), {"fichier": bad}, HTTP_AUTHORIZATION=f"Token {key}")
    assert answer.status_code == 422 and "Colonnes manquantes : date" in answer.json()["rejetees"][0]["motif"]


def test_status_change_by_token(world, client):
    commitment = make_commitment(world)
    key = _token(world.users["partenaire"])
    url = reverse("api:commitment_status", args=[commitment.pk])
    answer = _post(client, url, key, {"statut": "abandonne"})
    assert answer.status_code == 400 and "Dites pourquoi" in answer.json()["erreur"]
    answer = _post(client, url, key, {"statut": "en_pause"})
    assert answer.status_code == 400
    answer = _post(client, url, key, {"statut": "engage", "commentaire": "Marché signé"})
    assert answer.status_code == 200 and answer.json()["statut_libelle"] == "Engagé"
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.STARTED
