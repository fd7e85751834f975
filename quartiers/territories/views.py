"""Pages of the official geography. Public reference data: every page is open, through the one policy."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from quartiers.core import audit, jobs
from quartiers.core.exports import export_response, geojson_response, unknown_format
from quartiers.core.permissions import authorize, can, view_public
from quartiers.territories import hooks, refcache
from quartiers.territories import jobs as territory_jobs  # noqa: F401  (registers "territories.import")
from quartiers.territories.exports import EXPORT_COLUMNS
from quartiers.territories.indicators import comparison, coverage, totals
from quartiers.territories.models import EPCI, QPV, Commune, ContratDeVille, Departement, Label, Region
from quartiers.territories.services import SORTS, compare_generations, filter_qpvs

PAGE_SIZE = 50
LITTORAL = ["62193", "59183", "62160", "62758", "62765", "59295"]  # the coastal network of the 2019 meeting


@require_safe
@view_public
def qpv_list(request):
    authorize(request.user, "view", QPV)
    fmt = request.GET.get("format")
    if fmt:
        qs, _active = filter_qpvs(QPV.objects.visible_to(request.user), request.GET)
        return export_qpvs(qs, fmt)
    query = request.GET.copy()
    query.pop("page", None)
    # QPVs are public: the filters, the table and its pagination are the same for everyone, per data version.
    parts = refcache.cached("qpv_list", sorted(request.GET.lists()), lambda: _list_parts(request, query))
    context = {
        "parts": parts,
        "querystring": query.urlencode(),
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "current_sort": request.GET.get("tri") or "code",
        "can_import": can(request.user, "manage", QPV),
    }
    return render(request, "territories/qpv_list.html", context)


def _list_parts(request, query):
    qs, active = filter_qpvs(QPV.objects.all(), request.GET)
    page = Paginator(qs.with_related(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "querystring": query.urlencode(),
        "active": active,
        "filters": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "regions": Region.objects.all(),
        "departements": Departement.objects.all(),
        "sorts": [(k, label) for k, label in SORT_LABELS.items() if k in SORTS],
        "current_sort": request.GET.get("tri") or "code",
        "littoral": Commune.objects.filter(insee__in=LITTORAL).annotate(nb_qpv=Count("qpvs")).order_by("nom"),
    }
    return {
        "filters": render_to_string("territories/_qpv_list_filters.html", context),
        "results": render_to_string("territories/_qpv_list_results.html", context),
        "count": page.paginator.count,
    }


FILTER_KEYS = ("q", "region", "departement", "epci", "commune", "generation", "npnru", "contour", "contrat")
SORT_LABELS = {
    "code": "code",
    "nom": "nom",
    "departement": "département",
    "population": "population (décroissante)",
    "generation": "géographie",
}


def export_qpvs(qs, fmt):
    qs = qs.with_related(geometry=fmt == "geojson")
    if fmt in ("csv", "xlsx"):
        return export_response(qs, EXPORT_COLUMNS, "qpv", fmt)
    if fmt == "geojson":
        features = []
        for q in qs:
            geometry = q.outline_simplified
            if geometry is None and q.lat is not None:
                geometry = {"type": "Point", "coordinates": [q.lon, q.lat]}
            props = {label: _export_value(q, accessor) for label, accessor in EXPORT_COLUMNS}
            features.append((geometry, props))
        return geojson_response(features, "qpv")
    return unknown_format(fmt, ("csv", "xlsx", "geojson"))


def _export_value(obj, accessor):
    value = accessor(obj) if callable(accessor) else getattr(obj, accessor)
    return value


@require_safe
@view_public
def qpv_detail(request, code):
    qpv = get_object_or_404(
        QPV.objects.visible_to(request.user)
        .select_related("departement__region", "epci")
        .defer(*HEAVY_FIELDS, "epci__outline_simplified"),
        code=code,
    )
    authorize(request.user, "view", qpv)
    # The QPV is public reference data: its fiche (facts, map, indicators) is the same for everyone, per
    # data version; only the other modules' links depend on the user.
    reference = refcache.version()
    context = {
        "qpv": qpv,
        "body": refcache.cached("qpv_fiche", code, lambda: _fiche_body(qpv.pk), token=reference),
        "module_links": hooks.links_for(qpv, request.user, reference=reference),
    }
    return render(request, "territories/qpv_detail.html", context)


HEAVY_FIELDS = ("outline_wkb", "outline_overview", "outline_simplified")


def _fiche_body(pk):
    qpv = QPV.objects.select_related("departement__region", "epci").get(pk=pk)
    communes = list(qpv.communes.only("insee", "nom", "population", "outline_simplified", "epci_id"))
    rows = comparison(qpv, communes, qpv.epci)
    context = {
        "qpv": qpv,
        "communes": communes,
        "contrats": list(qpv.contrats.all()),
        "labels": list(Label.objects.filter(communes__in=[c.insee for c in communes]).distinct()),
        "rows": rows,
        "coverage": coverage(rows, communes),
        "map_data": _fiche_map(qpv, communes),
        "tiles": settings.MAP_TILES_URL,
    }
    return render_to_string("territories/_qpv_fiche.html", context)


def _fiche_map(qpv, communes):
    features = [
        {"type": "Feature", "geometry": c.outline_simplified, "properties": {"nom": c.nom, "role": "commune"}}
        for c in communes
        if c.outline_simplified
    ]
    if qpv.epci_id and qpv.epci.outline_simplified:
        features.insert(0, {"type": "Feature", "geometry": qpv.epci.outline_simplified, "properties": {"role": "epci"}})
    if qpv.outline_simplified:
        features.append(
            {"type": "Feature", "geometry": qpv.outline_simplified, "properties": {"nom": qpv.nom, "role": "qpv"}}
        )
    return {"type": "FeatureCollection", "features": features}


def _commune_map(commune, qpvs):
    """The commune's outline with the outlines of its QPVs that are loaded (nothing invented for the others)."""
    features = []
    if commune.outline_simplified:
        features.append(
            {
                "type": "Feature",
                "geometry": commune.outline_simplified,
                "properties": {"nom": commune.nom, "role": "commune"},
            }
        )
    for q in qpvs:
        if q.outline_simplified:
            role = "qpv" if q.generation == 2024 else "qpv2015"
            features.append(
                {
                    "type": "Feature",
                    "geometry": q.outline_simplified,
                    "properties": {"nom": f"{q.code} {q.nom}", "role": role},
                }
            )
    return {"type": "FeatureCollection", "features": features, "focus": "commune"}


def _qpv_rows(qs, geometry=False):
    return list(qs.with_related(geometry=geometry).order_by("-generation", "code"))


@require_safe
@view_public
def commune_detail(request, insee):
    commune = get_object_or_404(
        Commune.objects.visible_to(request.user).select_related("departement__region", "epci"), insee=insee
    )
    authorize(request.user, "view", commune)
    qpvs = _qpv_rows(QPV.objects.filter(communes=commune), geometry=True)
    context = {
        "commune": commune,
        "qpvs": qpvs,
        "map_data": _commune_map(commune, qpvs),
        "generations": compare_generations(commune),
        "totals": totals(q.code for q in qpvs),
        "contrats": list(ContratDeVille.objects.filter(Q(commune=commune) | Q(qpvs__communes=commune)).distinct()),
        "labels": list(commune.labels.all()),
        "tiles": settings.MAP_TILES_URL,
    }
    return render(request, "territories/commune_detail.html", context)


@require_safe
@view_public
def epci_detail(request, siren):
    epci = get_object_or_404(EPCI.objects.visible_to(request.user), siren=siren)
    authorize(request.user, "view", epci)
    qpvs = _qpv_rows(QPV.objects.filter(epci=epci))
    context = {
        "epci": epci,
        "qpvs": qpvs,
        "communes": list(epci.communes.filter(qpvs__isnull=False).annotate(nb=Count("qpvs")).order_by("nom")),
        "contrats": list(epci.contrats.all()),
        "totals": totals(q.code for q in qpvs if q.generation == 2015),
    }
    return render(request, "territories/epci_detail.html", context)


@require_safe
@view_public
def departement_detail(request, code):
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    authorize(request.user, "view", departement)
    context = {
        "departement": departement,
        "qpvs": _qpv_rows(QPV.objects.filter(departement=departement)),
        "contrats": list(departement.contrats.select_related("epci", "commune")),
    }
    return render(request, "territories/departement_detail.html", context)


@require_safe
@view_public
def contrat_detail(request, code):
    contrat = get_object_or_404(
        ContratDeVille.objects.visible_to(request.user).select_related("departement", "epci", "commune"), code=code
    )
    authorize(request.user, "view", contrat)
    context = {"contrat": contrat, "qpvs": _qpv_rows(contrat.qpvs.all())}
    return render(request, "territories/contrat_detail.html", context)


@require_safe
@view_public
def qpv_map(request):
    authorize(request.user, "view", QPV)
    counts = dict(QPV.objects.values_list("generation").annotate(n=Count("pk")))
    outlines = QPV.objects.with_outline().count()
    context = {
        "count_2024": counts.get(2024, 0),
        "count_2015": counts.get(2015, 0),
        "outlines": outlines,
        "tiles": settings.MAP_TILES_URL,
    }
    return render(request, "territories/map.html", context)


def import_file(request):
    """Administrators upload an official file; the import runs as a background job with its report."""
    from quartiers.territories.forms import ImportForm

    authorize(request.user, "manage", QPV)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _enqueue_import(request.user, form.cleaned_data)
        return redirect(job)
    return render(request, "territories/import.html", {"form": form})


def _enqueue_import(user, data):
    import uuid
    from pathlib import Path

    from django.db import transaction

    upload = data["fichier"]
    folder = Path(settings.MEDIA_ROOT) / "territoires" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:10]}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    params = {"path": str(path), "name": upload.name, "kind": data["kind"], "generation": data["generation"]}
    params["source"] = data["source"]
    with transaction.atomic():
        job = jobs.enqueue("territories.import", owner=user, label=f"Import de {upload.name}", params=params)
        audit.record(user, "import d'un fichier de référence (territoires)", job, {"fichier": upload.name})
    return job


@require_safe
def picker(request, kind):
    """Suggestions (<option>s of a <datalist>) for a commune, EPCI or contrat typed by name; htmx sends the
    field's own name as the parameter, so the first value is the text."""
    from quartiers.territories import pickers

    if kind not in pickers.RESOLVERS:
        raise Http404
    authorize(request.user, "view", Commune)
    text = request.GET.get("q") or next(iter(request.GET.values()), "")
    labels = pickers.suggestions(kind, text, request.user)
    return render(request, "territories/_picker_options.html", {"labels": labels})
