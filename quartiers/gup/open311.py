"""Open311 GeoReport v2 for the GUP reports, under /open311/v2/ (JSON only: the `.xml` format is not offered).

- `services.json` — our GUP categories (`service_code`), for a territory (`jurisdiction_id`: the SIREN of an
  EPCI or the INSEE code of a commune; the categories are the same everywhere, an unknown territory is a 404);
- `requests.json` GET — the reports the caller may see (filters `service_request_id` (comma-separated references),
  `service_code`, `start_date`, `end_date`, `status` = open | closed, `jurisdiction_id`, and the `bbox`
  extension `min_long,min_lat,max_long,max_lat`); by default the last 90 days, at most 1000;
- `requests.json` POST — files a report through `gup.services.create_report` (the form's service: same permission,
  same routing to the responsible manager, same audit) with a write token on « gup » (`api_key` parameter, or
  the `Authorization` header); the point is `lat`/`long`, or `address_string` geocoded by our engine; the
  quartier is `attribute[qpv]` (its code) or the QPV of the territory whose outline holds the point;
- `requests/{service_request_id}.json` — one report.

Errors use the spec's array `[{"code": 400, "description": "…"}]`, in French.
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from quartiers.core.api_ninja import OPEN311_AUTH, OPEN311_ERRORS, WRITE, require
from quartiers.core.permissions import can
from quartiers.gup import services
from quartiers.gup.models import CATEGORIES, CLOSED_STATUSES, OPEN_STATUSES, Report
from quartiers.territories.models import EPCI, QPV, Commune

PREFIX = "open311/v2/"
router = Router(tags=["Open311 GeoReport v2 (GUP)"], auth=OPEN311_AUTH)
MAX_RESULTS = 1000
MAX_BODY = 64 * 1024  # a report is a few fields: a bigger body is refused (413), nothing written
DEFAULT_DAYS = 90
# France (metropolitan and the overseas départements with QPV): (min_long, min_lat, max_long, max_lat).
FRANCE = [
    (-5.5, 41.2, 9.7, 51.2),
    (-63.2, 14.3, -60.7, 18.2),
    (-54.7, 2.0, -51.5, 6.0),
    (55.1, -21.5, 55.9, -20.8),
    (44.9, -13.1, 45.4, -12.5),
]


class Service(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class ServiceRequest(Schema):
    service_request_id: str
    status: str
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime | None
    expected_datetime: datetime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float
    long: float
    media_url: str | None


class Created(Schema):
    service_request_id: str
    service_notice: str
    account_id: str | None


class RequestFilters(Schema):
    jurisdiction_id: str | None = Field(None, max_length=9, description="SIREN de l'EPCI ou code INSEE")
    service_request_id: str | None = Field(None, max_length=2000, description="Références, séparées par des virgules")
    service_code: str | None = Field(None, max_length=200, description="Catégories, séparées par des virgules")
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: str | None = Field(None, max_length=20, description="open, closed ou open,closed")
    bbox: str | None = Field(None, max_length=100, description="Extension : min_long,min_lat,max_long,max_lat")


class NewRequest(Schema):
    service_code: str = Field(max_length=30)
    jurisdiction_id: str | None = Field(None, max_length=9)
    lat: float | None = Field(None, ge=-90, le=90)
    long: float | None = Field(None, ge=-180, le=180)
    address_string: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=4000)
    email: str | None = Field(None, max_length=254)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    phone: str | None = Field(None, max_length=30)
    device_id: str | None = Field(None, max_length=100)
    account_id: str | None = Field(None, max_length=100)
    media_url: str | None = Field(None, max_length=500)
    api_key: str | None = Field(None, max_length=200)
    qpv: str | None = Field(None, alias="attribute[qpv]", max_length=12, description="Code du QPV (extension)")


def _territory(jurisdiction_id):
    """(EPCI or Commune) of a jurisdiction_id; 404 when unknown."""
    code = (jurisdiction_id or "").strip()
    found = EPCI.objects.filter(siren=code).first() or Commune.objects.filter(insee=code).first()
    if found is None:
        raise HttpError(404, f"jurisdiction_id inconnu : « {code} » (SIREN d'un EPCI ou code INSEE d'une commune).")
    return found


def _qpvs_of(territory):
    if isinstance(territory, EPCI):
        return QPV.objects.filter(Q(epci=territory) | Q(communes__epci=territory)).distinct()
    return QPV.objects.filter(communes=territory)


@router.get("services.json", auth=None, response={200: list[Service], **OPEN311_ERRORS}, url_name="open311_services")
def open311_services(request, jurisdiction_id: str | None = Query(None, max_length=9)):
    """Les catégories de signalement GUP (les mêmes sur tout territoire)."""
    if jurisdiction_id:
        _territory(jurisdiction_id)
    return [
        {
            "service_code": code,
            "service_name": label,
            "description": guidance,
            "metadata": False,
            "type": "realtime",
            "keywords": "gup, proximité",
            "group": "Gestion urbaine de proximité",
        }
        for code, (label, guidance, _days) in CATEGORIES.items()
    ]


def _serialize(report):
    last = report.history.order_by("-created_at", "-pk").first()
    return {
        "service_request_id": report.reference or str(report.pk),
        "status": "closed" if report.status in CLOSED_STATUSES else "open",
        "status_notes": f"{report.get_status_display()}. {last.motif}".strip() if last else report.get_status_display(),
        "service_name": report.category_label,
        "service_code": report.category,
        "description": report.description,
        "agency_responsible": report.manager.name if report.manager else None,
        "service_notice": None,
        "requested_datetime": report.created_at,
        "updated_datetime": report.status_changed_at,
        "expected_datetime": timezone.make_aware(datetime.combine(report.deadline, datetime.min.time())),
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": None,
    }


def _bbox(text):
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise HttpError(400, "bbox : quatre nombres attendus, « min_long,min_lat,max_long,max_lat ».") from None
    return Q(lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north)


def _filtered(user, f):
    qs = Report.objects.visible_to(user).select_related("manager")
    if f.jurisdiction_id:
        territory = _territory(f.jurisdiction_id)
        qs = qs.filter(epci=territory) if isinstance(territory, EPCI) else qs.filter(commune=territory)
    if f.service_request_id:
        return qs.filter(reference__in=[v.strip() for v in f.service_request_id.split(",")])
    if f.service_code:
        codes = [v.strip() for v in f.service_code.split(",")]
        unknown = [c for c in codes if c not in CATEGORIES]
        if unknown:
            raise HttpError(400, f"service_code inconnu : {', '.join(unknown)} (voir services.json).")
        qs = qs.filter(category__in=codes)
    if f.status:
        wanted = {v.strip() for v in f.status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise HttpError(400, "status : « open », « closed » ou « open,closed ».")
        statuses = (OPEN_STATUSES if "open" in wanted else ()) + (CLOSED_STATUSES if "closed" in wanted else ())
        qs = qs.filter(status__in=statuses)
    end = f.end_date or timezone.now()
    start = f.start_date or end - timedelta(days=DEFAULT_DAYS)
    qs = qs.filter(created_at__gte=start, created_at__lte=end)
    if f.bbox:
        qs = qs.filter(_bbox(f.bbox))
    return qs


@router.get("requests.json", response={200: list[ServiceRequest], **OPEN311_ERRORS}, url_name="open311_requests")
def open311_requests(request, filters: Query[RequestFilters]):
    """Les signalements visibles (90 derniers jours par défaut, 1000 au plus)."""
    require(request, "gup")
    qs = _filtered(request.auth, filters).order_by("-created_at", "-pk").prefetch_related("history")
    return [_serialize(r) for r in qs[:MAX_RESULTS]]


@router.get(
    "requests/{service_request_id}.json",
    response={200: list[ServiceRequest], **OPEN311_ERRORS},
    url_name="open311_request",
)
def open311_request(request, service_request_id: str):
    """Un signalement, par sa référence (GUP-AAAA-NNNNNN)."""
    require(request, "gup")
    report = get_object_or_404(
        Report.objects.visible_to(request.auth).select_related("manager"), reference=service_request_id
    )
    return [_serialize(report)]


def _in_france(lon, lat):
    return any(w <= lon <= e and s <= lat <= n for w, s, e, n in FRANCE)


def _point(data, territory):
    if data.lat is not None and data.long is not None:
        lon, lat = data.long, data.lat
    elif data.address_string:
        commune = territory if isinstance(territory, Commune) else None
        found = services.geocode(data.address_string, commune)
        if found is None:
            raise HttpError(400, "address_string introuvable dans la base d'adresses chargée : envoyez lat et long.")
        lon, lat = found[0], found[1]
    else:
        raise HttpError(400, "Indiquez lat et long, ou address_string.")
    if not _in_france(lon, lat):
        raise HttpError(400, "lat / long : ce point n'est pas en France.")
    return lon, lat


def _qpv(user, data, territory, lon, lat):
    """The quartier named (attribute[qpv]) or the one of the territory whose outline holds the point."""
    if data.qpv:
        qpv = QPV.objects.filter(code=data.qpv).first()
        if qpv is None:
            raise HttpError(400, f"attribute[qpv] : QPV inconnu « {data.qpv} ».")
        return qpv
    candidates = _qpvs_of(territory) if territory else QPV.objects.filter(outline_wkb__isnull=False)
    holding = [q for q in candidates.exclude(outline_wkb=None) if services.qpv_contains(q, lon, lat)]
    if len(holding) == 1:
        return holding[0]
    raise HttpError(
        400,
        "Aucun quartier prioritaire dont le contour est chargé ne contient ce point : "
        "précisez-le avec attribute[qpv] (code du QPV).",
    )


@router.post("requests.json", response={200: list[Created], **OPEN311_ERRORS}, url_name="open311_requests")
def open311_create(request, data: Form[NewRequest]):
    """Dépose un signalement, orienté vers son gestionnaire comme par le formulaire (jeton d'écriture GUP)."""
    require(request, "gup", WRITE)
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
        raise HttpError(413, f"Requête trop volumineuse : au plus {MAX_BODY // 1024} Ko pour un signalement.")
    if data.service_code not in CATEGORIES:
        raise HttpError(400, f"service_code inconnu : « {data.service_code} » (voir services.json).")
    territory = _territory(data.jurisdiction_id) if data.jurisdiction_id else None
    lon, lat = _point(data, territory)
    qpv = _qpv(request.auth, data, territory, lon, lat)
    if not can(request.auth, "contribute", qpv):
        raise HttpError(403, f"Vous ne pouvez pas signaler dans le quartier {qpv.nom}.")
    try:
        report = services.create_report(
            request.auth,
            category=data.service_code,
            qpv=qpv,
            lon=lon,
            lat=lat,
            description=data.description or "",
            address=data.address_string or "",
        )
    except services.GupError as error:
        raise HttpError(400, str(error)) from None
    notice = f"Transmis à {report.manager}." if report.manager else "En attente d'orientation par la coordination GUP."
    return Status(200, [{"service_request_id": report.reference, "service_notice": notice, "account_id": None}])
