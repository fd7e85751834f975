from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "quartiers.contracts"
    verbose_name = "Contrats de ville"

    def ready(self):
        from quartiers.territories import hooks

        from . import fragments

        hooks.register_qpv_links(qpv_links)
        fragments.connect()


def qpv_links(qpv, user):
    """The followed contracts covering a QPV and its commitments, for the QPV fiche (two queries)."""
    from django.db.models import Q
    from django.urls import reverse

    from quartiers.contracts.models import Commitment, Contract
    from quartiers.core.permissions import can

    if not can(user, "view", Contract):
        return []
    contracts = (
        Contract.objects.visible_to(user)
        .filter(Q(qpvs=qpv) | Q(reference__qpvs=qpv))
        .distinct()
        .values_list("pk", "name", "generation")
    )
    links = [
        (f"Contrat de ville suivi : {name} ({gen})", reverse("contracts:detail", args=[pk]))
        for pk, name, gen in contracts
    ]
    count = Commitment.objects.filter(qpvs=qpv).count()
    if count:
        links.append((f"Engagements visant ce quartier : {count}", reverse("contracts:index")))
    return links
