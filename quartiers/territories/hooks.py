"""What the other modules hold about a QPV, without the territories importing them.

A module registers a provider in its AppConfig.ready():

    from quartiers.territories import hooks
    hooks.register_qpv_links(lambda qpv, user: [("Actions financées (3)", "/programmation/?qpv=QN06253M")])

Each provider returns (label, url) pairs for the QPV fiche section « Dans les autres modules »
(template `territories/_qpv_autres_modules.html`, block `qpv_autres_modules`). A provider must
respect the permission policy for `user` and run a constant number of queries.

The fiche is the most read page and each provider filters through the whole policy, so the list is cached per
user and QPV under the data versions of every app that may change it (core/dataversions.py: database triggers
change an app's token in the writer's transaction, whatever the write): the provider's own app and accounts (the
user's rights), plus the reference data's version (territories/refcache.py). A write anywhere in those apps is
seen by the next request of any process. So a provider's answer must depend on the database only, never on the
clock (« upcoming » meetings would go stale).
"""

from quartiers.core import dataversions
from quartiers.core.permissions import is_signed_in
from quartiers.territories import refcache

QPV_LINK_PROVIDERS = []
# Besides its own app, a provider's answer depends on the user's rights (accounts).
ALWAYS_WATCHED = ("accounts",)
CACHE_SECONDS = 600


def app_label(provider):
    """The app of a provider defined in one of ours (None for a test's)."""
    parts = provider.__module__.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "quartiers" else None


def register_qpv_links(provider):
    if provider not in QPV_LINK_PROVIDERS:
        QPV_LINK_PROVIDERS.append(provider)
        dataversions.watch(*ALWAYS_WATCHED, *filter(None, [app_label(provider)]))
    return provider


def _compute(qpv, user):
    links = []
    for provider in QPV_LINK_PROVIDERS:
        links.extend(provider(qpv, user) or [])
    return links


def viewer(user):
    """The part of a cache key that names whose rights an answer follows."""
    return f"{user.pk}:{int(user.is_superuser)}" if is_signed_in(user) else "anonyme"


def versions(reference=None):
    """The reference data's token and every watched app's (two queries; `reference`: the reference data's token
    when the caller has read it already)."""
    return f"{reference or refcache.version()};{dataversions.tokens(dataversions.WATCHED)}"


def links_for(qpv, user, reference=None):
    """The links of every module for `user` on `qpv`'s fiche, from the cache while no watched table changed."""
    if not QPV_LINK_PROVIDERS:
        return []
    return dataversions.cached(
        "qpv-links", (versions(reference), qpv.pk, viewer(user)), lambda: _compute(qpv, user), CACHE_SECONDS
    )
