from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "quartiers.resources"
    verbose_name = "Ressources"

    def ready(self):
        # Register the job handlers in every process (web and worker), so `jobs.enqueue` knows them.
        from quartiers.resources import jobs  # noqa: F401
        from quartiers.territories import hooks

        hooks.register_qpv_links(qpv_links)
        # The search index lives outside the models: a restored database rebuilds it.
        from quartiers.core.backup import restored

        restored.connect(_rebuild_search_index, dispatch_uid="resources.rebuild_search_index")
        from quartiers.core.derived import derive

        derive("resources.searchterm", "resources.searchposting")
        # A document deleted outside services.delete_document (admin, cascade, QuerySet.delete) leaves the index
        # too, its words' counts included: before the delete, while its postings are still there to count.
        from django.db.models.signals import pre_delete

        pre_delete.connect(_unindex_deleted, sender="resources.Document", dispatch_uid="resources.unindex_deleted")


def _unindex_deleted(sender, instance, using, **kwargs):
    from quartiers.resources.services import unindex_document

    unindex_document(instance.pk, using=using)


def _rebuild_search_index(sender, using, **kwargs):
    from quartiers.resources.services import rebuild_index

    rebuild_index(using=using)


QPV_LINKS = 5


def qpv_links(qpv, user):
    """The QPV fiche's resources: documents visible to `user` about the quartier or its communes (one query)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    from quartiers.resources.models import Document

    docs = list(
        Document.objects.visible_to(user)
        .about_qpv(qpv.code)
        .order_by("-date", "-pk")
        .values_list("pk", "title", "date")[: QPV_LINKS + 1]
    )
    links = [
        (f"Ressource : {title} ({day:%d/%m/%Y})", reverse("resources:document", args=[pk]))
        for pk, title, day in docs[:QPV_LINKS]
    ]
    if docs:
        url = reverse("resources:index") + "?" + urlencode({"territoire": f"qpv:{qpv.code}"})
        links.append(("Voir tous les documents du centre de ressources sur ce quartier", url))
    return links
