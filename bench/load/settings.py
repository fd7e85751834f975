"""The product's settings as production runs them, plus the bench-only floor URL (never in the product).

DEBUG is off (the caller sets DEBUG=false and a SECRET_KEY); the bench speaks plain HTTP on 127.0.0.1, so the
HTTPS-only settings are relaxed, and static files come from the finders (no collectstatic needed).
"""

from quartiers.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
