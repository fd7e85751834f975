"""JSON API of the GUP: reports, read-only, same policy as the pages (session or API token)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from quartiers.core import api
from quartiers.core.permissions import can
from quartiers.gup.models import CATEGORIES, Report, Status


def _user(request):
    user = api.user_from_request(request)
    return user if user is not None and can(user, "view", None) else None


def _serialize(report):
    return {
        "id": report.pk,
        "reference": report.reference,
        "categorie": report.category,
        "categorie_libelle": report.category_label,
        "statut": report.status,
        "statut_libelle": report.get_status_display(),
        "qpv": report.qpv.code if report.qpv else None,
        "commune": report.commune_id,
        "gestionnaire": report.manager.name if report.manager else None,
        "lon": report.lon,
        "lat": report.lat,
        "cree_le": report.created_at.isoformat(),
        "echeance": report.deadline.isoformat(),
        "resolu_le": report.resolved_at.isoformat() if report.resolved_at else None,
        "delai_resolution_secondes": report.resolution_seconds,
    }


def report_list(request):
    user = _user(request)
    if user is None:
        return api.error("Authentification requise (session ou jeton « Authorization: Token … »).", 401)
    qs = Report.objects.visible_to(user).select_related("qpv", "manager").order_by("-created_at", "-pk")
    g = request.GET
    if g.get("statut"):
        if g["statut"] not in Status.values:
            return api.error(f"Statut inconnu : {g['statut']} (valeurs : {', '.join(Status.values)}).")
        qs = qs.filter(status=g["statut"])
    if g.get("categorie"):
        if g["categorie"] not in CATEGORIES:
            return api.error(f"Catégorie inconnue : {g['categorie']} (valeurs : {', '.join(CATEGORIES)}).")
        qs = qs.filter(category=g["categorie"])
    for param, field in (("qpv", "qpv__code"), ("epci", "epci_id"), ("commune", "commune_id")):
        if g.get(param):
            qs = qs.filter(**{field: g[param]})
    return api.paginate(request, qs, _serialize)


def report_detail(request, pk):
    user = _user(request)
    if user is None:
        return api.error("Authentification requise (session ou jeton « Authorization: Token … »).", 401)
    report = get_object_or_404(Report.objects.visible_to(user).select_related("qpv", "manager"), pk=pk)
    data = _serialize(report)
    data["description"] = report.description
    data["historique"] = [
        {
            "statut": h.to_status,
            "motif": h.motif,
            "le": h.created_at.isoformat(),
            "gestionnaire": h.to_manager.name if h.to_manager else None,
        }
        for h in report.history.select_related("to_manager")
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
