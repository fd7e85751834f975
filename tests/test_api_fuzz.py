"""API fuzzing: schemathesis generates requests from the one OpenAPI 3.1 document of the API, /api/schema/
(django-ninja: reads, writes and Open311 — the first registry's reads moved there), served by Django's WSGI app.

Every operation gets valid and invalid parameter values, sent with a real token of the test world's users (an
administrator with every scope, a partner with write scopes on contracts and GUP) and with no token at all, over a
world holding objects of every app (so small ids hit real objects). The API must never answer with a server error,
and every answer must match the schema the document declares for its status. Bounded and derandomized so that
`make test` stays short and a failure replays the same way.
"""

import pytest
import schemathesis
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.conftest import matrix_modules
from tests.world import build_world


def _populated_world():
    world = build_world()
    for module in matrix_modules():
        for case in module.CASES:
            for value in (case.args, case.data):
                if callable(value):
                    # Two cases may build the same object (a natural key made twice): keep the first, go on.
                    try:
                        with transaction.atomic():
                            value(world)
                    except IntegrityError:
                        pass
    return world


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, json_answer",
    [
        ("/api/contrats/?departement=%00", True),
        ("/api/territoires/qpv/QN%00/", True),
        ("/territoires/?q=a%00b", False),
    ],
)
def test_a_nul_character_in_the_url_is_a_400_not_a_database_error(client, url, json_answer):
    """Found by the fuzzer on PostgreSQL (text cannot hold NUL): a 500 on every endpoint that filters."""
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in (response.json()["erreur"] if json_answer else response.content.decode())


# --- The one document (django-ninja, OpenAPI 3.1), /api/schema/, fuzzed through Django's WSGI app ---

NINJA_EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: the WSGI requests must not close the test's connection (PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _ninja_schema():
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


def _ninja_operations():
    return [result.ok() for result in _ninja_schema().get_all_operations()]


@pytest.mark.django_db
def test_the_ninja_document_is_openapi_31_and_lists_reads_writes_and_open311(client):
    document = client.get("/api/schema/").json()
    assert document["openapi"].startswith("3.1")
    # The former address serves the same document (the first registry is retired).
    old = client.get("/api/openapi.json")
    assert old.status_code == 200 and old.json() == document
    labels = {op.label for op in _ninja_operations()}
    assert len(labels) >= 39  # 21 reads of the first registry + 2 GUP reads, writes, tokens, Open311
    assert {
        # the first registry's reads, moved with their paths
        "GET /api/territoires/qpv/",
        "GET /api/territoires/qpv/{code}/",
        "GET /api/territoires/carte/",
        "GET /api/contrats/",
        "GET /api/contrats/{pk}/engagements/",
        "GET /api/reseau/rencontres/{pk}/",
        "GET /api/reseau/{slug}/membres/",
        "GET /api/programmation/appels/{pk}/subventions/",
        "GET /api/ressources/documents/{pk}/",
        "GET /api/eligibilite/adresse",
        "GET /api/eligibilite/point",
        "GET /api/gup/signalements/{pk}/",
        "POST /api/contrats/indicateurs/{pk}/mesures",
        "POST /open311/v2/requests.json",
        "GET /api/eligibilite/lots/{pk}",
    } <= labels
    # Every operation declares its answers with a schema (no untyped 200).
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            ok = {k: v for k, v in operation["responses"].items() if k.startswith("2")}
            assert ok and all("content" in v for v in ok.values()), f"{method.upper()} {path}"


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("role", ["admin", "partenaire", "anonyme"])
def test_fuzzing_the_ninja_api_finds_no_server_error_and_no_answer_off_its_schema(
    role, settings, tmp_path, keep_test_connection
):
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from quartiers.accounts import api_tokens
    from quartiers.accounts.models import API_MODULES

    settings.MEDIA_ROOT = str(tmp_path)
    world = _populated_world()
    scopes = {module: levels[-1] for module, (_label, levels) in API_MODULES.items()}
    if role != "admin":
        scopes = {m: "read" for m in scopes} | {"contracts": "write", "gup": "write"}
    settings.API_RATE_PER_MINUTE = 100_000
    # The WSGI transport does not undo a Content-Encoding (an HTTP client would): ask the map for plain GeoJSON.
    headers = {"Accept-Encoding": "identity"}
    if world.users[role] is not None:  # anonymous: the public reads answer, the others say 401 in their schema
        _token, key = api_tokens.create(world.users[role], "fuzz", scopes)
        headers["Authorization"] = f"Token {key}"
    for operation in _ninja_operations():
        for mode, count in NINJA_EXAMPLES.items():

            @settings_(count)
            @given(operation.as_strategy(generation_mode=mode))
            def send(case):
                # A failure raises with the request to replay it (curl) and the schema it broke.
                case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

            try:
                send()
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE, operation.label


def settings_(count):
    return settings(
        max_examples=count, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )


@pytest.mark.django_db
def test_a_moved_read_answers_head_like_get_and_refuses_post(client):
    """As the first registry's reads did: HEAD is a GET without its body, any write method is a 405."""
    build_world()
    get = client.get("/api/territoires/regions/")
    head = client.head("/api/territoires/regions/")
    assert get.status_code == head.status_code == 200 and get.json()["count"] >= 1
    assert head.content == b"" and head["Content-Type"] == get["Content-Type"]
    assert client.post("/api/territoires/regions/").status_code == 405
    assert client.head("/api/contrats/indicateurs/1/mesures").status_code == 405  # a POST-only operation
