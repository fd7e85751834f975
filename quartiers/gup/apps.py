from django.apps import AppConfig


class GupConfig(AppConfig):
    name = "quartiers.gup"
    verbose_name = "Gestion urbaine de proximité"

    def ready(self):
        from quartiers.core import dataversions
        from quartiers.territories import hooks

        hooks.register_qpv_links(qpv_links)
        dataversions.watch("gup")  # the map's cache (views/maps.py), whatever the QPV fiche registers


def qpv_links(qpv, user):
    """Open and total proximity reports of a QPV, for its fiche (one query)."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from quartiers.core.permissions import can
    from quartiers.gup.models import OPEN_STATUSES, Report

    if not can(user, "view", Report):
        return []
    counts = (
        Report.objects.visible_to(user)
        .filter(qpv=qpv)
        .aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)))
    )
    if not counts["total"]:
        return []
    url = reverse("gup:report_list")
    return [
        (f"Signalements GUP : {counts['open']} en cours sur {counts['total']}", f"{url}?qpv={qpv.code}&statut=ouverts"),
        ("Carte des signalements en cours", f"{reverse('gup:map')}?qpv={qpv.code}"),
    ]
