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
    """Network meetings whose agenda deals with this QPV (or its communes), for the QPV fiche.

    A meeting is visible when its network is: the visible networks come from network/visibility.py (cached per
    data version), so the fiche runs one plain query here instead of the whole policy's subqueries."""
    from django.db.models import Q

    from quartiers.core.permissions import can
    from quartiers.network.models import Meeting
    from quartiers.network.visibility import visible_network_ids

    if not can(user, "view", Meeting):
        return []
    meetings = (
        Meeting.objects.filter(network_id__in=visible_network_ids(user))
        .filter(Q(agenda_items__qpvs=qpv) | Q(agenda_items__communes__in=qpv.communes.all()))
        .distinct()
        .order_by("-starts_at")[:10]
    )
    return [(f"Rencontre du réseau : {m.title} ({m.starts_at:%d/%m/%Y})", m.get_absolute_url()) for m in meetings]
