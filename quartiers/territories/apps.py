from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "quartiers.territories"
    verbose_name = "Territoires"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from quartiers.territories import models, refcache
        from quartiers.territories.signals import outlines_changed

        # Any change of the reference data gives it a new version: the pages cached from it are rebuilt.
        outlines_changed.connect(refcache.bump, dispatch_uid="territories.refcache.outlines", weak=False)
        for model in (
            models.Region,
            models.Departement,
            models.EPCI,
            models.Commune,
            models.QPV,
            models.ContratDeVille,
            models.IndicatorDefinition,
            models.IndicatorValue,
            models.Label,
        ):
            uid = f"territories.refcache.{model.__name__}"
            post_save.connect(refcache.bump, sender=model, dispatch_uid=f"{uid}.save", weak=False)
            post_delete.connect(refcache.bump, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
        for through in (models.QPV.communes.through, models.ContratDeVille.qpvs.through, models.Label.communes.through):
            m2m_changed.connect(
                refcache.bump, sender=through, dispatch_uid=f"territories.refcache.{through}", weak=False
            )
