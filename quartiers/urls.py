from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path

from quartiers.core import api_ninja

# The site layer (home page) and core (jobs, health, OpenAPI) share the root.
urlpatterns = [path("", include("quartiers.site.urls")), path("", include("quartiers.core.urls"))]

# Each domain app brings its own urls.py; mounted here by convention.
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
# The typed API (django-ninja, quartiers.core.api_ninja): each app's `api_routes.py` brings a router, mounted
# at the root (each router's PREFIX says /api/… or /open311/v2/): every endpoint of /api/ is there, in one
# OpenAPI 3.1 document. The GUP's Open311 GeoReport v2 endpoints are its router `gup.open311`.
API_APPS = list(MOUNTS)
ROUTE_MODULES = [
    import_module(f"quartiers.{app}.api_routes")
    for app in dict.fromkeys(API_APPS)
    if find_spec(f"quartiers.{app}.api_routes")
]
if find_spec("quartiers.gup.open311"):
    ROUTE_MODULES.append(import_module("quartiers.gup.open311"))
ninja_api = api_ninja.build([(module.PREFIX, module.router) for module in ROUTE_MODULES])
urlpatterns.append(path("", ninja_api.urls))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
