from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from quartiers.core.models import Job
from quartiers.core.permissions import authorize, can, view_public

# Quick links of the home page. Worded as tasks, distinct from the header's module names, so that
# « NPNRU » or « Réseau » stays one link per page for screen-reader users (and for browser tests).
QUICK_LINKS = [
    ("eligibility:lookup", "Vérifier si une adresse est en QPV"),
    ("territories:qpv_list", "Consulter la liste des QPV et leurs chiffres"),
    ("territories:map", "Situer les quartiers"),
    ("contracts:index", "Suivre les engagements des signataires"),
    ("mobilisation:index", "Suivre les mesures nationales et le PAQTE"),
    ("renewal:index", "Suivre les projets de renouvellement urbain"),
    ("gup:index", "Signaler et suivre la gestion de proximité"),
    ("network:index", "Préparer les rencontres des chefs de projet"),
    ("resources:index", "Chercher un document ou une actualité"),
]


# The founding network of the project (seed: the 25 January 2019 meeting in Calais).
LITTORAL_COMMUNES = [
    ("62160", "Boulogne-sur-Mer"),
    ("62193", "Calais"),
    ("59183", "Dunkerque"),
    ("59295", "Hazebrouck"),
    ("62758", "Saint-Martin-Boulogne"),
    ("62765", "Saint-Omer"),
]


def _littoral_links():
    try:
        return [
            {"url": reverse("territories:commune_detail", args=[insee]), "label": nom}
            for insee, nom in LITTORAL_COMMUNES
        ]
    except NoReverseMatch:
        return []


def _quick_links():
    links = []
    for name, label in QUICK_LINKS:
        try:
            links.append({"url": reverse(name), "label": label})
        except NoReverseMatch:
            continue  # module not installed
    return links


@require_safe
@view_public
def home(request):
    """Each person's page: their territories, what changed around them, their jobs, the modules."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/home.html", {"quick_links": _quick_links(), "littoral": _littoral_links()})
    from quartiers.accounts.queries import events_relevant_to
    from quartiers.accounts.scopes import attach_territory_names

    memberships = user.memberships.filter(active=True).select_related("organisation").order_by("role", "pk")
    context = {
        "memberships": attach_territory_names(memberships),
        "recent_events": list(events_relevant_to(user)[:10]),
        "jobs": list(Job.objects.visible_to(user).filter(owner=user)[:5]),
        "can_invite": can(user, "change"),
        "quick_links": _quick_links(),
        "littoral": _littoral_links(),
    }
    return render(request, "core/home.html", context)


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
    from quartiers.core.api import openapi_document

    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
