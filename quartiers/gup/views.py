import json
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from quartiers.accounts.models import Organisation
from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can, organisation_ids, view_public
from quartiers.gup import services, stats
from quartiers.gup.forms import (
    AreaForm,
    CommentForm,
    CoordinationForm,
    ReportForm,
    TfpbActionForm,
    TfpbAgreementForm,
    TfpbBilanForm,
    TransitionForm,
    WalkForm,
    category_help,
)
from quartiers.gup.models import (
    CATEGORIES,
    CATEGORY_CHOICES,
    OPEN_STATUSES,
    Coordination,
    Follower,
    ManagerArea,
    Photo,
    Report,
    ReportStat,
    Status,
    TfpbAgreement,
    TfpbAxis,
    Walk,
)
from quartiers.territories.models import QPV, Commune

PAGE_SIZE = 50
MAX_SYNC_ITEMS = 50


def _contributable_qpvs(user):
    return QPV.objects.filter(generation=QPV.Generation.G2024).contributable_by(user).order_by("nom")


def _outlines(qpvs):
    """Display outlines for the map: the QPV's when known, else its communes'."""
    features = []
    for qpv in qpvs:
        if qpv.outline_simplified:
            features.append({"type": "Feature", "geometry": qpv.outline_simplified, "properties": {"nom": qpv.nom}})
        for commune in qpv.communes.all():
            if commune.outline_simplified:
                geom = commune.outline_simplified
                features.append({"type": "Feature", "geometry": geom, "properties": {"nom": commune.nom}})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- home


@require_safe
def index(request):
    authorize(request.user, "view", None)
    orgs = organisation_ids(request.user)
    to_handle = (
        Report.objects.filter(manager_id__in=orgs, status__in=OPEN_STATUSES)
        .select_related("qpv", "manager")
        .order_by("deadline")[:10]
    )
    mine = Report.objects.filter(reporter=request.user).select_related("qpv").order_by("-created_at")[:10]
    return render(
        request,
        "gup/index.html",
        {
            "to_handle": to_handle,
            "mine": mine,
            "can_report": can(request.user, "contribute", None),
            "walks": Walk.objects.visible_to(request.user).select_related("qpv")[:5],
        },
    )


# ---------------------------------------------------------------- reports


def _filtered_reports(request):
    qs = Report.objects.visible_to(request.user)
    g = request.GET
    if g.get("statut") in Status.values:
        qs = qs.filter(status=g["statut"])
    elif g.get("statut") == "ouverts":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if g.get("categorie") in CATEGORIES:
        qs = qs.filter(category=g["categorie"])
    if g.get("qpv"):
        qs = qs.filter(qpv__code=g["qpv"])
    if g.get("epci"):
        qs = qs.filter(epci_id=g["epci"])
    if g.get("commune"):
        qs = qs.filter(commune_id=g["commune"])
    if g.get("gestionnaire", "").isdigit():
        qs = qs.filter(manager_id=int(g["gestionnaire"]))
    if g.get("a_traiter"):
        qs = qs.filter(manager_id__in=organisation_ids(request.user), status__in=OPEN_STATUSES)
    if g.get("diagnostic", "").isdigit():
        qs = qs.filter(walk_id=int(g["diagnostic"]))
    return qs


@require_safe
def report_list(request):
    authorize(request.user, "view", None)
    qs = _filtered_reports(request).select_related("qpv", "manager", "commune")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "gup/report_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "f": {k: request.GET.get(k, "") for k in ("statut", "categorie", "qpv", "a_traiter")},
            "qpv_choices": stats.filter_choices()["qpvs"],
            "statuses": Status.choices,
            "categories": CATEGORY_CHOICES,
            "today": timezone.localdate(),
        },
    )


REPORT_COLUMNS = [
    ("Référence", "reference"),
    ("Catégorie", "category_label"),
    ("Statut", lambda r: r.get_status_display()),
    ("Quartier", lambda r: r.qpv.nom if r.qpv else ""),
    ("Code QPV", lambda r: r.qpv.code if r.qpv else ""),
    ("Commune", "commune.nom"),
    ("Gestionnaire", lambda r: r.manager.name if r.manager else ""),
    ("Créé le", "created_at"),
    ("Échéance", "deadline"),
    ("Résolu le", "resolved_at"),
    ("Délai de résolution (jours)", lambda r: round(r.resolution_seconds / 86400, 1) if r.resolution_seconds else None),
    ("Longitude", "lon"),
    ("Latitude", "lat"),
    ("Adresse", "address"),
    ("Description", "description"),
]


@require_safe
def report_export(request):
    authorize(request.user, "view", None)
    qs = _filtered_reports(request).select_related("qpv", "manager", "commune")
    return export_response(qs.iterator(chunk_size=2000), REPORT_COLUMNS, "signalements-gup", request.GET.get("format"))


def report_create(request):
    authorize(request.user, "contribute", None)
    qpvs = _contributable_qpvs(request.user)
    form = ReportForm(request.POST or None, request.FILES or None, qpvs=qpvs, initial=request.GET.dict() or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lon, lat = _point_from(data)
            if not data["confirm_duplicate"]:
                duplicates = services.nearby_open(data["category"], lon, lat)
            if not duplicates:
                report = services.create_report(
                    request.user,
                    category=data["category"],
                    qpv=data["qpv"],
                    lon=lon,
                    lat=lat,
                    description=data["description"],
                    address=data["address"],
                    photos=data["photos"],
                )
                messages.success(request, f"Signalement {report.reference} enregistré et transmis.")
                return redirect(report)
        except services.GupError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "gup/report_form.html",
        {
            "form": form,
            "duplicates": duplicates,
            "guidance": category_help(),
        },
    )


def _point_from(data):
    if data.get("lon") is not None and data.get("lat") is not None:
        return services.check_point(data["lon"], data["lat"])
    if data.get("address"):
        commune = data["qpv"].communes.first()
        found = services.geocode(data["address"], commune)
        if found:
            return found[0], found[1]
        raise services.GupError("Adresse introuvable dans la base d'adresses : placez le point sur la carte.")
    raise services.GupError("Placez le signalement sur la carte ou indiquez une adresse.")


def _report_or_404(request, pk):
    qs = Report.objects.visible_to(request.user).select_related(
        "qpv", "manager", "commune", "departement", "reporter", "walk"
    )
    return get_object_or_404(qs, pk=pk)


@require_safe
def report_detail(request, pk):
    authorize(request.user, "view", None)
    report = _report_or_404(request, pk)
    can_change = can(request.user, "change", report)
    return render(
        request,
        "gup/report_detail.html",
        {
            "report": report,
            "photos": report.photos.all(),
            "history": report.history.select_related("actor", "from_manager", "to_manager"),
            "comments": report.comments.select_related("author"),
            "can_change": can_change,
            "can_comment": can(request.user, "contribute", report),
            "transitions": [(v, services.TRANSITION_LABELS[v]) for v in services.allowed_transitions(report)]
            if can_change
            else [],
            "managers": services.candidate_managers(report) if can_change else [],
            "following": Follower.objects.filter(report=report, user=request.user).exists(),
            "nearby": services.nearby_open(report.category, report.lon, report.lat, exclude=report.pk),
            "guidance": CATEGORIES[report.category][1],
            "today": timezone.localdate(),
        },
    )


@require_POST
def report_transition(request, pk):
    authorize(request.user, "view", None)
    report = _report_or_404(request, pk)
    authorize(request.user, "change", report)
    form = TransitionForm(request.POST, managers=services.candidate_managers(report))
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors) or "Action incomplète.")
        return redirect(report)
    try:
        services.transition(
            request.user, report, form.cleaned_data["verb"], form.cleaned_data["motif"], form.cleaned_data["manager"]
        )
        messages.success(request, f"Signalement {report.reference} : {report.get_status_display().lower()}.")
    except services.GupError as exc:
        messages.error(request, str(exc))
    return redirect(report)


@require_POST
def report_comment(request, pk):
    authorize(request.user, "view", None)
    report = _report_or_404(request, pk)
    authorize(request.user, "contribute", report)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(request.user, report, form.cleaned_data["text"])
        messages.success(request, "Commentaire ajouté.")
    else:
        messages.error(request, "Le commentaire est vide.")
    return redirect(report)


@require_POST
def report_follow(request, pk):
    authorize(request.user, "view", None)
    report = _report_or_404(request, pk)
    on = request.POST.get("suivre", "1") == "1"
    services.follow(request.user, report, on)
    messages.success(request, "Vous suivez ce signalement." if on else "Vous ne suivez plus ce signalement.")
    return redirect(report)


@require_safe
def report_photo(request, pk):
    authorize(request.user, "view", None)
    photo = get_object_or_404(Photo.objects.select_related("report"), pk=pk)
    if not Report.objects.visible_to(request.user).filter(pk=photo.report_id).exists():
        raise Http404
    # Photos are small once resized; reading them whole keeps file handles from leaking.
    with photo.image.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_safe
def nearby(request):
    """Open reports of the same category near a point: the form suggests following them instead."""
    authorize(request.user, "view", None)
    try:
        lon, lat = services.check_point(request.GET.get("lon"), request.GET.get("lat"))
    except services.GupError as exc:
        return JsonResponse({"erreur": str(exc)}, status=400)
    category = request.GET.get("categorie", "")
    if category not in CATEGORIES:
        return JsonResponse({"erreur": "Catégorie inconnue."}, status=400)
    found = services.nearby_open(category, lon, lat)
    return JsonResponse(
        {
            "resultats": [
                {
                    "id": r.pk,
                    "reference": r.reference,
                    "distance_m": r.distance,
                    "statut": r.get_status_display(),
                    "url": r.get_absolute_url(),
                    "description": r.description[:140],
                }
                for r in found
            ]
        }
    )


# ---------------------------------------------------------------- maps and dashboards


@require_safe
def report_map(request):
    authorize(request.user, "view", None)
    # The counters table knows which quartiers have reports without scanning every report.
    qpvs = QPV.objects.filter(pk__in=ReportStat.objects.values("qpv_id")).order_by("nom")
    # By default, a quartier of the user's own territory: a Calais chef should not land on Dunkerque.
    own = _contributable_qpvs(request.user).filter(pk__in=qpvs.values("pk")).values_list("code", flat=True).first()
    selected = request.GET.get("qpv") or own or (qpvs[0].code if qpvs else "")
    return render(request, "gup/map.html", {"qpvs": qpvs, "selected": selected})


@require_safe
def map_data(request, code):
    """Open reports of one QPV as GeoJSON, with the outlines to draw: a fixed number of queries."""
    authorize(request.user, "view", None)
    qpv = get_object_or_404(QPV.objects.prefetch_related("communes"), code=code)
    reports = Report.objects.visible_to(request.user).filter(qpv=qpv, status__in=OPEN_STATUSES)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": stats.map_features(reports),
            "contours": _outlines([qpv]),
            "quartier": {"code": qpv.code, "nom": qpv.nom},
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def dashboard(request):
    authorize(request.user, "view", None)
    figures = stats.dashboard(request.GET)
    query = request.GET.urlencode()
    return render(
        request,
        "gup/dashboard.html",
        {
            "figures": figures,
            "query": query,
            "categories": CATEGORY_CHOICES,
            "choices": stats.filter_choices(),
            "f": {k: request.GET.get(k, "") for k in ("categorie", "qpv", "epci", "commune", "annee")},
        },
    )


@require_safe
def dashboard_export(request):
    authorize(request.user, "view", None)
    figures = stats.dashboard(request.GET)
    rows = [dict(r, groupe="Gestionnaire") for r in figures["per_manager"]] + [
        dict(r, groupe="Catégorie") for r in figures["per_category"]
    ]
    columns = [
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
    return export_response(rows, columns, "tableau-de-bord-gup", request.GET.get("format"))


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


# ---------------------------------------------------------------- managers and coordination


@require_safe
def managers(request):
    authorize(request.user, "view", None)
    areas = ManagerArea.objects.select_related("organisation", "qpv", "commune")
    coordinations = Coordination.objects.select_related("organisation", "epci", "commune")
    return render(
        request,
        "gup/managers.html",
        {"areas": areas, "coordinations": coordinations, "can_configure": can(request.user, "change", None)},
    )


def area_create(request):
    authorize(request.user, "change", None)
    # Only communes with a quartier: an administrator would otherwise get all 35,000 (a 2 MB page).
    communes = Commune.objects.editable_by(request.user).filter(qpvs__isnull=False).distinct().order_by("nom")
    form = AreaForm(request.POST or None)
    form.fields["commune"].queryset = communes
    form.fields["qpv"].queryset = QPV.objects.filter(communes__in=communes).distinct().order_by("nom")
    form.fields["organisation"].label = "Gestionnaire"
    if request.method == "POST" and form.is_valid():
        area = form.save(commit=False)
        try:
            if form.cleaned_data["polygon_text"]:
                area.polygon, area.polygon_wkb = services.polygon_from_geojson(form.cleaned_data["polygon_text"])
            authorize(request.user, "change", area)
            area.categories = form.cleaned_data["categories"]
            area.save()
            from quartiers.core import audit

            audit.record(request.user, "périmètre de gestion GUP créé", area)
            messages.success(request, "Périmètre de gestion enregistré.")
            return redirect("gup:managers")
        except services.GupError as exc:
            form.add_error("polygon_text", str(exc))
    return render(request, "gup/area_form.html", {"form": form})


@require_POST
def area_delete(request, pk):
    authorize(request.user, "view", None)
    area = get_object_or_404(ManagerArea.objects.select_related("commune"), pk=pk)
    authorize(request.user, "change", area)
    from quartiers.core import audit

    audit.record(request.user, "périmètre de gestion GUP supprimé", area)
    area.delete()
    messages.success(request, "Périmètre supprimé.")
    return redirect("gup:managers")


def coordination_create(request):
    authorize(request.user, "change", None)
    from quartiers.territories.models import EPCI

    form = CoordinationForm(request.POST or None)
    # Only territories with a quartier (reports are filed in QPV): an administrator would otherwise get all of France.
    epcis = EPCI.objects.editable_by(request.user).filter(communes__qpvs__isnull=False).distinct()
    form.fields["epci"].queryset = epcis.order_by("nom")
    communes = Commune.objects.editable_by(request.user).filter(qpvs__isnull=False).distinct()
    form.fields["commune"].queryset = communes.order_by("nom")
    if request.method == "POST" and form.is_valid():
        coord = form.save(commit=False)
        authorize(request.user, "change", coord)
        existing = Coordination.objects.filter(epci=coord.epci, commune=coord.commune).first()
        if existing:
            coord.pk = existing.pk
        coord.save()
        from quartiers.core import audit

        audit.record(request.user, "coordination GUP désignée", coord)
        messages.success(request, "Coordination GUP enregistrée.")
        return redirect("gup:managers")
    return render(request, "gup/coordination_form.html", {"form": form})


# ---------------------------------------------------------------- walks


@require_safe
def walk_list(request):
    authorize(request.user, "view", None)
    walks = (
        Walk.objects.visible_to(request.user)
        .select_related("qpv")
        .annotate(n_reports=Count("reports"), n_open=Count("reports", filter=Q(reports__status__in=OPEN_STATUSES)))
    )
    return render(request, "gup/walk_list.html", {"walks": walks, "can_create": can(request.user, "contribute", None)})


def walk_create(request):
    authorize(request.user, "contribute", None)
    qpvs = _contributable_qpvs(request.user)
    form = WalkForm(request.POST or None, qpvs=qpvs)
    if request.method == "POST" and form.is_valid():
        walk = form.save(commit=False)
        walk.commune = walk.qpv.communes.first()
        if walk.commune is None:
            form.add_error("qpv", "Ce quartier n'est rattaché à aucune commune.")
        else:
            walk.participants = form.cleaned_data["participants_text"]
            walk.route = form.cleaned_data["route_text"]
            walk.created_by = request.user
            walk.save()
            from quartiers.core import audit

            audit.record(request.user, "diagnostic en marchant créé", walk)
            messages.success(request, "Diagnostic en marchant enregistré.")
            return redirect(walk)
    return render(request, "gup/walk_form.html", {"form": form})


def _walk_or_404(request, pk):
    return get_object_or_404(Walk.objects.visible_to(request.user).select_related("qpv", "commune"), pk=pk)


def _walk_reports(walk):
    return (
        walk.reports.select_related("manager")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("pk")))
        .order_by("created_at")
    )


@require_safe
def walk_detail(request, pk):
    authorize(request.user, "view", None)
    walk = _walk_or_404(request, pk)
    reports = _walk_reports(walk)
    return render(
        request,
        "gup/walk_detail.html",
        {
            "walk": walk,
            "reports": reports,
            "can_capture": can(request.user, "contribute", walk),
            "today": timezone.localdate(),
            "outlines": _outlines([walk.qpv]),
        },
    )


def walk_capture(request, pk):
    """Several reports on one page. With JavaScript the items queue on the phone (walk_sync); without it,
    the form posts one report at a time here."""
    authorize(request.user, "view", None)
    walk = _walk_or_404(request, pk)
    authorize(request.user, "contribute", walk)
    form = ReportForm(
        request.POST or None, request.FILES or None, qpvs=QPV.objects.filter(pk=walk.qpv_id), initial={"qpv": walk.qpv}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lon, lat = _point_from(data)
            report = services.create_report(
                request.user,
                category=data["category"],
                qpv=walk.qpv,
                lon=lon,
                lat=lat,
                description=data["description"],
                address=data["address"],
                photos=data["photos"],
                walk=walk,
            )
            messages.success(request, f"Signalement {report.reference} ajouté au diagnostic.")
            return redirect("gup:walk_capture", walk.pk)
        except services.GupError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "gup/walk_capture.html",
        {
            "walk": walk,
            "form": form,
            "guidance": category_help(),
            "outlines": _outlines([walk.qpv]),
            "sync_url": reverse("gup:walk_sync", args=[walk.pk]),
            "count": walk.reports.count(),
        },
    )


@require_POST
def walk_sync(request, pk):
    """The phone's queue: {"items": [{"uuid", "categorie", "description", "lon", "lat", "photo": data URL}]}.

    Idempotent on the client-made UUID: an item sent twice (lost answer, flaky network) is created once.
    Each item is answered on its own so one bad item does not block the others.
    """
    authorize(request.user, "view", None)
    walk = _walk_or_404(request, pk)
    authorize(request.user, "contribute", walk)
    try:
        payload = json.loads(request.body.decode("utf-8"))
        items = payload["items"]
        assert isinstance(items, list)
    except (ValueError, KeyError, TypeError, AssertionError, UnicodeDecodeError):
        return JsonResponse({"erreur": "Envoi illisible : une liste « items » est attendue."}, status=400)
    if len(items) > MAX_SYNC_ITEMS:
        return JsonResponse({"erreur": f"Au plus {MAX_SYNC_ITEMS} signalements par envoi."}, status=400)
    return JsonResponse({"resultats": [_sync_item(request.user, walk, item) for item in items]})


def _sync_item(user, walk, item):
    try:
        client_uuid = uuid.UUID(str(item.get("uuid")))
    except (ValueError, AttributeError):
        return {
            "uuid": str(item.get("uuid") if isinstance(item, dict) else ""),
            "statut": "erreur",
            "message": "Identifiant manquant.",
        }
    existing = Report.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.walk_id != walk.pk:
            return {"uuid": str(client_uuid), "statut": "erreur", "message": "Identifiant déjà utilisé ailleurs."}
        return {"uuid": str(client_uuid), "statut": "deja_recu", "reference": existing.reference}
    try:
        photos = [services.photo_from_data_url(item["photo"])] if item.get("photo") else []
        report = services.create_report(
            user,
            category=item.get("categorie", ""),
            qpv=walk.qpv,
            lon=item.get("lon"),
            lat=item.get("lat"),
            description=str(item.get("description", ""))[:4000],
            photos=photos,
            walk=walk,
            client_uuid=client_uuid,
        )
    except services.GupError as exc:
        return {"uuid": str(client_uuid), "statut": "erreur", "message": str(exc)}
    except Exception as exc:  # a concurrent resend of the same UUID hits the unique constraint
        from django.db import IntegrityError

        if isinstance(exc, IntegrityError):
            again = Report.objects.filter(client_uuid=client_uuid).first()
            if again:
                return {"uuid": str(client_uuid), "statut": "deja_recu", "reference": again.reference}
        raise
    return {"uuid": str(client_uuid), "statut": "cree", "reference": report.reference, "url": report.get_absolute_url()}


@require_safe
def walk_pdf(request, pk):
    authorize(request.user, "view", None)
    walk = _walk_or_404(request, pk)
    reports = list(_walk_reports(walk))
    html = render_to_string(
        "gup/walk_pdf.html",
        {"walk": walk, "reports": reports, "today": timezone.localdate(), "by_status": _by_status(reports)},
    )
    from django.conf import settings
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=str(settings.MEDIA_ROOT)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnostic-{walk.pk}.pdf"'
    return response


def _by_status(reports):
    counts = {}
    for r in reports:
        counts[r.get_status_display()] = counts.get(r.get_status_display(), 0) + 1
    return sorted(counts.items())


# ---------------------------------------------------------------- TFPB


def _tfpb_filtered(request):
    qs = TfpbAgreement.objects.visible_to(request.user).select_related("bailleur", "qpv", "commune")
    if request.GET.get("annee", "").isdigit():
        qs = qs.filter(year=int(request.GET["annee"]))
    if request.GET.get("qpv"):
        qs = qs.filter(qpv__code=request.GET["qpv"])
    return qs


@require_safe
def tfpb_list(request):
    authorize(request.user, "view", None)
    agreements = _tfpb_filtered(request).annotate(n_actions=Count("actions"))
    return render(
        request,
        "gup/tfpb_list.html",
        {
            "agreements": agreements,
            "can_create": can(request.user, "contribute", None),
            "query": request.GET.urlencode(),
        },
    )


@require_safe
def tfpb_export(request):
    authorize(request.user, "view", None)
    columns = [
        ("Année", "year"),
        ("Bailleur", "bailleur.name"),
        ("Code QPV", "qpv.code"),
        ("Quartier", "qpv.nom"),
        ("Commune", "commune.nom"),
        ("Abattement (€)", "abatement_amount"),
        ("Logements", "housing_count"),
        ("Bilan", "bilan"),
    ]
    return export_response(_tfpb_filtered(request), columns, "conventions-tfpb", request.GET.get("format"))


def tfpb_create(request):
    authorize(request.user, "contribute", None)
    qpvs = _contributable_qpvs(request.user)
    bailleurs = Organisation.objects.filter(kind=Organisation.Kind.BAILLEUR).order_by("name")
    form = TfpbAgreementForm(request.POST or None, bailleurs=bailleurs, qpvs=qpvs)
    if request.method == "POST" and form.is_valid():
        agreement = form.save(commit=False)
        agreement.commune = agreement.qpv.communes.first()
        if TfpbAgreement.objects.filter(bailleur=agreement.bailleur, qpv=agreement.qpv, year=agreement.year).exists():
            form.add_error(None, "Une convention existe déjà pour ce bailleur, ce quartier et cette année.")
        elif not can(request.user, "change", agreement):
            form.add_error(
                "bailleur", "Vous ne pouvez saisir que les conventions de votre organisation ou de votre territoire."
            )
        else:
            agreement.save()
            from quartiers.core import audit

            audit.record(request.user, "convention TFPB créée", agreement)
            messages.success(request, "Convention TFPB enregistrée : ajoutez son plan d'actions.")
            return redirect(agreement)
    return render(request, "gup/tfpb_form.html", {"form": form, "title": "Nouvelle convention TFPB"})


def _agreement_or_404(request, pk):
    qs = TfpbAgreement.objects.visible_to(request.user).select_related("bailleur", "qpv", "qpv__departement", "commune")
    return get_object_or_404(qs, pk=pk)


@require_safe
def tfpb_detail(request, pk):
    authorize(request.user, "view", None)
    agreement = _agreement_or_404(request, pk)
    actions = list(
        agreement.actions.prefetch_related(
            Prefetch("reports", queryset=Report.objects.only("pk", "reference", "status", "category")),
            Prefetch("walks", queryset=Walk.objects.only("pk", "title", "date")),
        )
    )
    axes = []
    for value, label in TfpbAxis.choices:
        items = [a for a in actions if a.axis == value]
        axes.append(
            {
                "label": label,
                "actions": items,
                "planned": sum(a.planned_amount for a in items),
                "spent": sum(a.spent_amount or 0 for a in items),
            }
        )
    planned = sum(a.planned_amount for a in actions)
    spent = sum(a.spent_amount or 0 for a in actions)
    return render(
        request,
        "gup/tfpb_detail.html",
        {
            "agreement": agreement,
            "axes": axes,
            "planned": planned,
            "spent": spent,
            "done": sum(1 for a in actions if a.done),
            "total_actions": len(actions),
            "can_change": can(request.user, "change", agreement),
        },
    )


def tfpb_edit(request, pk):
    authorize(request.user, "view", None)
    agreement = _agreement_or_404(request, pk)
    authorize(request.user, "change", agreement)
    form = TfpbBilanForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        form.save()
        from quartiers.core import audit

        audit.record(request.user, "convention TFPB : bilan mis à jour", agreement)
        messages.success(request, "Convention mise à jour.")
        return redirect(agreement)
    return render(request, "gup/tfpb_form.html", {"form": form, "title": f"Bilan — {agreement}"})


def tfpb_action_create(request, pk):
    authorize(request.user, "view", None)
    agreement = _agreement_or_404(request, pk)
    authorize(request.user, "change", agreement)
    form = TfpbActionForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        action = form.save(commit=False)
        action.agreement = agreement
        action.save()
        form.save_m2m()
        from quartiers.core import audit

        audit.record(request.user, "action TFPB ajoutée", agreement, {"action": action.title})
        messages.success(request, "Action ajoutée au plan.")
        return redirect(agreement)
    return render(request, "gup/tfpb_form.html", {"form": form, "title": f"Nouvelle action — {agreement}"})
