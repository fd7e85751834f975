"""What the QPV list exports: its columns, and « tout » — every QPV × every indicator, as a background job."""

from decimal import Decimal

from quartiers.core import export_jobs
from quartiers.territories.models import QPV, IndicatorDefinition, IndicatorValue
from quartiers.territories.services import filter_qpvs

FILTER_KEYS = ("q", "region", "departement", "epci", "commune", "generation", "npnru", "contour", "contrat", "tri")
SECRET = "secret statistique"

EXPORT_COLUMNS = [
    ("Code", "code"),
    ("Nom", "nom"),
    ("Géographie", "generation"),
    ("Département", "departement_id"),
    ("Région", lambda q: q.departement.region.nom),
    ("EPCI (SIREN)", "epci_id"),
    ("EPCI", lambda q: q.epci.nom if q.epci else ""),
    ("Communes (INSEE)", lambda q: ";".join(c.insee for c in q.communes.all())),
    ("Communes", lambda q: ";".join(c.nom for c in q.communes.all())),
    ("Population", "population"),
    ("NPNRU", "npnru"),
    ("Contour chargé", "outline_loaded"),
]


def indicator_label(indicator):
    details = ", ".join(str(d) for d in (indicator.unite, indicator.annee) if d)
    return f"{indicator.libelle} ({details})" if details else indicator.libelle


def _value_column(values, indicator_id):
    def value(qpv):
        found = values.get((qpv.code, indicator_id))
        if found is None:
            return None
        if found.secret:
            return SECRET
        # 43.9000 as stored → 43,9 in the file (the trailing zeros are the column's precision, not the data's).
        return None if found.valeur is None else Decimal(format(found.valeur.normalize(), "f"))

    return value


@export_jobs.exportable(
    "territories.qpv_indicateurs", "QPV × indicateurs", basename="qpv-indicateurs", filters=FILTER_KEYS
)
def qpv_indicators(user, filters):
    """One row per QPV the user may see (the list's filters), one column per indicator: its QPV value."""
    qs, _active = filter_qpvs(QPV.objects.visible_to(user), filters)
    indicators = list(IndicatorDefinition.objects.all())
    # Values hang on the QPV by its code, not a key: read them all once (one query), not per row.
    values = {
        (v.code, v.indicator_id): v
        for v in IndicatorValue.objects.filter(level=IndicatorValue.Level.QPV).only(
            "code", "indicator_id", "valeur", "secret"
        )
    }
    columns = EXPORT_COLUMNS + [(indicator_label(i), _value_column(values, i.pk)) for i in indicators]
    return qs.with_related(), columns
