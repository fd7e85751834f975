"""The home page: each person's territories, what changed around them, their jobs, the modules."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_safe

from quartiers.accounts.queries import events_relevant_to
from quartiers.accounts.scopes import attach_territory_names
from quartiers.core.models import Job
from quartiers.core.permissions import can, view_public

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
        return render(request, "site/home.html", {"quick_links": _quick_links(), "littoral": _littoral_links()})
    memberships = user.memberships.filter(active=True).select_related("organisation").order_by("role", "pk")
    context = {
        "memberships": attach_territory_names(memberships),
        "recent_events": list(events_relevant_to(user)[:10]),
        "jobs": list(Job.objects.visible_to(user).filter(owner=user)[:5]),
        "can_invite": can(user, "change"),
        "quick_links": _quick_links(),
        "littoral": _littoral_links(),
    }
    return render(request, "site/home.html", context)
