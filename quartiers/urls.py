from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path

# The site layer (home page) and core (jobs, health, OpenAPI) share the root.
urlpatterns = [path("", include("quartiers.site.urls")), path("", include("quartiers.core.urls"))]

# Each domain app brings its own urls.py (and api_urls.py for /api/); mounted here by convention.
MOUNTS = {
    "accounts": "comptes/",
    "territories": "territoires/",
    "eligibility": "eligibilite/",
    "contracts": "contrats/",
    "programming": "programmation/",
    "mobilisation": "mobilisation/",
    "renewal": "npnru/",
    "gup": "gup/",
    "network": "reseau/",
    "resources": "ressources/",
}
for app, prefix in MOUNTS.items():
    if find_spec(f"quartiers.{app}.urls"):
        urlpatterns.append(path(prefix, include(f"quartiers.{app}.urls")))
for app in MOUNTS:
    if find_spec(f"quartiers.{app}.api_urls"):
        urlpatterns.append(path("api/", include(import_module(f"quartiers.{app}.api_urls"))))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
