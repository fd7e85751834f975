"""The bilan (CERFA 15059) of a paid dossier: realised budget against the forecast, beneficiaries, indicators,
qualitative report, filing and closing (the QPV share of the beneficiaries: qpv_share.py).

The carrier writes it (`contribute` on the dossier) while the dossier is « payé »; filing runs `file_report`, the
instructor then closes the dossier (`close`, « soldé »). Everything through `services.run_transition`.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from quartiers.core.audit import record
from quartiers.core.permissions import authorize

from . import services
from .models import (
    ACCOUNT_LABELS,
    GAP_NEEDING_EXPLANATION,
    Application,
    BeneficiaryCount,
    BudgetLine,
    Report,
    ReportIndicator,
    ReportLine,
)
from .money import parse_amount
from .workflow import Status

REPORT_OPEN = {Status.PAID}
SIDES = (BudgetLine.Side.EXPENSE, BudgetLine.Side.INCOME)


@dataclass
class Comparison:
    side: str
    account_class: str
    forecast: Decimal
    realised: Decimal | None
    explanation: str = ""

    @property
    def label(self):
        return ACCOUNT_LABELS[self.account_class]

    @property
    def key(self):
        return f"{self.side}_{self.account_class}"

    @property
    def gap(self):
        """The relative gap to the forecast (None when nothing is realised yet)."""
        if self.realised is None:
            return None
        if not self.forecast:
            return None if not self.realised else Decimal("1")
        return (self.realised - self.forecast) / self.forecast

    @property
    def gap_percent(self):
        gap = self.gap
        return None if gap is None else int(round(gap * 100))

    @property
    def needs_explanation(self):
        gap = self.gap
        return gap is not None and abs(gap) > Decimal(str(GAP_NEEDING_EXPLANATION))


def report_of(application):
    return Report.objects.filter(application=application).first()


def comparison(application, report=None, realised=None):
    """One row per account class of the forecast or of the bilan, forecast and realised side by side."""
    forecast = {
        (row["side"], row["account_class"]): row["total"]
        for row in application.budget_lines.values("side", "account_class").annotate(total=Sum("amount"))
    }
    if realised is None:
        realised = {}
        if report is not None:
            realised = {(line.side, line.account_class): (line.amount, line.explanation) for line in report.lines.all()}
    keys = sorted(set(forecast) | set(realised), key=lambda k: (SIDES.index(k[0]), k[1]))
    rows = []
    for side, account_class in keys:
        amount, explanation = realised.get((side, account_class), (None, ""))
        rows.append(
            Comparison(side, account_class, forecast.get((side, account_class), Decimal("0")), amount, explanation)
        )
    return rows


def check_open(application):
    if application.status not in REPORT_OPEN:
        raise ValidationError(
            f"Le bilan se remplit quand le dossier est « payé » (il est « {application.get_status_display()} »)."
        )


def _read_lines(application, lines):
    """lines: {(side, class): (amount text, explanation)} → the realised rows, or French errors."""
    errors, realised = [], {}
    for (side, account_class), (text, explanation) in lines.items():
        if not str(text or "").strip():
            continue
        label = ACCOUNT_LABELS.get(account_class, account_class)
        try:
            realised[(side, account_class)] = (
                parse_amount(text, f"Le montant réalisé « {label} »"),
                explanation.strip(),
            )
        except ValidationError as error:
            errors.extend(error.messages)
    for row in comparison(application, realised=realised):
        if row.needs_explanation and not row.explanation:
            errors.append(
                f"« {row.label} » : le réalisé s'écarte de {abs(row.gap_percent)} % du prévisionnel (plus de "
                f"{int(GAP_NEEDING_EXPLANATION * 100)} %) : expliquez l'écart."
            )
    return realised, errors


def _read_count(text, label, errors):
    text = str(text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if not text.isdigit():
        errors.append(f"{label} « {text} » n'est pas un nombre entier positif.")
        return None
    return int(text)


def _read_indicators(indicators, errors):
    found = []
    for number, (label, target, achieved, unit) in enumerate(indicators, start=1):
        label = (label or "").strip()
        if not label and not str(target or "").strip() and not str(achieved or "").strip():
            continue
        if not label:
            errors.append(f"Indicateur {number} : son intitulé est obligatoire.")
            continue
        values = []
        for name, text in (("la cible", target), ("le réalisé", achieved)):
            try:
                values.append(
                    parse_amount(text, f"Indicateur « {label} » : {name}") if str(text or "").strip() else None
                )
            except ValidationError as error:
                errors.extend(error.messages)
                values.append(None)
        found.append(ReportIndicator(label=label[:200], target=values[0], achieved=values[1], unit=(unit or "")[:40]))
    return found


def save_report(user, application, *, lines, beneficiaries, indicators, summary="", beneficiaries_total=""):
    """Save the whole bilan form at once, or nothing (every French error listed)."""
    application = Application.objects.select_related("call").get(pk=application.pk)
    # The carrier writes its bilan (`create` on a bilan: `contribute` on the dossier), whether it exists yet or not.
    authorize(user, "create", Report(application=application))
    check_open(application)
    realised, errors = _read_lines(application, lines)
    counts = {}
    for (sex, band), text in beneficiaries.items():
        label = f"Bénéficiaires {BeneficiaryCount.Sex(sex).label.lower()} {BeneficiaryCount.AgeBand(band).label}"
        value = _read_count(text, label, errors)
        if value is not None:
            counts[(sex, band)] = value
    total = _read_count(beneficiaries_total, "Le nombre de bénéficiaires", errors)
    rows = _read_indicators(indicators, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report, _ = Report.objects.select_for_update().get_or_create(application=application)
        report.summary, report.beneficiaries_total = summary.strip(), total
        report.save()
        report.lines.all().delete()
        ReportLine.objects.bulk_create(
            ReportLine(report=report, side=s, account_class=c, amount=a, explanation=e)
            for (s, c), (a, e) in realised.items()
        )
        report.beneficiaries.all().delete()
        BeneficiaryCount.objects.bulk_create(
            BeneficiaryCount(report=report, sex=s, age_band=b, count=n) for (s, b), n in counts.items()
        )
        report.indicators.all().delete()
        for row in rows:
            row.report = report
        ReportIndicator.objects.bulk_create(rows)
        record(user, "bilan enregistré", application, {"lignes": len(realised), "indicateurs": len(rows)})
    return report


def missing_for_filing(application, report):
    """What the bilan still lacks before it is filed (French sentences)."""
    if report is None:
        return ["Le bilan n'est pas encore rempli."]
    problems = []
    rows = comparison(application, report)
    unfilled = [r.label for r in rows if r.realised is None]
    if unfilled:
        problems.append(f"Montants réalisés manquants : {', '.join(unfilled)}.")
    problems += [
        f"« {r.label} » : l'écart au prévisionnel doit être expliqué."
        for r in rows
        if r.needs_explanation and not r.explanation
    ]
    if not report.summary.strip():
        problems.append("Le bilan qualitatif est vide.")
    return problems


def file_report(user, application):
    """Déposer le bilan: complete, then `file_report` (payé → bilan déposé)."""
    authorize(user, "contribute", application)
    with transaction.atomic():
        report = report_of(application)
        problems = missing_for_filing(application, report)
        if problems:
            raise ValidationError(problems)
        services.run_transition(user, application, "file_report")
        Report.objects.filter(pk=report.pk).update(submitted_at=timezone.now())
    return application


def close(user, application):
    """Solder le dossier (bilan déposé → soldé), by the instructor."""
    return services.run_transition(user, application, "close")
