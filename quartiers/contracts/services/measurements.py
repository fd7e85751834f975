"""Measured values pushed in bulk (API: a JSON list or a CSV file from a landlord's information system).

All or nothing: every row is read and checked first (indicator, date, value, the right to change its
commitment); one rejected row and nothing is written, the report says which rows and why, in French.
CSV files as they come (CP1252 or UTF-8 with BOM, `;`, decimal commas, dates jj/mm/aaaa) through
`core.tabular.read_table`, after the one upload rule (`core.filetypes.check_upload`, purpose « tableau »).
Columns: indicateur (its number), date, valeur, source (optional), commentaire (optional).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.core import filetypes, tabular
from quartiers.core.permissions import can

from ..models import Indicator, Measurement
from .commitments import record_measurement

COLUMNS = ("indicateur", "date", "valeur", "source", "commentaire")
MAX_ROWS = 5000


@dataclass
class MeasurementReport:
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # (line, reason)
    notes: list = field(default_factory=list)

    @property
    def written(self):
        return not self.rejected and bool(self.created + self.updated)

    def as_dict(self):
        return {
            "creees": self.created,
            "corrigees": self.updated,
            "rejetees": [{"ligne": line, "motif": reason} for line, reason in self.rejected],
            "ecrit": self.written,
            "notes": self.notes,
        }


def _value(raw):
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return Decimal(str(raw))
    value = tabular.parse_decimal(str(raw or ""))
    if value is None:
        raise ValueError("valeur manquante.")
    return value


def _date(raw):
    if isinstance(raw, date):
        return raw
    parsed = tabular.parse_date(str(raw or ""))
    if parsed is None:
        raise ValueError("date manquante.")
    return parsed


def _indicator_id(raw):
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValueError(f"« {raw} » n'est pas un numéro d'indicateur.") from None


def _check_row(actor, row, indicators):
    indicator = indicators.get(_indicator_id(row.get("indicateur")))
    if indicator is None or not can(actor, "view", indicator.commitment):
        raise ValueError(f"indicateur {row.get('indicateur')} introuvable.")
    if not can(actor, "change", indicator.commitment):
        raise ValueError(f"l'engagement de l'indicateur {indicator.pk} n'est pas modifiable par vous.")
    measurement = Measurement(
        indicator=indicator,
        measured_on=_date(row.get("date")),
        value=_value(row.get("valeur")),
        source=str(row.get("source") or "").strip(),
        comment=str(row.get("commentaire") or "").strip(),
    )
    try:
        measurement.full_clean(exclude=["indicator"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValueError(" ; ".join(error.messages)) from None
    return measurement


def import_measurements(actor, rows, notes=()):
    """`rows`: [(line number, {column: value})]. Returns a MeasurementReport; writes only if no row is rejected."""
    report = MeasurementReport(notes=list(notes))
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        report.rejected.append((0, f"Trop de lignes : {len(rows)} (au plus {MAX_ROWS} par envoi)."))
        return report
    if not rows:
        report.rejected.append((0, "Aucune ligne de mesure."))
        return report
    ids = set()
    for _line, row in rows:
        try:
            ids.add(_indicator_id(row.get("indicateur")))
        except ValueError:
            pass
    indicators = Indicator.objects.select_related("commitment__contract").in_bulk(ids)
    checked = []
    for line, row in rows:
        try:
            checked.append(_check_row(actor, row, indicators))
        except (ValueError, tabular.SecretValue) as error:
            report.rejected.append((line, f"Ligne {line} : {error}"))
    if report.rejected:
        return report
    with transaction.atomic():
        for m in checked:
            exists = Measurement.objects.filter(indicator=m.indicator, measured_on=m.measured_on).exists()
            record_measurement(
                actor, m.indicator, measured_on=m.measured_on, value=m.value, comment=m.comment, source=m.source
            )
            if exists:
                report.updated += 1
            else:
                report.created += 1
    return report


def read_measurements_file(uploaded):
    """(rows, notes) from an uploaded CSV/XLSX; ValidationError (French) for a refused or unreadable file."""
    filetypes.check_upload(uploaded, purpose="tableau")
    uploaded.seek(0)
    try:
        table = tabular.read_table(uploaded)
    except tabular.TabularError as error:
        raise ValidationError(str(error)) from None
    headers = {h.strip().lower() for h in table.headers}
    missing = [c for c in ("indicateur", "date", "valeur") if c not in headers]
    if missing:
        raise ValidationError(f"Colonnes manquantes : {', '.join(missing)} (attendues : {', '.join(COLUMNS)}).")
    rows = [(line, {k.strip().lower(): v for k, v in row.items()}) for line, row, _ragged in table.rows()]
    return rows, table.notes()
