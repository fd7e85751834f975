"""Diagnostics en marchant: list, creation, detail, capture on the phone (form or offline queue), PDF report."""

import json

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import authorize, can
from quartiers.gup import services
from quartiers.gup.forms import ReportForm, WalkForm, category_help
from quartiers.gup.models import OPEN_STATUSES, Photo, Walk
from quartiers.gup.views.common import contributable_qpvs, form_error, outlines
from quartiers.territories.models import QPV

MAX_SYNC_ITEMS = 50


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
    form = WalkForm(request.POST or None, qpvs=contributable_qpvs(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            walk = services.create_walk(
                request.user, form.save(commit=False), data["participants_text"], data["route_text"]
            )
            messages.success(request, "Diagnostic en marchant enregistré.")
            return redirect(walk)
        except services.GupError as exc:
            form_error(form, exc)
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
    return render(
        request,
        "gup/walk_detail.html",
        {
            "walk": walk,
            "reports": _walk_reports(walk),
            "can_capture": can(request.user, "contribute", walk),
            "today": timezone.localdate(),
            "outlines": outlines([walk.qpv]),
        },
    )


def walk_capture(request, pk):
    """Several reports on one page. With JavaScript the items queue on the phone (walk_sync); without it,
    the form posts one report at a time here."""
    authorize(request.user, "view", None)
    walk = _walk_or_404(request, pk)
    authorize(request.user, "contribute", walk)
    qpvs = QPV.objects.filter(pk=walk.qpv_id)
    form = ReportForm(request.POST or None, request.FILES or None, qpvs=qpvs, initial={"qpv": walk.qpv})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lon, lat = services.point_for(walk.qpv, data.get("lon"), data.get("lat"), data.get("address"))
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
    context = {
        "walk": walk,
        "form": form,
        "guidance": category_help(),
        "outlines": outlines([walk.qpv]),
        "sync_url": reverse("gup:walk_sync", args=[walk.pk]),
        "count": walk.reports.count(),
    }
    return render(request, "gup/walk_capture.html", context)


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
    return JsonResponse({"resultats": [services.sync_walk_item(request.user, walk, item) for item in items]})


@require_safe
def walk_pdf(request, pk):
    authorize(request.user, "view", None)
    walk = _walk_or_404(request, pk)
    reports = list(_walk_reports(walk))
    html = render_to_string(
        "gup/walk_pdf.html",
        {"walk": walk, "reports": reports, "today": timezone.localdate(), "by_status": _by_status(reports)},
    )
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for

    pdf = HTML(string=html, base_url=str(settings.MEDIA_ROOT)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnostic-{walk.pk}.pdf"'
    return response


def _by_status(reports):
    counts = {}
    for r in reports:
        counts[r.get_status_display()] = counts.get(r.get_status_display(), 0) + 1
    return sorted(counts.items())
