from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from quartiers.core.models import Job
from quartiers.core.permissions import authorize, view_public


@require_safe
def job_detail(request, pk):
    authorize(request.user, "view", None)
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if request.headers.get("Accept") == "application/json" or request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "done": job.done,
                "total": job.total,
                "percent": job.percent,
                "message": job.message,
                "finished": job.is_finished,
            }
        )
    return render(request, "core/job_detail.html", {"job": job})


@require_safe
@view_public
def health(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_safe
@view_public
def openapi(request):
    """The former address of the document: it serves the one OpenAPI 3.1 document of /api/schema/ (django-ninja),
    so a client that kept the old address reads every endpoint (core knows no app: the view is found by its URL)."""
    from django.urls import resolve

    match = resolve("/api/schema/")
    return match.func(request, *match.args, **match.kwargs)
