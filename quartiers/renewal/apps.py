from django.apps import AppConfig


class RenewalConfig(AppConfig):
    name = "quartiers.renewal"
    verbose_name = "Renouvellement urbain"

    def ready(self):
        from quartiers.territories import hooks

        hooks.register_qpv_links(qpv_links)


def qpv_links(qpv, user):
    """The renewal projects of a QPV, for its fiche (one query)."""
    from django.urls import reverse

    from quartiers.core.permissions import can
    from quartiers.renewal.models import Project

    if not can(user, "view", Project):
        return []
    return [
        (f"Projet de renouvellement urbain : {name}", reverse("renewal:project_detail", args=[pk]))
        for pk, name in Project.objects.visible_to(user).filter(qpv=qpv).values_list("pk", "name")
    ]
