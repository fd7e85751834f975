"""The typed API (django-ninja): one NinjaAPI (mounted at the root: its routers live under /api/ and
/open311/v2/), its OpenAPI 3.1 document at /api/schema/ and its browsable page at /api/docs/ (Swagger UI vendored
in static/vendor/swagger-ui: no CDN).

Each app adds a `ninja.Router` in its `api_routes.py` (mounted by quartiers/urls.py, the top layer: core knows no
app). An endpoint declares its typed input (a `Schema`) and output (`response={200: Out, 400: Error, …}`), asks
`require(request, module, level)` for the token's scope, then the same policy (`authorize`, `visible_to`) and the
same services as the pages. Errors are JSON `{"erreur": "message en français", "details": [...]}`.

Authentication: `Authorization: Token <clé>` or `Authorization: Bearer <clé>` (the tokens of accounts, through
`core.api.TOKENS`), else the session (with its CSRF check on writes). Each token is limited to
`settings.API_RATE_PER_MINUTE` requests a minute: beyond, 429 with `Retry-After`.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import APIKeyHeader, APIKeyQuery, SessionAuth

from quartiers.core import api as registry
from quartiers.core.permissions import is_signed_in

LOGIN_REQUIRED = "Authentification requise : en-tête « Authorization: Token <clé> » (ou Bearer), ou session."
READ = "read"
WRITE = "write"
LEVEL_LABELS = {READ: "lecture", WRITE: "écriture"}


class Error(Schema):
    erreur: str
    details: list[str] = []


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 413: Error, 429: Error}


# --- The reads moved from the first registry: same views (session or token, `core.api.paginate`), typed answers ---


def param(name, description, required=False, kind="string"):
    """A query parameter the view reads from `request.GET` itself (documented as the first registry did)."""
    return {"name": name, "in": "query", "required": required, "description": description, "schema": {"type": kind}}


PAGE_PARAMS = [param("page", "Numéro de page", kind="integer"), param("taille", "Taille de page", kind="integer")]


def page_of(item, name):
    """The schema of `core.api.paginate`'s answer: {"count", "page", "pages", "next", "results": [item]}."""
    fields = {"count": int, "page": int, "pages": int, "next": str | None, "results": list[item]}
    return type(name, (Schema,), {"__annotations__": fields, "__module__": item.__module__})


def read(router, path, *, url_name, summary, response, params=(), description=None, statuses=None, geojson=None):
    """A GET operation whose view answers itself (an HttpResponse, passed through by ninja): its own 401/403 for a
    bad token or a refused caller (`core.api.user_from_request` + the policy), anonymous where the pages are public.
    `response` types the 200 JSON; `geojson` (a JSON schema) adds the application/geo+json answer."""
    extra = {"parameters": list(params)}
    if geojson:
        extra["responses"] = {"200": {"description": "OK", "content": {"application/geo+json": {"schema": geojson}}}}
    responses = {**ERRORS, **(statuses or {})}
    if response is not None:  # None: a GeoJSON-only answer
        responses[200] = response
    return router.get(
        path,
        auth=None,
        response=responses,
        url_name=url_name,
        operation_id=url_name,
        summary=summary,
        description=description,
        openapi_extra=extra,
    )


def rate_limit(token):
    """At most API_RATE_PER_MINUTE requests per token and minute (a fixed window in the cache)."""
    limit = getattr(settings, "API_RATE_PER_MINUTE", 600)
    window = int(time.time() // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 120)
        count = 1
    if count > limit:
        raise Throttled(wait=60 - int(time.time()) % 60 or 1)


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <clé>` or `Bearer <clé>`; an unknown, revoked or out-of-scope token is refused."""

    param_name = "Authorization"
    openapi_description = "« Token <clé> » ou « Bearer <clé> » : un jeton créé sur la page « Mon compte »."

    def authenticate(self, request, key):
        if not registry.token_key(request):
            return None
        user = registry.user_from_request(request)
        if user is None:
            raise AuthenticationError(401, "Jeton inconnu, révoqué ou sans portée sur ce module.")
        rate_limit(user.api_token)
        return user


class Open311Key(APIKeyQuery):
    """GeoReport v2's `api_key` parameter (query string, or the form body of a POST) is one of our tokens."""

    param_name = "api_key"
    openapi_description = "Un jeton créé sur « Mon compte » (portée GUP), comme le prévoit Open311."

    def _get_key(self, request):
        if registry.token_key(request):
            return None
        return request.GET.get("api_key") or (request.POST.get("api_key") if request.method == "POST" else None)

    def authenticate(self, request, key):
        if not key:
            return None
        user = registry.TOKENS.authenticate(key, request)
        if user is None:
            raise AuthenticationError(401, "Clé d'API (api_key) inconnue, révoquée ou sans portée GUP.")
        request._quartiers_api_user = user
        rate_limit(user.api_token)
        return user


class Session(SessionAuth):
    """The signed-in session of the pages (CSRF checked on writes)."""

    def authenticate(self, request, key):
        if registry.token_key(request):
            return None  # a token was sent: TokenAuth answered for it
        return request.user if is_signed_in(request.user) else None


AUTH = [TokenAuth(), Session()]
OPEN311_AUTH = [TokenAuth(), Open311Key(), Session()]


def require(request, module, level=READ):
    """The token's scope on `module` (a session is not scoped: the policy alone decides)."""
    token = getattr(request.auth, "api_token", None)
    if token is not None and not token.allows(module, level):
        raise HttpError(403, f"Ce jeton n'a pas la portée « {LEVEL_LABELS[level]} » sur le module « {module} ».")
    return request.auth


class Open311Error(Schema):
    code: int
    description: str


OPEN311_ERRORS = {
    400: list[Open311Error],
    401: list[Open311Error],
    403: list[Open311Error],
    404: list[Open311Error],
    413: list[Open311Error],
    429: list[Open311Error],
}


def _error(api, request, status, message, details=()):
    if request.path.startswith("/open311/"):
        # GeoReport v2's error format: an array of {code, description} (in French here).
        text = " ".join([message, *details]) if details else message
        return api.create_response(request, [{"code": status, "description": text}], status=status)
    return api.create_response(request, {"erreur": message, "details": list(details)}, status=status)


def _field(loc):
    return ".".join(
        str(part) for part in loc if part not in ("body", "payload", "query", "path", "form", "data", "filters")
    )


# Pydantic's error types, said in French (others keep pydantic's English message).
FRENCH = {
    "missing": "champ obligatoire",
    "date_from_datetime_parsing": "date invalide (attendu : AAAA-MM-JJ)",
    "date_parsing": "date invalide (attendu : AAAA-MM-JJ)",
    "date_type": "date invalide (attendu : AAAA-MM-JJ)",
    "decimal_parsing": "nombre attendu",
    "decimal_type": "nombre attendu",
    "decimal_max_places": "trop de décimales",
    "decimal_max_digits": "nombre trop long",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "string_type": "texte attendu",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "too_long": "liste trop longue",
    "list_type": "liste attendue",
    "literal_error": "valeur non permise",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "model_attributes_type": "objet JSON attendu",
    "dict_type": "objet JSON attendu",
    "bool_parsing": "booléen attendu (true ou false)",
}


def _message(error):
    french = FRENCH.get(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if french and "expected" in ctx:
        french += f" (attendu : {ctx['expected']})"
    return french or error.get("msg", "")


def install_handlers(api):
    def validation(request, exc):
        details = [f"{_field(e.get('loc', ())) or 'requête'} : {_message(e)}" for e in exc.errors]
        return _error(api, request, 400, "Requête invalide : corps JSON ou paramètres mal formés.", details)

    def http(request, exc):
        response = _error(api, request, exc.status_code, str(exc.message))
        if isinstance(exc, Throttled):
            response = _error(api, request, 429, "Trop de requêtes pour ce jeton : réessayez dans une minute.")
            response["Retry-After"] = str(exc.wait or 60)
        if isinstance(exc, AuthenticationError) and exc.message == "Unauthorized":
            response = _error(api, request, 401, LOGIN_REQUIRED)
        if str(exc.message).startswith("Cannot parse request body"):
            response = _error(api, request, 400, "Requête invalide : le corps n'est pas du JSON lisible.")
        if exc.message == "CSRF check Failed":
            response = _error(api, request, 403, "Vérification CSRF échouée : rechargez la page, ou utilisez un jeton.")
        return response

    def django_validation(request, exc):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        details = [f"{k} : {m}" if k and k != "__all__" else m for k, ms in messages.items() for m in ms]
        return _error(api, request, 400, details[0] if len(details) == 1 else "Données refusées.", details)

    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http)
    api.add_exception_handler(DjangoValidationError, django_validation)
    api.add_exception_handler(RequestDataTooBig, lambda r, e: _error(api, r, 413, "Requête trop volumineuse."))
    api.add_exception_handler(PermissionDenied, lambda r, e: _error(api, r, 403, "Accès refusé."))
    api.add_exception_handler(Http404, lambda r, e: _error(api, r, 404, "Introuvable ou non visible pour vous."))


class QuartiersAPI(NinjaAPI):
    """NinjaAPI whose root (/api/) sends to the browsable page, and answers GET only (405 otherwise)."""

    # Mounted at the site's root (its routers say /api/… or /open311/v2/): the paths of the document are absolute.
    def get_root_path(self, path_params):
        return "/"

    def _get_urls(self):
        urls = super()._get_urls()
        for url in urls:
            url.callback = _head_as_get(url.callback)
        root = [u for u in urls if getattr(u, "name", None) == "api-root"]
        others = [u for u in urls if u not in root]
        return [*others, path("api/", require_safe(lambda request: redirect("api:docs")), name="api-root")]


def _head_as_get(view):
    """HEAD answers as GET does (as the first registry's reads did; ninja alone says 405); the server drops the
    body of a HEAD answer (Django's handlers do), its headers stay those of the GET."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return wrapped


def build(routers):
    """The NinjaAPI with each app's router: [(prefix, router), …] (quartiers/urls.py passes them)."""
    api = QuartiersAPI(
        title="API Quartiers",
        version="2",
        description=(
            "Écritures et lectures typées de Quartiers : mesures des engagements, éligibilité QPV, jetons. "
            "Authentification par jeton (« Authorization: Token <clé> ») créé sur « Mon compte », avec des "
            "portées par module. Les lectures sans jeton suivent les mêmes droits que les pages (session ou anonyme "
            "là où les pages sont publiques). Un seul document : /api/schema/ (aussi servi à /api/openapi.json)."
        ),
        auth=AUTH,
        openapi_url="/api/schema/",
        docs_decorator=require_safe,
        docs_url=None,  # ninja's page pulls a CDN: ours (`docs`) serves the vendored Swagger UI
        urls_namespace="api",
    )
    install_handlers(api)
    for prefix, router in routers:
        api.add_router(prefix, router)

    @api.get("api/docs/", auth=None, include_in_schema=False, url_name="docs")
    def docs(request):
        return render(request, "core/api_docs.html", {"schema_url": reverse("api:openapi-json")})

    return api
