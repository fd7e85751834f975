"""What the other modules hold about a QPV, without the territories importing them.

A module registers a provider in its AppConfig.ready():

    from quartiers.territories import hooks
    hooks.register_qpv_links(lambda qpv, user: [("Actions financées (3)", "/programmation/?qpv=QN06253M")])

Each provider returns (label, url) pairs for the QPV fiche section « Dans les autres modules »
(template `territories/_qpv_autres_modules.html`, block `qpv_autres_modules`). A provider must
respect the permission policy for `user` and run a constant number of queries.
"""

QPV_LINK_PROVIDERS = []


def register_qpv_links(provider):
    if provider not in QPV_LINK_PROVIDERS:
        QPV_LINK_PROVIDERS.append(provider)
    return provider


def links_for(qpv, user):
    links = []
    for provider in QPV_LINK_PROVIDERS:
        links.extend(provider(qpv, user) or [])
    return links
