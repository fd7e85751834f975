"""The GUP home page and the reports: list, export, form, detail and the actions posted from it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can, organisation_ids
from quartiers.gup import services, stats
from quartiers.gup.exports import FILTER_KEYS, REPORT_COLUMNS, reports_for
from quartiers.gup.forms import CommentForm, ReportForm, TransitionForm, category_help
from quartiers.gup.models import CATEGORIES, CATEGORY_CHOICES, OPEN_STATUSES, Follower, Photo, Report, Status, Walk
from quartiers.gup.views.common import contributable_qpvs

PAGE_SIZE = 50


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


def _filtered_reports(request):
    return reports_for(request.user, request.GET)


@require_safe
def report_list(request):
    authorize(request.user, "view", None)
    qs = _filtered_reports(request)
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
            "export_filters": {k: request.GET[k] for k in FILTER_KEYS if request.GET.get(k)},
            "qpv_choices": stats.filter_choices()["qpvs"],
            "statuses": Status.choices,
            "categories": CATEGORY_CHOICES,
            "today": timezone.localdate(),
        },
    )


@require_safe
def report_export(request):
    """The filtered list in the request: for small lists (a walk's follow-up); the list page offers the whole
    export as a background job (gup.exports)."""
    authorize(request.user, "view", None)
    qs = _filtered_reports(request)
    return export_response(qs.iterator(chunk_size=2000), REPORT_COLUMNS, "signalements-gup", request.GET.get("format"))


def report_create(request):
    authorize(request.user, "contribute", None)
    qpvs = contributable_qpvs(request.user)
    form = ReportForm(request.POST or None, request.FILES or None, qpvs=qpvs, initial=request.GET.dict() or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lon, lat = services.point_for(data["qpv"], data.get("lon"), data.get("lat"), data.get("address"))
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
        request, "gup/report_form.html", {"form": form, "duplicates": duplicates, "guidance": category_help()}
    )


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
            "transitions": [(t.verb, t.label) for t in report.allowed_transitions()] if can_change else [],
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
    data = form.cleaned_data
    try:
        services.transition(request.user, report, data["verb"], data["motif"], data["manager"])
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


def _nearby_json(report):
    return {
        "id": report.pk,
        "reference": report.reference,
        "distance_m": report.distance,
        "statut": report.get_status_display(),
        "url": report.get_absolute_url(),
        "description": report.description[:140],
    }


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
    return JsonResponse({"resultats": [_nearby_json(r) for r in services.nearby_open(category, lon, lat)]})
