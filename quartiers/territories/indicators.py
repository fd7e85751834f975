"""The INSEE rules, applied once: what may be compared, what may be summed, what is secret.

- a value under secret statistique is shown as such, never as 0 and never used in a chart;
- two values are compared only for the same indicator with the same known vintage;
- only an indicator marked `additionnable` (a count) is summed over several QPVs; a rate, a median or
  an index never is.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from quartiers.territories.models import IndicatorDefinition, IndicatorValue

LEVEL_LABELS = {"qpv": "QPV", "commune": "Commune", "epci": "EPCI", "departement": "Département", "france": "France"}


@dataclass
class Cell:
    level: str
    label: str
    value: IndicatorValue | None = None
    comparable: bool = True
    width: float = 0.0  # bar width in % of the chart

    @property
    def bar(self):
        """The width as an SVG attribute: a dot decimal whatever the locale."""
        return f"{self.width:.1f}"

    @property
    def secret(self):
        return self.value is not None and self.value.secret

    @property
    def year(self):
        return self.value.millesime if self.value is not None else None


@dataclass
class Row:
    indicator: IndicatorDefinition
    cells: list = field(default_factory=list)

    @property
    def qpv(self):
        return self.cells[0]

    @property
    def has_chart(self):
        return sum(1 for c in self.cells if c.width) > 1


def values_for(targets):
    """All values of the (level, code) targets in one query: {(indicator_id, level): value}."""
    query = Q(pk__in=[])
    for level, code in targets:
        if code:
            query |= Q(level=level, code=code)
    values = IndicatorValue.objects.filter(query).select_related("indicator")
    return {(v.indicator_id, v.level): v for v in values}


def comparison(qpv, communes, epci_id):
    """Rows of the QPV fiche: the QPV's value against its commune, EPCI, département and France."""
    commune = communes[0].insee if len(communes) == 1 else None  # a multi-commune QPV has no single reference
    targets = [("qpv", qpv.code), ("commune", commune), ("epci", epci_id)]
    targets += [("departement", qpv.departement_id), ("france", "FR")]
    values = values_for(targets)
    indicators = {}
    for v in values.values():
        if v.level == "qpv":
            indicators[v.indicator_id] = v.indicator
    rows = []
    for indicator in sorted(indicators.values(), key=lambda i: (i.ordre, i.code)):
        row = Row(indicator)
        for level, _code in targets:
            row.cells.append(Cell(level, LEVEL_LABELS[level], values.get((indicator.pk, level))))
        _apply_rules(row)
        rows.append(row)
    return rows


def _apply_rules(row):
    base = row.qpv
    for cell in row.cells[1:]:
        if cell.value is None:
            continue
        cell.comparable = base.year is not None and cell.year == base.year
    usable = [c for c in row.cells if c.value is not None and not c.secret and c.comparable and c.value.valeur]
    if len(usable) < 2:
        return
    top = Decimal(100) if row.indicator.unite == "%" else max(abs(c.value.valeur) for c in usable)
    for cell in usable:
        cell.width = round(float(min(abs(cell.value.valeur), top) / top * 100), 1) if top else 0.0


@dataclass
class Total:
    indicator: IndicatorDefinition
    value: Decimal | None
    reason: str = ""
    count: int = 0


def totals(qpv_codes):
    """Sum over several QPVs of each summable indicator; the others say why they are not summed."""
    values = IndicatorValue.objects.filter(level="qpv", code__in=list(qpv_codes)).select_related("indicator")
    grouped = {}
    for v in values:
        grouped.setdefault(v.indicator, []).append(v)
    out = []
    for indicator, items in sorted(grouped.items(), key=lambda kv: (kv[0].ordre, kv[0].code)):
        if not indicator.additionnable:
            out.append(Total(indicator, None, "non additionnable (taux, médiane ou indice)", len(items)))
        elif any(v.secret for v in items):
            out.append(Total(indicator, None, "secret statistique sur au moins un quartier", len(items)))
        elif len({v.millesime for v in items}) > 1:
            out.append(Total(indicator, None, "millésimes différents", len(items)))
        else:
            out.append(Total(indicator, sum((v.valeur for v in items), Decimal(0)), "", len(items)))
    return out
