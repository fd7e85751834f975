"""API fuzzing: schemathesis generates requests from /api/openapi.json (the registry of quartiers/core/api.py).

Every operation of the document gets valid and invalid parameter values, sent with a real token of the test
world's users (an administrator, a chef de projet, and no token at all) over a world holding objects of
every app (so small ids hit real objects). The API must never answer with a server error, and every
successful answer is JSON that matches the response schema the document declares. Bounded and derandomized
so that `make test` stays short and a failure replays the same way.
"""

import json

import jsonschema_rs  # installed with schemathesis
import pytest
import schemathesis
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from quartiers.core import api
from tests.conftest import matrix_modules
from tests.world import build_world

EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}


def _document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _query(query):
    # Negative cases may carry any JSON value: send what a client would put in a URL.
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in (query or {}).items()}


def _json_schema(node):
    """OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes a "null" type."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        out["type"] = [node["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def _response_schema(document, operation):
    ok = document["paths"][operation.path][operation.method.lower()]["responses"]["200"]
    schema = ok.get("content", {}).get("application/json", {}).get("schema")
    return _json_schema(schema) if schema else None


JSON_TYPES = ("application/json", "application/geo+json")


def _sender(client, headers, strategy, count, schema, errors):
    @settings(
        max_examples=count, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def send(case):
        response = client.get(case.formatted_path, _query(case.query), headers=headers)
        if response.status_code >= 500:
            errors.append(f"{response.status_code} GET {case.formatted_path} {case.query}")
        elif response.status_code < 300:
            # JSON, or GeoJSON for the map endpoints (GUIDE §3).
            assert response["Content-Type"].startswith(JSON_TYPES), case.formatted_path
            body = json.loads(response.content)
            if schema:  # the body matches the response schema the registry declares
                jsonschema_rs.validate(schema, body)

    return send


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


def _operations(client):
    schema = schemathesis.openapi.from_dict(_document(client))
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db
def test_the_openapi_document_lists_every_api_route(client):
    operations = {op.label for op in _operations(client)}
    assert len(operations) == len(api.REGISTRY) >= 20
    assert "GET /api/reseau/rencontres/{pk}/" in operations


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "chef", "anonyme"])
def test_fuzzing_the_api_finds_no_server_error(client, role):
    world = _populated_world()
    user = world.users[role]
    headers = {"Authorization": f"Token {api.create_token(user, 'fuzz')}"} if user else {}
    errors = []
    document = _document(client)
    for operation in _operations(client):
        schema = _response_schema(document, operation)
        for mode, count in EXAMPLES.items():
            send = _sender(client, headers, operation.as_strategy(generation_mode=mode), count, schema, errors)
            try:
                send()
            except Unsatisfiable:
                # No invalid value exists for this operation's parameters (free strings only): nothing to break.
                assert mode == GenerationMode.NEGATIVE, operation.label
    assert not errors, "Erreurs serveur :\n" + "\n".join(errors[:20])


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


# --- The typed API (django-ninja): its OpenAPI 3.1 document, /api/schema/, fuzzed through Django's WSGI app ---

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
    labels = {op.label for op in _ninja_operations()}
    assert {
        "GET /api/gup/signalements/{pk}/",  # moved from the first registry
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
@pytest.mark.parametrize("role", ["admin", "partenaire"])
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
    _token, key = api_tokens.create(world.users[role], "fuzz", scopes)
    headers = {"Authorization": f"Token {key}"}
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
