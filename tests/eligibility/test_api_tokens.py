"""Eligibility by token (quartiers/eligibility/api_routes.py): one address or point, and a batch run as a
background job, polled and downloaded once; « indetermine » where outlines or the BAN are missing; every call
counted on the token."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.accounts import api_tokens
from quartiers.accounts.models import ApiToken


def _key(user, scopes=None):
    return api_tokens.create(user, "CRM de l'association", scopes or {"eligibility": "read"})[1]


def _check(client, key, body):
    return client.get(reverse("api:eligibility_check"), body, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_one_address_and_one_point_by_token_counted(world, client):
    key = _key(world.users["lecteur"])
    answer = _check(client, key, {"adresse": "12 rue du Carré", "code_postal": "99100"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["resultat"] == "en_qpv" and body["qpv"][0]["code"] == "QNTEST01"
    # Calais: no outline loaded for the Pas-de-Calais here → « indéterminé », with the command that answers.
    calais = _check(client, key, {"adresse": "1 rue de Calais", "code_postal": "62100"}).json()
    assert calais["resultat"] == "indetermine" and calais["commande"]
    point = _check(client, key, {"lon": 1.85, "lat": 50.95}).json()
    assert point["resultat"] == "indetermine"
    assert ApiToken.objects.get(label="CRM de l'association").use_count == 3
    assert _check(client, key, {"lon": -30.0, "lat": 45.0}).status_code == 400  # not in France
    assert _check(client, key, {"code_postal": "99100"}).status_code == 400
    assert _check(client, key, {"adresse": "12 rue du Carré", "generation": 2019}).status_code == 400


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_a_token_without_the_eligibility_scope_is_refused(world, client):
    key = _key(world.users["lecteur"], {"gup": "read"})
    assert _check(client, key, {"adresse": "12 rue du Carré"}).status_code == 401


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_batch_by_token_runs_as_a_job_is_polled_and_downloaded_once(world, client, run_jobs):
    key = _key(world.users["lecteur"])
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    text = "Nom;Adresse;CP\r\nDupont;12 rue du Carré;99100\r\nLefèvre;1 rue de Calais;62100\r\n"
    upload = SimpleUploadedFile("bénéficiaires.csv", text.encode("cp1252"), content_type="text/csv")
    answer = client.post(reverse("api:eligibility_batches"), {"fichier": upload}, **auth)
    assert answer.status_code == 202, answer.content
    batch = answer.json()
    assert batch["statut"] == "en_attente" and batch["resultat"] is None
    run_jobs()
    polled = client.get(batch["suivi"], **auth).json()
    assert polled["statut"] == "termine" and polled["progression"] == 100 and polled["resume"]["en_qpv"] == 1
    result = client.get(polled["resultat"], **auth)
    assert result.status_code == 200 and result["Content-Type"].startswith("text/csv")
    lines = result.content.decode("utf-8-sig").splitlines()
    assert "QNTEST01" in lines[1] and "Lefèvre" in lines[2]
    assert client.get(polled["resultat"], **auth).status_code == 404  # once only
    # Another account's batch is not found.
    other = _key(world.users["chef"])
    assert client.get(batch["suivi"], HTTP_AUTHORIZATION=f"Token {other}").status_code == 404


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_batch_with_unknown_columns_or_a_bad_file_is_refused_in_french(world, client):
    auth = {"HTTP_AUTHORIZATION": f"Token {_key(world.users['lecteur'])}"}
    upload = SimpleUploadedFile("x.csv", b"foo;bar\r\n1;2\r\n", content_type="text/csv")
    answer = client.post(reverse("api:eligibility_batches"), {"fichier": upload}, **auth)
    assert answer.status_code == 400 and "Colonnes non reconnues" in answer.json()["erreur"]
    upload = SimpleUploadedFile("x.csv", b"", content_type="text/csv")
    answer = client.post(reverse("api:eligibility_batches"), {"fichier": upload}, **auth)
    assert answer.status_code == 400 and answer.json()["erreur"]
