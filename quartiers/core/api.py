"""The JSON API under /api/: one registry that builds the OpenAPI document, token auth, pagination.

A module declares its endpoints in its `api_urls.py`:

    from quartiers.core import api

    urlpatterns = [
        api.route("qpv/", views.qpv_list, name="api_qpv_list", summary="Liste des QPV",
                  params=[api.param("departement", "Code du département")], tag="Territoires"),
    ]

and its views use `api.paginate(request, queryset, serialize)` and `api.user_from_request(request)`
(session or `Authorization: Token …`), then the same permission policy as the pages.
Errors are JSON: {"erreur": "message en français"}.
"""

import re

from django.http import JsonResponse
from django.urls import path as django_path
from django.views.decorators.http import require_http_methods

REGISTRY = []  # (url pattern, name, method, summary, params, tag)
PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def param(name, description, required=False, kind="string"):
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": kind}}


def route(pattern, view, name, summary, params=(), tag="API", method="get", description="", response=None):
    """`response`: optional JSON Schema of the 200 body; `description`: optional longer text."""
    REGISTRY.append(
        {
            "pattern": pattern,
            "name": name,
            "method": method,
            "summary": summary,
            "params": list(params),
            "tag": tag,
            "description": description,
            "response": response,
        }
    )
    # The endpoint answers only its documented method (405 otherwise, GET also answering HEAD).
    methods = ["GET", "HEAD"] if method == "get" else [method.upper()]
    return django_path(pattern, require_http_methods(methods)(view), name=name)


def error(message, status=400):
    return JsonResponse({"erreur": message}, status=status, json_dumps_params={"ensure_ascii": False})


class TokenBackend:
    """What the API asks of the tokens (they live in accounts, a layer above: it registers itself here).

    `authenticate(key, request)` → the user the token acts as, or None; `create(user, label)` → the clear key
    of a new personal token with every scope the user may hold."""

    def authenticate(self, key, request):
        return None

    def create(self, user, label):
        raise NotImplementedError("aucun fournisseur de jetons n'est installé")


TOKENS = TokenBackend()


def register_token_backend(backend):
    global TOKENS
    TOKENS = backend


def create_token(user, label):
    """Returns the clear key once; only its hash is stored."""
    return TOKENS.create(user, label)


def token_key(request):
    """The key sent as `Authorization: Token …` or `Authorization: Bearer …` ("" when none)."""
    header = request.headers.get("Authorization", "")
    for scheme in ("Token ", "Bearer "):
        if header[: len(scheme)].lower() == scheme.lower():
            return header[len(scheme) :].strip()
    return ""


def user_from_request(request):
    """The token's user (None for an unknown or revoked token, or one without the module's scope), else the
    session's user. Cached on the request: a token is counted once per request."""
    if hasattr(request, "_quartiers_api_user"):
        return request._quartiers_api_user
    key = token_key(request)
    user = TOKENS.authenticate(key, request) if key else request.user
    request._quartiers_api_user = user
    return user


def paginate(request, queryset, serialize):
    """{"count", "page", "pages", "next", "results"}; `page` and `taille` query parameters."""
    try:
        page = max(1, int(request.GET.get("page", 1)))
        size = min(MAX_PAGE_SIZE, max(1, int(request.GET.get("taille", PAGE_SIZE))))
    except ValueError:
        return error("Les paramètres « page » et « taille » doivent être des entiers.")
    count = queryset.count()
    pages = max(1, -(-count // size))
    # Past the last page there is nothing to fetch; an OFFSET beyond 64 bits would also make the database fail.
    items = queryset[(page - 1) * size : page * size] if page <= pages else []
    next_url = None
    if page < pages:
        query = request.GET.copy()
        query["page"] = page + 1
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return JsonResponse(
        {"count": count, "page": page, "pages": pages, "next": next_url, "results": [serialize(o) for o in items]},
        json_dumps_params={"ensure_ascii": False},
    )


# What each Django path converter accepts, as a JSON schema (so a client, or a fuzzer, sends matching values).
CONVERTER_SCHEMAS = {
    "int": {"type": "integer", "minimum": 0},
    "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$", "minLength": 1},
    "uuid": {"type": "string", "format": "uuid"},
    "str": {"type": "string", "pattern": "^[^/]+$", "minLength": 1},
}
_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_document(prefix="/api/"):
    paths = {}
    for entry in REGISTRY:
        url = prefix + _PATH_PARAM.sub(lambda m: "{" + m.group(2) + "}", entry["pattern"])
        path_params = [
            {"name": name, "in": "path", "required": True, "schema": dict(CONVERTER_SCHEMAS[converter or "str"])}
            for converter, name in _PATH_PARAM.findall(entry["pattern"])
        ]
        ok = {"description": "Succès"}
        if entry.get("response"):
            ok["content"] = {"application/json": {"schema": entry["response"]}}
        paths.setdefault(url, {})[entry["method"]] = {
            "operationId": entry["name"],
            "summary": entry["summary"],
            **({"description": entry["description"]} if entry.get("description") else {}),
            "tags": [entry["tag"]],
            "parameters": path_params + entry["params"],
            "responses": {
                "200": ok,
                "400": {"description": "Requête invalide"},
                "403": {"description": "Accès refusé"},
                "404": {"description": "Introuvable"},
            },
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": "API Quartiers", "version": "1", "description": "Données de la politique de la ville."},
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
    }
