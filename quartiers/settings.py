"""Settings read from environment variables; with none set, Quartiers runs on SQLite under var/."""

from pathlib import Path

import dj_database_url

from quartiers.env import ConfigError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("QUARTIERS_VAR_DIR", str(BASE_DIR / "var")))
DATA_DIR = Path(__file__).resolve().parent / "data"

DEBUG = envbool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789-quartiers"
SECRET_KEY = envstr("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET):
    raise ConfigError("SECRET_KEY doit être défini (au moins 50 caractères aléatoires) quand DEBUG=False.")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# Public address of the deployment, for links written without a request (e-mails sent by the worker);
# pages and calendar files use the address the request came to (quartiers.core.links). In development it
# is the address `make demo` serves; in production `check --deploy` asks for it (quartiers.W001).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ConfigError(f"SITE_URL={SITE_URL!r} doit commencer par https:// (ex. https://quartiers.exemple.fr).")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "quartiers.core",
    "quartiers.accounts",
    "quartiers.territories",
    "quartiers.geocoding",
    "quartiers.eligibility",
    "quartiers.contracts",
    "quartiers.mobilisation",
    "quartiers.renewal",
    "quartiers.gup",
    "quartiers.network",
    "quartiers.resources",
    "quartiers.programming",
    "quartiers.site",  # the top layer: home page, navigation, demo orchestration (last)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quartiers.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "quartiers.core.middleware.SecurityHeadersMiddleware",
    "quartiers.core.middleware.AuditUserMiddleware",
]

ROOT_URLCONF = "quartiers.urls"
# Django's form templates, with <select>, <option> and <input> written in Python (core/renderers.py).
FORM_RENDERER = "quartiers.core.renderers.FormRenderer"
WSGI_APPLICATION = "quartiers.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quartiers.site.context_processors.navigation",
            ],
            # French plurals (« 0 résultat ») and safe Markdown in every template, without a {% load %}.
            "builtins": ["quartiers.core.templatetags.texte"],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'quartiers.sqlite3'}")
try:
    # Connections kept 60 s: a new SQLite connection re-reads the whole schema on its first query (~5 ms, more
    # than most pages' own queries), a new PostgreSQL one costs a round of authentication. Checked before reuse.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
except Exception as exc:  # dj_database_url raises several kinds; all mean the same to an operator
    raise ConfigError(f"DATABASE_URL={DATABASE_URL!r} est invalide : {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while pages read; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        # mmap: the search index's b-trees are read in place, without a system call per page (docs/ressources.md).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=2147418112;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["quartiers.accounts.backends.EmailBackend"]
SESSION_ENGINE = "quartiers.accounts.sessions"  # Django's database sessions, read with one plain query
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_THROTTLE_ATTEMPTS = envint("LOGIN_THROTTLE_ATTEMPTS", 5)
LOGIN_THROTTLE_MINUTES = envint("LOGIN_THROTTLE_MINUTES", 15)
# One IP is blocked after ATTEMPTS × IP_FACTOR failures across accounts (accounts.throttle).
LOGIN_THROTTLE_IP_FACTOR = envint("LOGIN_THROTTLE_IP_FACTOR", 4)
INVITATION_DAYS = envint("INVITATION_DAYS", 7)
# Requests per minute and API token (quartiers.core.api_ninja): beyond, 429 with Retry-After.
API_RATE_PER_MINUTE = envint("API_RATE_PER_MINUTE", 600)
# Each process keeps its cache in memory (no server to run). Room for the pages' fragments and versioned answers
# (contract pages, QPV fiches, resource lists and cards): Django's default of 300 entries culled them all day.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
# Postings of the searched words kept in memory per process (resources/postings.py).
SEARCH_CACHE_MB = envint("SEARCH_CACHE_MB", 256)

# The interface is French only: no LocaleMiddleware, so an English browser still gets French
# messages and French number formats (2 938, not 2,938).
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Quartiers <noreply@quartiers.localhost>")

# A running job whose worker stopped beating for this long is resumed (or failed) by another worker.
JOBS_STALE_SECONDS = envint("JOBS_STALE_SECONDS", 120)

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security: the production profile passes `check --deploy` with no warning.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Lax: the session is not sent with cross-site POSTs, yet links from e-mails (invitations) keep it.
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Geocoding: offline on the BAN files by default (addresses never leave the machine); a deployment may
# choose the national online geocoder instead.
GEOCODING_BACKEND = envstr("GEOCODING_BACKEND", "hors-ligne")
if GEOCODING_BACKEND not in ("hors-ligne", "en-ligne"):
    raise ConfigError(f"GEOCODING_BACKEND={GEOCODING_BACKEND!r} : valeurs possibles « hors-ligne » ou « en-ligne ».")
GEOCODING_ONLINE_URL = envstr("GEOCODING_ONLINE_URL", "https://data.geopf.fr/geocodage/search")

# Map tiles are the only third-party origin; a deployment without them simply shows outlines.
MAP_TILES_URL = envstr("MAP_TILES_URL", "")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:"
    + (" " + MAP_TILES_URL.split("/{")[0] if MAP_TILES_URL else "")
    + "; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Tests fail on unknown template variables (les-emplois habit).
if envbool("QUARTIERS_STRICT_TEMPLATES", False):
    TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE[%s]"

# In development whitenoise serves from the finders; STATIC_ROOT exists only after collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
