"""The INSEE rules, applied once: what may be compared, what may be summed, what is secret.

- a value under secret statistique is shown as such, never as 0 and never used in a chart;
- two values are compared only for the same indicator with the same known vintage;
- only an indicator marked `additionnable` (a count) is summed over several QPVs; a rate, a median or
  an index never is;
- a level (commune, EPCI, département, France) the sources give no value for is said once, with why,
  not as a column of dashes.
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
    origin: str = ""  # where a value comes from when it is not the indicator's own source

    @property
    def bar(self):
        """The width as an SVG attribute: a dot decimal whatever the locale."""
        return f"{self.width:.1f}"

    @property
    def secret(self):
        return self.value is not None and self.value.secret

    @property
    def year(self):
        if self.value is None or self.origin:  # another source's vintage is not the indicator's
            return None
        return self.value.millesime


@dataclass
class Row:
    indicator: IndicatorDefinition
    cells: list = field(default_factory=list)
    shown: list = field(default_factory=list)  # the cells of the levels kept by `coverage`

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


# The EPCI's legal population is in the territories reference data (INSEE populations légales via the
# découpage administratif package), whose vintage the package does not state: shown, never compared.
POPULATION_CODES = ("pop_mun", "population")
EPCI_POPULATION_ORIGIN = "population légale du référentiel des EPCI, millésime non précisé"


def comparison(qpv, communes, epci=None):
    """Rows of the QPV fiche: the QPV's value against its commune, EPCI, département and France."""
    commune = communes[0].insee if len(communes) == 1 else None  # a multi-commune QPV has no single reference
    epci_id = getattr(epci, "pk", epci)
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
        _epci_population(row, epci)
        _apply_rules(row)
        rows.append(row)
    return rows


def _epci_population(row, epci):
    cell = row.cells[2]
    if cell.value is not None or row.indicator.code not in POPULATION_CODES or not getattr(epci, "population", None):
        return
    cell.value = IndicatorValue(indicator=row.indicator, level="epci", code=epci.pk, valeur=epci.population)
    cell.origin = EPCI_POPULATION_ORIGIN


@dataclass
class Coverage:
    """What the comparison columns hold: levels kept, levels dropped and the one note that says why."""

    levels: list
    notes: list


def coverage(rows, communes):
    """Keep the levels that have at least one value; say once why the others (or most cells) are empty."""
    if not rows:
        return Coverage([], [])
    labels = [c.label for c in rows[0].cells]
    counts = [sum(1 for r in rows if r.cells[i].value is not None) for i in range(len(labels))]
    kept = [i for i, n in enumerate(counts) if i == 0 or n]
    empty = [labels[i] for i, n in enumerate(counts) if i and not n]
    partial = [f"{labels[i]} ({counts[i]} sur {len(rows)})" for i in kept[1:] if counts[i] < len(rows)]
    source = rows[0].indicator.source or "le fichier importé"
    notes = []
    if len(communes) > 1:
        notes.append(
            f"Ce quartier s'étend sur {len(communes)} communes : il n'a pas de commune de référence unique, "
            "la colonne Commune n'est pas remplie."
        )
    if empty:
        notes.append(
            f"Pas de colonne {_join(empty)} : la source des indicateurs ({source}) ne publie aucune valeur à "
            "cette échelle et aucune autre source chargée n'en donne."
        )
    if partial:
        notes.append(
            f"Valeurs de comparaison disponibles : {_join(partial)}. La source ne publie les autres indicateurs "
            "qu'à l'échelle des quartiers ; les cellules vides le sont pour cette raison."
        )
    if empty or partial:
        notes.append(
            "Pour comparer davantage, importez un fichier INSEE dont les lignes sont des communes, des EPCI, "
            "des départements ou la France (code FR) : quartiers import-indicateurs FICHIER."
        )
    for row in rows:
        row.shown = [row.cells[i] for i in kept]
    return Coverage([labels[i] for i in kept], notes)


def _join(items):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _apply_rules(row):
    base = row.qpv
    for cell in row.cells[1:]:
        if cell.value is None:
            continue
        cell.comparable = not cell.origin and base.year is not None and cell.year == base.year
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
