"""What the JSON reads of /api/ share (the typed API of `core.api_ninja` mounts them; this module keeps only what
their views use): the caller (`user_from_request`: the session, or a token with the read scope of the module named
by the path), `paginate` ({"count", "page", "pages", "next", "results"} with `page` and `taille`), `error` (JSON
{"erreur": "message en français"}), and the tokens' backend (accounts registers itself: core imports no app).

The first hand-made registry (`api.route`, OpenAPI 3.0 at /api/openapi.json) is retired: every endpoint is on the
typed API, one OpenAPI 3.1 document at /api/schema/ (also served at /api/openapi.json)."""

from django.http import JsonResponse

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


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
