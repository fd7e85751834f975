"""The networks a user may see, computed once per state of the networks and of the user's rights.

The QPV fiche asks which network meetings deal with the quartier; filtering them through the full policy
(`Meeting.objects.visible_to`: meetings → networks → members, animators, territories) cost most of the fiche's
time under load, for an answer that changes only when a network changes or the user's memberships do. A
meeting is visible exactly when its network is (network/rules.py: `view=via("network", "view")`), so the ids of
the visible networks are cached under every network's `data_version` (bumped in the writer's transaction on
any change of members, animator or territories: network/signals.py) and the user's memberships — a write is
seen at once by every worker, as for the network page's summary.
"""

import hashlib

from django.core.cache import cache

from quartiers.core.permissions import _memberships, is_signed_in, visible_to
from quartiers.network.models import Network

TIMEOUT = 300


def visible_network_ids(user):
    """frozenset of the ids of the networks `user` may view (two small queries on a cache hit)."""
    if not is_signed_in(user):
        return frozenset(visible_to(user, Network.objects.all()).values_list("pk", flat=True))
    versions = sorted(Network.objects.values_list("pk", "data_version"))
    rights = sorted(map(repr, _memberships(user)))
    digest = hashlib.sha1(repr((user.pk, user.is_superuser, rights, versions)).encode()).hexdigest()
    key = f"network:visible:{user.pk}:{digest}"
    ids = cache.get(key)
    if ids is None:
        ids = frozenset(visible_to(user, Network.objects.all()).values_list("pk", flat=True))
        cache.set(key, ids, TIMEOUT)
    return ids
