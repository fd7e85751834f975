"""GUP services: routing, report creation, the status workflow, photos, duplicates, notifications.

Every state change happens here, in one transaction, with its audit record; mail leaves after commit.
"""

import io
import math
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError
from shapely import wkb
from shapely.geometry import Point, shape

from quartiers.accounts.models import Organisation, User
from quartiers.core import audit, filetypes, links
from quartiers.core.permissions import authorize, can
from quartiers.gup.models import (
    CATEGORIES,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Comment,
    Coordination,
    Follower,
    ManagerArea,
    Photo,
    Report,
    ReportStat,
    Status,
    StatusChange,
    TfpbAgreement,
)
from quartiers.gup.models import TRANSITIONS as models_transitions

MAX_PHOTO_SIDE = 1600
MAX_PHOTOS = 5
DUPLICATE_RADIUS_M = 50
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


class GupError(Exception):
    """A refusal to show as is (French); `field` names the form field it is about, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _authorize(actor, verb, obj):
    """Every state change asks the one policy first. `actor=None` is the platform itself (the demo, a
    bulk load): no person to check; a page always passes `request.user` (anonymous included)."""
    if actor is not None:
        authorize(actor, verb, obj)


# ---------------------------------------------------------------- geometry


def polygon_from_geojson(data):
    """Validate a drawn area; returns (geojson dict, wkb bytes)."""
    try:
        geom = shape(data.get("geometry", data) if isinstance(data, dict) else data)
    except Exception:
        raise GupError("Le périmètre dessiné n'est pas un polygone GeoJSON valide.") from None
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise GupError("Le périmètre doit être un polygone (ou plusieurs).")
    if not geom.is_valid:
        from shapely.validation import make_valid

        geom = make_valid(geom)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GupError("Le périmètre doit être en longitude / latitude (WGS 84).")
    return geom.__geo_interface__, wkb.dumps(geom)


def qpv_contains(qpv, lon, lat):
    """None when the QPV outline is unknown (the 2024 outlines are not shipped)."""
    if not qpv or qpv.outline_wkb is None:
        return None
    return wkb.loads(bytes(qpv.outline_wkb)).covers(Point(lon, lat))


def distance_m(lon1, lat1, lon2, lat2):
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def check_point(lon, lat):
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise GupError("Placez le signalement sur la carte ou indiquez une adresse.") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or (lon == 0 and lat == 0):
        raise GupError("Le point indiqué n'est pas une position valide.")
    return lon, lat


def geocode(address, commune=None):
    """(lon, lat, label) through the offline geocoder when it is installed and loaded, else None."""
    try:
        from quartiers.geocoding.geocoder import get_geocoder
    except ImportError:
        return None
    try:
        postcode = (commune.codes_postaux or [""])[0] if commune else ""
        result = get_geocoder().geocode(address, postcode=postcode, city=commune.nom if commune else "")
    except Exception:  # an empty or missing address base must not break reporting
        return None
    if result is None:
        return None
    return float(result.lon), float(result.lat), getattr(result, "label", address)


# ---------------------------------------------------------------- routing


@dataclass
class Routing:
    manager: Organisation | None
    to_coordinator: bool
    reason: str


def coordination_for(commune):
    coord = Coordination.objects.select_related("organisation").filter(commune=commune).first()
    if coord is None and commune.epci_id:
        coord = Coordination.objects.select_related("organisation").filter(epci_id=commune.epci_id).first()
    return coord


def candidate_managers(report):
    """The organisations a report may be sent or redirected to: those declaring an area in its commune for its
    category, the GUP coordination of its territory, and its current manager. Never the whole directory."""
    ids = {report.manager_id} if report.manager_id else set()
    for area in ManagerArea.objects.filter(commune_id=report.commune_id).only("organisation_id", "categories"):
        if not area.categories or report.category in area.categories:
            ids.add(area.organisation_id)
    coordinations = Coordination.objects.filter(commune_id=report.commune_id)
    if report.epci_id:
        coordinations = coordinations | Coordination.objects.filter(epci_id=report.epci_id)
    ids.update(coordinations.values_list("organisation_id", flat=True))
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def route(category, lon, lat, qpv, commune):
    """The one manager handling this category at this point; ambiguous or unknown → the GUP coordinator."""
    candidates = set()
    point = Point(lon, lat)
    areas = ManagerArea.objects.filter(commune=commune).select_related("organisation")
    for area in areas:
        if area.categories and category not in area.categories:
            continue
        if area.qpv_id is not None and qpv is not None and area.qpv_id == qpv.pk:
            candidates.add(area.organisation)
        elif area.polygon_wkb is not None and wkb.loads(bytes(area.polygon_wkb)).covers(point):
            candidates.add(area.organisation)
    if len(candidates) == 1:
        manager = candidates.pop()
        return Routing(manager, False, f"Transmis automatiquement à {manager}.")
    coord = coordination_for(commune)
    why = "plusieurs gestionnaires possibles" if candidates else "aucun gestionnaire connu pour ce lieu"
    if coord is None:
        return Routing(None, True, f"À orienter ({why}) : aucune coordination GUP désignée pour ce territoire.")
    return Routing(coord.organisation, True, f"Adressé à la coordination GUP ({why}).")


# ---------------------------------------------------------------- photos


def clean_photo(upload):
    """Return JPEG bytes: checked to be an image, EXIF (GPS included) dropped, resized. GupError otherwise."""
    name = getattr(upload, "name", "photo")
    try:  # the one upload rule: size limit of LIMITS["photo"], type read from the content
        filetypes.check_upload(upload, purpose="photo", accepted=filetypes.IMAGES)
    except ValidationError as exc:
        if exc.code == "format":
            raise GupError(
                f"Le fichier « {name} » n'est pas une image (JPEG, PNG, GIF ou WebP), quelle que soit son nom."
            ) from None
        raise GupError(exc.messages[0]) from None
    upload.seek(0)
    data = upload.read()
    try:
        probe = Image.open(io.BytesIO(data))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise GupError(f"Le fichier « {name} » n'est pas une image lisible (JPEG, PNG ou WebP).") from None
    if fmt not in ACCEPTED_FORMATS:
        raise GupError(f"Le format de « {name} » n'est pas accepté (JPEG, PNG ou WebP).")
    image = ImageOps.exif_transpose(image)  # keep the orientation before dropping the EXIF block
    image = image.convert("RGB")
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)  # a fresh image: no EXIF, no GPS
    return out.getvalue()


def photo_from_data_url(data_url):
    """A photo queued on the phone arrives as a base64 data URL; make it look like an upload."""
    import base64
    import binascii

    from django.core.files.uploadedfile import SimpleUploadedFile

    if not isinstance(data_url, str) or not data_url.startswith("data:image/") or "," not in data_url:
        raise GupError("La photo envoyée n'est pas une image.")
    try:
        content = base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise GupError("La photo envoyée est illisible.") from None
    return SimpleUploadedFile("photo-telephone.jpg", content)


def _attach_photos(report, cleaned):
    for content in cleaned:
        width, height = Image.open(io.BytesIO(content)).size
        photo = Photo(report=report, width=width, height=height)
        photo.image.save("photo.jpg", ContentFile(content), save=True)


# ---------------------------------------------------------------- duplicates


def nearby_open(category, lon, lat, radius_m=DUPLICATE_RADIUS_M, exclude=None, limit=5):
    """Open reports of the same category within `radius_m` metres, nearest first."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(lat)), 0.01))
    qs = Report.objects.filter(
        category=category,
        status__in=OPEN_STATUSES,
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
    ).select_related("qpv")
    if exclude:
        qs = qs.exclude(pk=exclude)
    found = []
    for report in qs[:200]:
        d = distance_m(lon, lat, report.lon, report.lat)
        if d <= radius_m:
            report.distance = round(d)
            found.append(report)
    return sorted(found, key=lambda r: r.distance)[:limit]


# ---------------------------------------------------------------- creation


def commune_for(qpv, lon, lat):
    communes = list(qpv.communes.select_related("departement"))
    if not communes:
        raise GupError("Ce quartier n'est rattaché à aucune commune.")
    if len(communes) > 1:
        for commune in communes:
            if commune.outline_simplified and shape(commune.outline_simplified).covers(Point(lon, lat)):
                return commune
    return communes[0]


def _checked_input(category, qpv, lon, lat, photos):
    """Everything a report is refused for, before anything is written: (lon, lat, cleaned photo bytes)."""
    if category not in CATEGORIES:
        raise GupError("Choisissez une catégorie.")
    lon, lat = check_point(lon, lat)
    if qpv_contains(qpv, lon, lat) is False:
        raise GupError(f"Le point est en dehors du quartier {qpv.nom} : déplacez-le sur la carte.")
    if len(photos) > MAX_PHOTOS:
        raise GupError(f"Au plus {MAX_PHOTOS} photos par signalement.")
    return lon, lat, [clean_photo(p) for p in photos]


def _first_status(report, routing, now):
    """Reference, status and first history line of a report just inserted (routed, or for the coordinator)."""
    report.reference = f"GUP-{now:%Y}-{report.pk:06d}"
    report.status = Status.NOUVEAU if routing.to_coordinator else Status.TRANSMIS
    report.save(update_fields=["reference", "status"])
    _move_stat(None, None, report)
    StatusChange.objects.create(
        report=report,
        from_status="",
        to_status=report.status,
        motif=routing.reason,
        to_manager=routing.manager,
        actor=report.reporter,
        created_at=now,
    )
    if report.reporter:
        Follower.objects.get_or_create(report=report, user=report.reporter)


def create_report(
    actor,
    *,
    category,
    qpv,
    lon,
    lat,
    description="",
    address="",
    photos=(),
    walk=None,
    client_uuid=None,
    now=None,
    notify=True,
):
    """File a report in `qpv` (someone who may contribute there) and route it to its manager."""
    _authorize(actor, "contribute", qpv)
    lon, lat, cleaned = _checked_input(category, qpv, lon, lat, photos)
    commune = commune_for(qpv, lon, lat)
    now = now or timezone.now()
    with transaction.atomic():
        routing = route(category, lon, lat, qpv, commune)
        report = Report.objects.create(
            category=category,
            description=(description or "").strip(),
            address=(address or "").strip(),
            lon=lon,
            lat=lat,
            qpv=qpv,
            commune=commune,
            epci_id=commune.epci_id,
            departement_id=commune.departement_id,
            manager=routing.manager,
            routed_to_coordinator=routing.to_coordinator,
            deadline=Report.deadline_for(category, now),
            walk=walk,
            reporter=actor if getattr(actor, "is_authenticated", False) else None,
            client_uuid=client_uuid,
            created_at=now,
            status_changed_at=now,
        )
        _first_status(report, routing, now)
        _attach_photos(report, cleaned)
        audit.record(actor, "signalement GUP créé", report, {"gestionnaire": str(routing.manager or "")})
        if notify:
            _notify_manager(report, "Nouveau signalement à traiter")
    return report


# ---------------------------------------------------------------- workflow

# The table itself lives on the model (gup.models.TRANSITIONS); these names stay for the callers that list it.
TRANSITIONS = models_transitions
TRANSITION_LABELS = {verb: t.label for verb, t in TRANSITIONS.items()}


def allowed_transitions(report):
    return [t.verb for t in report.allowed_transitions()]


def _check_transition(report, verb, motif, manager):
    """The declared move for `verb` from the report's status, or a French refusal."""
    move = TRANSITIONS.get(verb)
    if move is None:
        raise GupError("Action inconnue sur le signalement.")
    if report.status not in move.sources:
        raise GupError(
            f"Transition impossible : un signalement « {report.get_status_display().lower()} » "
            f"ne peut pas être « {Status(move.target).label.lower()} »."
        )
    if move.needs_motif and not motif:
        raise GupError("Indiquez le motif : il est envoyé à la personne qui a signalé.")
    if move.needs_manager and manager is None:
        raise GupError("Choisissez le gestionnaire à qui transmettre le signalement.")
    if move.needs_manager and manager.pk == report.manager_id and verb == "rediriger":
        raise GupError("Le signalement est déjà confié à ce gestionnaire.")
    return move


def transition(actor, report, verb, motif="", manager=None, now=None, notify=True):
    """Move a report along the workflow (gup.models.TRANSITIONS), by someone who may change it."""
    _authorize(actor, "change", report)
    motif = (motif or "").strip()
    move = _check_transition(report, verb, motif, manager)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != report.status:
            raise GupError("Le signalement vient d'être modifié par quelqu'un d'autre : rechargez la page.")
        previous_status, previous_manager = locked.status, locked.manager
        previous_key = _stat_key(locked)
        locked.status = move.target
        locked.status_changed_at = now
        if move.needs_manager:
            locked.manager = manager
            locked.routed_to_coordinator = False
        if move.target == Status.RESOLU:
            locked.resolved_at = now
            locked.resolution_seconds = max(0, int((now - locked.created_at).total_seconds()))
        locked.save()
        _move_stat(previous_key, previous_status, locked)
        StatusChange.objects.create(
            report=locked,
            from_status=previous_status,
            to_status=move.target,
            motif=motif,
            from_manager=previous_manager,
            to_manager=locked.manager,
            actor=actor,
            created_at=now,
        )
        audit.record(actor, f"signalement GUP : {move.label.lower()}", locked, {"motif": motif})
        if notify:
            subject = f"Signalement {locked.reference} : {locked.get_status_display().lower()}"
            _notify_followers(locked, actor, subject, motif)
            if move.needs_manager:
                _notify_manager(locked, "Signalement transmis à votre organisation")
    report.refresh_from_db()  # the caller's object (and its cached manager) now says what was saved
    return report


def add_comment(actor, report, text):
    _authorize(actor, "contribute", report)
    text = (text or "").strip()
    if not text:
        raise GupError("Le commentaire est vide.")
    with transaction.atomic():
        comment = Comment.objects.create(report=report, author=actor, text=text)
        Follower.objects.get_or_create(report=report, user=actor)
        audit.record(actor, "commentaire sur un signalement GUP", report)
        _notify_followers(report, actor, f"Nouveau commentaire sur le signalement {report.reference}", text)
    return comment


def follow(actor, report, on=True):
    _authorize(actor, "view", report)
    with transaction.atomic():
        if on:
            Follower.objects.get_or_create(report=report, user=actor)
        else:
            Follower.objects.filter(report=report, user=actor).delete()


def point_for(qpv, lon=None, lat=None, address=""):
    """Where a report is: the point placed on the map, else its address through the geocoder."""
    if lon is not None and lat is not None:
        return check_point(lon, lat)
    if address:
        found = geocode(address, qpv.communes.first())
        if found:
            return found[0], found[1]
        raise GupError("Adresse introuvable dans la base d'adresses : placez le point sur la carte.")
    raise GupError("Placez le signalement sur la carte ou indiquez une adresse.")


# ---------------------------------------------------------------- walks


def create_walk(actor, walk, participants=(), route=None):
    """Save a diagnostic en marchant prepared by a form (`walk` unsaved), in its QPV's first commune."""
    walk.commune = walk.qpv.communes.first()
    if walk.commune is None:
        raise GupError("Ce quartier n'est rattaché à aucune commune.", field="qpv")
    _authorize(actor, "contribute", walk.qpv)
    walk.participants = list(participants)
    walk.route = route
    walk.created_by = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        walk.save()
        audit.record(actor, "diagnostic en marchant créé", walk)
    return walk


def _sync_answer(client_uuid, statut, **extra):
    return {"uuid": str(client_uuid), "statut": statut, **extra}


def sync_walk_item(actor, walk, item):
    """One item of a phone's queue (see views.walks.walk_sync): created once per client UUID, answered alone."""
    try:
        client_uuid = uuid.UUID(str(item.get("uuid")))
    except (ValueError, AttributeError):
        raw = item.get("uuid") if isinstance(item, dict) else ""
        return _sync_answer(raw, "erreur", message="Identifiant manquant.")
    existing = Report.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.walk_id != walk.pk:
            return _sync_answer(client_uuid, "erreur", message="Identifiant déjà utilisé ailleurs.")
        return _sync_answer(client_uuid, "deja_recu", reference=existing.reference)
    try:
        photos = [photo_from_data_url(item["photo"])] if item.get("photo") else []
        report = create_report(
            actor,
            category=item.get("categorie", ""),
            qpv=walk.qpv,
            lon=item.get("lon"),
            lat=item.get("lat"),
            description=str(item.get("description", ""))[:4000],
            photos=photos,
            walk=walk,
            client_uuid=client_uuid,
        )
    except GupError as exc:
        return _sync_answer(client_uuid, "erreur", message=str(exc))
    except IntegrityError:  # a concurrent resend of the same UUID hits the unique constraint
        again = Report.objects.filter(client_uuid=client_uuid).first()
        if again is None:
            raise
        return _sync_answer(client_uuid, "deja_recu", reference=again.reference)
    return _sync_answer(client_uuid, "cree", reference=report.reference, url=report.get_absolute_url())


# ---------------------------------------------------------------- managers and coordination


def create_area(actor, area, categories=(), polygon=None):
    """Save a manager's area prepared by a form (`area` unsaved); `polygon`: drawn GeoJSON, if any."""
    if polygon:
        try:
            area.polygon, area.polygon_wkb = polygon_from_geojson(polygon)
        except GupError as exc:
            raise GupError(str(exc), field="polygon_text") from None
    _authorize(actor, "change", area)
    area.categories = list(categories)
    with transaction.atomic():
        area.save()
        audit.record(actor, "périmètre de gestion GUP créé", area)
    return area


def delete_area(actor, area):
    _authorize(actor, "change", area)
    with transaction.atomic():
        audit.record(actor, "périmètre de gestion GUP supprimé", area)
        area.delete()


def designate_coordination(actor, coordination):
    """The coordination of a territory (one per EPCI or commune): a new designation replaces the previous one."""
    _authorize(actor, "change", coordination)
    with transaction.atomic():
        existing = Coordination.objects.filter(epci=coordination.epci, commune=coordination.commune).first()
        if existing:
            coordination.pk = existing.pk
        coordination.save()
        audit.record(actor, "coordination GUP désignée", coordination)
    return coordination


# ---------------------------------------------------------------- TFPB


def create_tfpb_agreement(actor, agreement):
    """Save a TFPB agreement prepared by a form (`agreement` unsaved): one per bailleur, quartier and year."""
    agreement.commune = agreement.qpv.communes.first()
    if TfpbAgreement.objects.filter(bailleur=agreement.bailleur, qpv=agreement.qpv, year=agreement.year).exists():
        raise GupError("Une convention existe déjà pour ce bailleur, ce quartier et cette année.")
    if actor is not None and not can(actor, "change", agreement):
        raise GupError(
            "Vous ne pouvez saisir que les conventions de votre organisation ou de votre territoire.", field="bailleur"
        )
    with transaction.atomic():
        agreement.save()
        audit.record(actor, "convention TFPB créée", agreement)
    return agreement


def save_tfpb_bilan(actor, agreement):
    """Save the figures and bilan a form changed on `agreement`."""
    _authorize(actor, "change", agreement)
    with transaction.atomic():
        agreement.save()
        audit.record(actor, "convention TFPB : bilan mis à jour", agreement)
    return agreement


def add_tfpb_action(actor, agreement, action, reports=(), walks=()):
    """Add an action (`action` unsaved, from a form) to the agreement's plan, with the reports and walks it answers."""
    _authorize(actor, "change", agreement)
    action.agreement = agreement
    with transaction.atomic():
        action.save()
        action.reports.set(reports)
        action.walks.set(walks)
        audit.record(actor, "action TFPB ajoutée", agreement, {"action": action.title})
    return action


# ---------------------------------------------------------------- pre-aggregated counts


def _stat_key(report):
    return {
        "qpv_id": report.qpv_id,
        "commune_id": report.commune_id,
        "epci_id": report.epci_id,
        "manager_id": report.manager_id,
        "category": report.category,
        "year": timezone.localtime(report.created_at).year,
    }


def _bump(key, status, sign):
    row, _created = ReportStat.objects.get_or_create(**key)
    ReportStat.objects.filter(pk=row.pk).update(**{status: F(status) + sign})


def _move_stat(before_key, before_status, report):
    """One report changed manager and/or status: move its unit between counters (inside the transaction)."""
    if before_key is not None:
        _bump(before_key, before_status, -1)
    _bump(_stat_key(report), report.status, +1)


def rebuild_stats():
    """Recount everything (after bulk loads: the demo, the benchmark). Returns the number of rows."""
    from django.db.models.functions import ExtractYear

    with transaction.atomic():
        ReportStat.objects.all().delete()
        rows = (
            Report.objects.order_by()
            .annotate(year=ExtractYear("created_at"))
            .values("qpv_id", "commune_id", "epci_id", "manager_id", "category", "year")
            .annotate(**{s: Count("pk", filter=Q(status=s)) for s in Status.values})
        )
        ReportStat.objects.bulk_create([ReportStat(**row) for row in rows], batch_size=2000)
    return ReportStat.objects.count()


# ---------------------------------------------------------------- notifications


def _send_after_commit(subject, body, emails):
    emails = sorted({e for e in emails if e})
    if not emails:
        return
    sender = settings.DEFAULT_FROM_EMAIL
    transaction.on_commit(lambda: send_mass_mail([(subject, body, sender, [e]) for e in emails], fail_silently=True))


def _report_url(report):
    return links.absolute_url(report.get_absolute_url())


def _notify_followers(report, actor, subject, detail=""):
    emails = User.objects.filter(gup_follows__report=report, is_active=True).exclude(pk=getattr(actor, "pk", None))
    body = (
        f"{subject}.\n\nCatégorie : {report.category_label}\nQuartier : {report.qpv.nom if report.qpv else ''}\n"
        f"Statut : {report.get_status_display()}\nGestionnaire : {report.manager or 'à désigner'}\n"
        + (f"\n{detail}\n" if detail else "")
        + f"\nSuivre le signalement : {_report_url(report)}\n"
    )
    _send_after_commit(subject, body, emails.values_list("email", flat=True))


def _notify_manager(report, subject):
    if report.manager_id is None:
        return
    emails = User.objects.filter(
        memberships__organisation_id=report.manager_id, memberships__active=True, is_active=True
    ).values_list("email", flat=True)
    body = (
        f"{subject} : {report.reference} ({report.category_label}, {report.qpv.nom if report.qpv else ''}).\n"
        f"Échéance : {report.deadline:%d/%m/%Y}.\n\n{_report_url(report)}\n"
    )
    _send_after_commit(f"{subject} — {report.reference}", body, emails)


__all__ = ["CLOSED_STATUSES", "GupError", "create_report", "transition", "route", "clean_photo", "nearby_open"]
