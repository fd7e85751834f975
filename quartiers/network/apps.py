from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "quartiers.network"
    verbose_name = "Réseau"

    def ready(self):
        from quartiers.network import signals
        from quartiers.territories import hooks

        hooks.register_qpv_links(qpv_links)
        signals.connect()


def qpv_links(qpv, user):
    """Network meetings whose agenda deals with this QPV (or its communes), for the QPV fiche (one query)."""
    from django.db.models import Q

    from quartiers.core.permissions import can
    from quartiers.network.models import Meeting

    if not can(user, "view", Meeting):
        return []
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(Q(agenda_items__qpvs=qpv) | Q(agenda_items__communes__in=qpv.communes.all()))
        .distinct()
        .order_by("-starts_at")[:10]
    )
    return [(f"Rencontre du réseau : {m.title} ({m.starts_at:%d/%m/%Y})", m.get_absolute_url()) for m in meetings]
