"""What the GUP reports export: the list's columns, and « tout » — every report the requester may see, with the
list's filters — as a background job (quartiers.core.export_jobs), not in the request."""

from quartiers.core import export_jobs
from quartiers.gup.models import Report

# The list's filters (Report.objects.matching): the job keeps them, so the file is the list the requester saw.
FILTER_KEYS = ("statut", "categorie", "qpv", "epci", "commune", "gestionnaire", "a_traiter", "diagnostic")

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


def reports_for(user, filters):
    """The reports `user` may see, narrowed by the list's filters, with what the columns read (no query per row)."""
    return Report.objects.visible_to(user).matching(filters, user).select_related("qpv", "manager", "commune")


@export_jobs.exportable("gup.signalements", "Signalements GUP", basename="signalements-gup", filters=FILTER_KEYS)
def all_reports(user, filters):
    # Runs in the worker as the requester: the permission filter is applied again here, never trusted from the page.
    return reports_for(user, filters), REPORT_COLUMNS
