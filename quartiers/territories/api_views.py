"""Read-only JSON / GeoJSON API of the territories (same permission policy as the pages)."""

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404

from quartiers.core import api
from quartiers.core.permissions import can
from quartiers.territories import mapdata
from quartiers.territories.models import (
    EPCI,
    QPV,
    Commune,
    ContratDeVille,
    Departement,
    IndicatorDefinition,
    IndicatorValue,
    Region,
)
from quartiers.territories.services import filter_qpvs


def _user(request, model):
    """The caller, or an error response (bad token, or not allowed)."""
    user = api.user_from_request(request)
    if user is None:
        return None, api.error("Jeton d'API invalide.", 401)
    if not can(user, "view", model):
        return None, api.error("Accès refusé.", 403)
    return user, None


def serialize_qpv(q):
    return {
        "code": q.code,
        "nom": q.nom,
        "generation": q.generation,
        "departement": q.departement_id,
        "region": q.departement.region_id,
        "epci": q.epci_id,
        "communes": [{"insee": c.insee, "nom": c.nom} for c in q.communes.all()],
        "population": q.population,
        "npnru": q.npnru,
        "contour_charge": q.outline_loaded,
        "point": [q.lon, q.lat] if q.lat is not None else None,
        "point_approximatif": q.point_approx,
    }


def qpv_list(request):
    user, error = _user(request, QPV)
    if error:
        return error
    qs, _active = filter_qpvs(QPV.objects.visible_to(user), request.GET)
    qs = qs.with_related(geometry=request.GET.get("format") == "geojson")
    if request.GET.get("format") == "geojson":
        return _geojson_page(request, qs)
    return api.paginate(request, qs, serialize_qpv)


def _geojson_page(request, qs):
    """The same page as `api.paginate`, as a GeoJSON FeatureCollection with the counters beside it."""
    try:
        page = max(1, int(request.GET.get("page", 1)))
        size = min(api.MAX_PAGE_SIZE, max(1, int(request.GET.get("taille", api.PAGE_SIZE))))
    except ValueError:
        return api.error("Les paramètres « page » et « taille » doivent être des entiers.")
    count = qs.count()
    pages = max(1, -(-count // size))
    next_url = None
    if page < pages:
        query = request.GET.copy()
        query["page"] = page + 1
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    features = []
    for q in qs[(page - 1) * size : page * size]:
        point = {"type": "Point", "coordinates": [q.lon, q.lat]} if q.lat is not None else None
        features.append({"type": "Feature", "geometry": q.outline_simplified or point, "properties": serialize_qpv(q)})
    body = {"type": "FeatureCollection", "count": count, "page": page, "pages": pages, "next": next_url}
    body["features"] = features
    return JsonResponse(body, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})


def qpv_detail(request, code):
    user, error = _user(request, QPV)
    if error:
        return error
    qpv = get_object_or_404(QPV.objects.visible_to(user).with_related(geometry=True), code=code)
    data = serialize_qpv(qpv)
    data["contour"] = qpv.outline_simplified
    data["contour_source"] = qpv.outline_source
    data["contrats_de_ville"] = list(qpv.contrats.values_list("code", flat=True))
    data["indicateurs"] = {
        v.indicator.code: {"valeur": float(v.valeur) if v.valeur is not None else None, "secret": v.secret,
                           "millesime": v.millesime}
        for v in IndicatorValue.objects.filter(level="qpv", code=qpv.code).select_related("indicator")
    }  # fmt: skip
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def region_list(request):
    user, error = _user(request, Region)
    return error or api.paginate(request, Region.objects.all(), lambda r: {"code": r.code, "nom": r.nom})


def departement_list(request):
    user, error = _user(request, Departement)
    if error:
        return error
    qs = Departement.objects.all()
    if request.GET.get("region"):
        qs = qs.filter(region_id=request.GET["region"])
    return api.paginate(request, qs, lambda d: {"code": d.code, "nom": d.nom, "region": d.region_id})


def epci_list(request):
    user, error = _user(request, EPCI)
    if error:
        return error
    qs = EPCI.objects.visible_to(user)
    if request.GET.get("departement"):
        qs = qs.filter(pk__in=Commune.objects.filter(departement_id=request.GET["departement"]).values("epci_id"))
    if request.GET.get("q"):
        qs = qs.filter(nom__icontains=request.GET["q"])
    return api.paginate(
        request, qs, lambda e: {"siren": e.siren, "nom": e.nom, "type": e.type, "population": e.population}
    )


def commune_list(request):
    user, error = _user(request, Commune)
    if error:
        return error
    qs = Commune.objects.visible_to(user)
    for key, lookup in (("departement", "departement_id"), ("epci", "epci_id"), ("insee", "insee")):
        if request.GET.get(key):
            qs = qs.filter(**{lookup: request.GET[key]})
    if request.GET.get("q"):
        qs = qs.filter(nom__icontains=request.GET["q"])
    return api.paginate(
        request,
        qs,
        lambda c: {"insee": c.insee, "nom": c.nom, "siren": c.siren, "departement": c.departement_id,
                   "epci": c.epci_id, "population": c.population, "codes_postaux": c.codes_postaux},
    )  # fmt: skip


def contrat_list(request):
    user, error = _user(request, ContratDeVille)
    if error:
        return error
    qs = ContratDeVille.objects.visible_to(user).prefetch_related("qpvs")
    for key, lookup in (("departement", "departement_id"), ("epci", "epci_id"), ("commune", "commune_id")):
        if request.GET.get(key):
            qs = qs.filter(**{lookup: request.GET[key]})
    return api.paginate(
        request,
        qs,
        lambda c: {"code": c.code, "nom": c.nom, "generation": c.generation, "departement": c.departement_id,
                   "epci": c.epci_id, "commune": c.commune_id, "qpv": [q.code for q in c.qpvs.all()]},
    )  # fmt: skip


def indicator_list(request):
    user, error = _user(request, IndicatorDefinition)
    if error:
        return error
    return api.paginate(
        request,
        IndicatorDefinition.objects.all(),
        lambda i: {"code": i.code, "libelle": i.libelle, "unite": i.unite, "source": i.source,
                   "millesime": i.annee, "additionnable": i.additionnable},
    )  # fmt: skip


def indicator_values(request):
    user, error = _user(request, IndicatorValue)
    if error:
        return error
    qs = IndicatorValue.objects.select_related("indicator").order_by("indicator__ordre", "level", "code")
    if request.GET.get("indicateur"):
        qs = qs.filter(indicator__code=request.GET["indicateur"])
    if request.GET.get("niveau"):
        qs = qs.filter(level=request.GET["niveau"])
    if request.GET.get("code"):
        qs = qs.filter(code=request.GET["code"])
    return api.paginate(
        request,
        qs,
        lambda v: {"indicateur": v.indicator.code, "niveau": v.level, "code": v.code,
                   "valeur": float(v.valeur) if v.valeur is not None else None, "secret": v.secret,
                   "millesime": v.millesime},
    )  # fmt: skip


def map_data(request):
    """The national map by view (bbox and zoom, see `mapdata`), with an ETag: 304 when the view is unchanged."""
    user, error = _user(request, QPV)
    if error:
        return error
    try:
        level, bbox, _zoom = mapdata.parse_view(request.GET.get("bbox"), request.GET.get("zoom"))
    except mapdata.MapRequestError as exc:
        return api.error(str(exc))
    qs = QPV.objects.visible_to(user)
    generation = request.GET.get("generation")
    if generation in ("2015", "2024"):
        qs = qs.filter(generation=int(generation))
    else:
        generation = ""
    # QPVs are public reference data: one answer per view for every caller, so the cache key has no user.
    tag = mapdata.etag(level, bbox, generation)
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        plain, compressed = mapdata.body(tag.strip('"'), qs, level, bbox)
        # Compressed once and cached: a national view is ~260 kB of JSON, ~40 kB gzipped.
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response = HttpResponse(compressed, content_type="application/geo+json")
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(plain, content_type="application/geo+json")
    response["ETag"] = tag
    response["Cache-Control"] = "private, max-age=300"  # reference data; the ETag revalidates it after
    response["Vary"] = "Cookie, Authorization, Accept-Encoding"
    return response
