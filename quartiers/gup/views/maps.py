"""Maps and dashboards: the reports map and its JSON, the dashboard and its export, the public maps."""

import hashlib
import json

from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from quartiers.core import dataversions
from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, view_public
from quartiers.gup import stats
from quartiers.gup.models import CATEGORY_CHOICES, Coordination, Report, ReportStat, Status
from quartiers.gup.views.common import contributable_qpvs
from quartiers.territories import refcache
from quartiers.territories.models import QPV


@require_safe
def report_map(request):
    authorize(request.user, "view", None)
    # The counters table knows which quartiers have reports without scanning every report.
    qpvs = QPV.objects.filter(pk__in=ReportStat.objects.values("qpv_id")).order_by("nom")
    # By default, a quartier of the user's own territory: a Calais chef should not land on Dunkerque.
    own = contributable_qpvs(request.user).filter(pk__in=qpvs.values("pk")).values_list("code", flat=True).first()
    selected = request.GET.get("qpv") or own or (qpvs[0].code if qpvs else "")
    return render(request, "gup/map.html", {"qpvs": qpvs, "selected": selected})


@require_safe
def map_data(request, code):
    """Open reports of one QPV as GeoJSON, with the outlines to draw: built in a fixed number of queries, then
    kept until a report or a territory changes (the map of a QPV with a thousand open reports is 200 kB)."""
    authorize(request.user, "view", None)
    visible = Report.objects.visible_to(request.user)
    body, tag = dataversions.cached(
        "gup:map", _map_version(code, visible), lambda: _map_body(code, visible), MAP_CACHE_SECONDS
    )
    if body is None:
        raise Http404("Quartier inconnu.")
    return _revalidated(request, body, tag)


MAP_CACHE_SECONDS = 600


def _map_version(code, visible):
    """What the map is built from: every GUP table's trigger token (core/dataversions.py: any write, by any
    process), the reference data's (the outlines), the day (a report turns « en retard » at midnight), the QPV and
    the reports the user may see (the SQL of the policy's filter; none for those who see them all)."""
    seen = str(visible.query) if visible.query.where else "tous"
    return (dataversions.tokens(["gup"]), refcache.version(), timezone.localdate().isoformat(), code, seen)


def _map_body(code, visible):
    """(GeoJSON text, ETag), or (None, None) for an unknown QPV."""
    found = stats.qpv_contours(code)
    if found is None:
        return None, None
    quartier, contours = found
    features = stats.open_map_features(visible, quartier.pop("id"))
    body = json.dumps(
        {
            "type": "FeatureCollection",
            "features": features,
            "contours": contours,
            "quartier": quartier,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return body, '"' + hashlib.sha1(body.encode()).hexdigest()[:20] + '"'


def _revalidated(request, body, tag):
    """The JSON with an ETag: a map reloaded with nothing changed gets a 304 and no body."""
    response = HttpResponseNotModified() if request.headers.get("If-None-Match") == tag else None
    response = response or HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"  # reports move: always revalidate, never reuse blindly
    return response


@require_safe
def dashboard(request):
    authorize(request.user, "view", None)
    return render(
        request,
        "gup/dashboard.html",
        {
            "figures": stats.dashboard(request.GET),
            "query": request.GET.urlencode(),
            "categories": CATEGORY_CHOICES,
            "choices": stats.filter_choices(),
            "f": {k: request.GET.get(k, "") for k in ("categorie", "qpv", "epci", "commune", "annee")},
        },
    )


DASHBOARD_COLUMNS = [
    ("Regroupement", "groupe"),
    ("Libellé", "label"),
    ("Signalements", "total"),
    ("Ouverts", "open"),
    ("En retard", "late"),
    ("Résolus", "resolved"),
    (
        "Délai médian de résolution (jours)",
        lambda r: round(r["median_seconds"] / 86400, 2) if r["median_seconds"] is not None else None,
    ),
    ("Nombre de signalements résolus pour la médiane", "median_n"),
]


@require_safe
def dashboard_export(request):
    authorize(request.user, "view", None)
    figures = stats.dashboard(request.GET)
    rows = [dict(r, groupe="Gestionnaire") for r in figures["per_manager"]] + [
        dict(r, groupe="Catégorie") for r in figures["per_category"]
    ]
    return export_response(rows, DASHBOARD_COLUMNS, "tableau-de-bord-gup", request.GET.get("format"))


def _public_coordination(level, code):
    field = {"epci": "epci_id", "commune": "commune_id"}.get(level)
    if field is None:
        raise Http404
    coord = Coordination.objects.select_related("epci", "commune").filter(**{field: code}, public_map=True).first()
    if coord is None:
        raise Http404("Pas de carte publique pour ce territoire.")
    return coord


@require_safe
@view_public
def public_map(request, level, code):
    coord = _public_coordination(level, code)
    return render(request, "gup/public_map.html", {"coordination": coord, "level": level, "code": code})


@require_safe
@view_public
def public_map_data(request, level, code):
    """Resolved reports only, without description, photo or person: what a territory chose to publish."""
    coord = _public_coordination(level, code)
    reports = Report.objects.for_scope(level, code).filter(status=Status.RESOLU)
    territory = coord.commune or coord.epci
    outline = territory.outline_simplified
    contours = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": outline, "properties": {"nom": territory.nom}}] if outline else [],
    }
    return JsonResponse(
        {"type": "FeatureCollection", "features": stats.map_features(reports), "contours": contours},
        json_dumps_params={"ensure_ascii": False},
    )
