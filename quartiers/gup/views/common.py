"""Helpers shared by the GUP page families."""

from quartiers.territories.models import QPV


def contributable_qpvs(user):
    return QPV.objects.filter(generation=QPV.Generation.G2024).contributable_by(user).order_by("nom")


def outlines(qpvs):
    """Display outlines for the map: the QPV's when known, else its communes'."""
    features = []
    for qpv in qpvs:
        if qpv.outline_simplified:
            features.append({"type": "Feature", "geometry": qpv.outline_simplified, "properties": {"nom": qpv.nom}})
        for commune in qpv.communes.all():
            if commune.outline_simplified:
                geom = commune.outline_simplified
                features.append({"type": "Feature", "geometry": geom, "properties": {"nom": commune.nom}})
    return {"type": "FeatureCollection", "features": features}


def form_error(form, exc):
    """Show a service's refusal on the field it names (or on the whole form)."""
    form.add_error(getattr(exc, "field", None), str(exc))
