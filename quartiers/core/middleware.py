from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest, JsonResponse

from quartiers.core.permissions import LoginRequired


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; turns LoginRequired into a redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None


class AuditUserMiddleware:
    """Keeps the request's user reachable for services that write the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in the path or the query string is refused with a 400.

    PostgreSQL text cannot hold NUL: a filter value carrying one (`?departement=%00`) reached the database and
    failed there with a 500, on every list page and API endpoint that filters. Forms already refuse NUL in
    their fields; this covers what views read straight from the URL.
    """

    MESSAGE = "Requête invalide : l'adresse contient un caractère nul (%00)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            if request.path.startswith("/api/"):
                return JsonResponse({"erreur": self.MESSAGE}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(query):
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())
