"""A network's `data_version` changes with every write to what its page shows, in the writer's transaction.

The page's shared part is cached under that version (network/summary.py); the version lives in the network's
row, which the page reads anyway, so every gunicorn worker sees a write at once without a shared cache.
Writes that send no signal (`QuerySet.update`, `bulk_create`) call `bump` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from quartiers.network.models import (
    AxisRank,
    AxisSupport,
    Meeting,
    Network,
    NetworkMember,
    PriorityAxis,
    Registration,
    new_data_version,
)


def bump(networks):
    """`networks`: a Network queryset (one UPDATE, no read)."""
    networks.update(data_version=new_data_version())


# How to reach the network from a changed row, without reading it.
_NETWORK_OF = {
    Network: lambda row: Network.objects.filter(pk=row.pk),
    Meeting: lambda row: Network.objects.filter(pk=row.network_id),
    NetworkMember: lambda row: Network.objects.filter(pk=row.network_id),
    PriorityAxis: lambda row: Network.objects.filter(pk=row.network_id),
    Registration: lambda row: Network.objects.filter(meetings=row.meeting_id),
    AxisSupport: lambda row: Network.objects.filter(axes=row.axis_id),
    AxisRank: lambda row: Network.objects.filter(axes=row.axis_id),
}


def _changed(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures and restores load the version with the rows
        bump(_NETWORK_OF[sender](instance))


def _territories_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):  # clear: while the links still exist
        return
    if not reverse:  # network.communes.add(…)
        bump(Network.objects.filter(pk=instance.pk))
    elif pk_set:  # commune.networks.add(network, …)
        bump(Network.objects.filter(pk__in=pk_set))
    else:  # commune.networks.clear()
        bump(Network.objects.filter(pk__in=instance.networks.values("pk")))


def connect():
    for model in _NETWORK_OF:
        uid = f"network-data-version-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Network.communes.through, Network.epcis.through):
        m2m_changed.connect(_territories_changed, sender=through, dispatch_uid=f"network-data-version-{through}")
