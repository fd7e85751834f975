"""The programming committee of a call: its table (one row per dossier, per financer the amounts requested, proposed
and granted; totals per pillar, QPV, financer and carrier against each financer's envelope), the decisions recorded
in bulk, the XLSX (committee layout) and CSV exports, and the notification letter of each carrier.

The table is built in a constant number of queries whatever the number of dossiers: one per kind of data (dossiers,
financers, requested amounts summed by the database per dossier and financer, fundings, pillars, QPVs)."""

import io
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum

from quartiers.core.audit import record
from quartiers.core.exports import csv_bytes, neutralise
from quartiers.core.permissions import authorize

from . import services
from .models import SUBSIDY_CLASS, Application, CallFinancer, Funding
from .money import CENT, euros, parse_amount
from .workflow import Status

ZERO = Decimal("0")
# The dossiers a committee looks at: every one submitted (a draft is the carrier's own business).
DECIDED = (
    Status.ACCEPTED,
    Status.REFUSED,
    Status.POSTPONED,
    Status.AGREED,
    Status.PAID,
    Status.REPORTED,
    Status.CLOSED,
)
STATUS_LABELS = dict(Status.choices)
DECISIONS = {"accept": "Accepter", "refuse": "Refuser", "postpone": "Ajourner"}
DECIDED_WORDS = {"refuse": "refusé", "postpone": "ajourné"}


class CallInstruction:
    """A policy object (rules.py): the instruction and committee of a call — its instructors and its financers."""

    def __init__(self, call):
        self.call = call
        self.call_id = call.pk


def amount_text(value):
    """« 1 250,00 » (no sign: the header says €), « — » for nothing; fast, the table has thousands of cells. Amounts
    have at most 12 digits, which a float formats exactly to the cent."""
    if value is None:
        return "—"
    return f"{float(value):,.2f}".replace(",", "\u202f").replace(".", ",")


# ---------------------------------------------------------------- the table

AMOUNTS = ("requested", "proposed", "granted")


def _submitted(call):
    return Application.objects.filter(call=call).exclude(status=Status.DRAFT).order_by()


def _requested_pivot(call, financers):
    """{application id: (requested of each financer…)}: the class-74 lines summed by the database (one query)."""
    subsidy = Q(budget_lines__account_class=SUBSIDY_CLASS)
    sums = {
        f"r{f.pk}": Sum("budget_lines__amount", filter=subsidy & Q(budget_lines__call_financer=f.pk)) for f in financers
    }
    rows = _submitted(call).annotate(**sums).values_list("pk", *sums)
    return {row[0]: row[1:] for row in rows}


def _funding_pivot(call, financers):
    """{application id: (proposed of each financer…, granted of each financer…)} (one query)."""
    proposed = {f"p{f.pk}": Max("fundings__proposed_amount", filter=Q(fundings__call_financer=f.pk)) for f in financers}
    granted = {f"g{f.pk}": Max("fundings__granted_amount", filter=Q(fundings__call_financer=f.pk)) for f in financers}
    rows = _submitted(call).annotate(**proposed, **granted).values_list("pk", *proposed, *granted)
    return {row[0]: row[1:] for row in rows}


def _financer_totals(financers, rows):
    """Per financer: requested, proposed and granted (the columns of the pivots added up), against its envelope."""
    columns = list(zip(*(row["amounts"] for row in rows), strict=True)) or [()] * 3 * len(financers)
    totals = []
    for i, f in enumerate(financers):
        requested, proposed, granted = (sum(filter(None, columns[3 * i + k]), ZERO) for k in range(3))
        totals.append(
            {
                "financer": f,
                "requested": requested,
                "proposed": proposed,
                "granted": granted,
                "envelope": f.envelope,
                "remaining": f.envelope - granted,
                "over": granted > f.envelope,
                "proposed_over": proposed > f.envelope,
            }
        )
    return totals


def _labels(call, through, field):
    """{application id: sorted labels} of a many-to-many of the dossiers (one query)."""
    found = defaultdict(set)
    rows = through.objects.filter(application__call=call).values_list("application_id", field)
    for app_id, label in rows:
        found[app_id].add(label)
    return {k: sorted(v) for k, v in found.items()}


def _total():
    return {"requested": ZERO, "proposed": ZERO, "granted": ZERO, "count": 0}


def _add(total, row):
    total["count"] += 1
    total["requested"] += row["requested"]
    total["proposed"] += row["proposed"]
    total["granted"] += row["granted"]


_TEXT = {}


def _text(value):
    """amount_text, remembered: a committee's amounts repeat (round sums, granted = proposed = requested)."""
    text = _TEXT.get(value)
    if text is None:
        text = amount_text(value)
        if len(_TEXT) < 100_000:
            _TEXT[value] = text
    return text


def _row(app, requested, given, n):
    """One dossier's row: per financer (n of them) requested, proposed, granted as one flat tuple (few objects: a
    table has thousands of rows), its totals and the amounts as text."""
    pk, title, status, carrier_id, carrier = app
    proposed, granted = given[:n], given[n:]
    amounts = tuple(v for triple in zip(requested, proposed, granted, strict=True) for v in triple)
    return {
        "pk": pk,
        "title": title,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "carrier": carrier,
        "carrier_id": carrier_id,
        "amounts": amounts,
        "text": [_text(v) for v in amounts],
        "requested": sum(filter(None, requested), ZERO),
        "proposed": sum(filter(None, proposed), ZERO),
        "granted": sum(filter(None, granted), ZERO),
    }


def cells(row):
    """[{"requested", "proposed", "granted"}] per financer of a row of the table."""
    a = row["amounts"]
    return [{"requested": a[i], "proposed": a[i + 1], "granted": a[i + 2]} for i in range(0, len(a), 3)]


def build(call):
    """The programming table of `call` (see the module's docstring)."""
    financers = list(CallFinancer.objects.filter(call=call).select_related("organisation"))
    n = len(financers)
    requested, given = _requested_pivot(call, financers), _funding_pivot(call, financers)
    pillars = _labels(call, Application.objectives.through, "objective__pillar__title")
    qpvs = _labels(call, Application.qpvs.through, "qpv__nom")
    rows, grand = [], _total()
    by_pillar, by_qpv, by_carrier = defaultdict(_total), defaultdict(_total), defaultdict(_total)
    apps = _submitted(call).order_by("carrier__name", "title", "pk")
    for app in apps.values_list("pk", "title", "status", "carrier_id", "carrier__name"):
        row = _row(app, requested.get(app[0], (None,) * n), given.get(app[0], (None,) * 2 * n), n)
        row["pillars"], row["qpvs"] = pillars.get(app[0], []), qpvs.get(app[0], [])
        for label in row["pillars"] or ["(sans pilier)"]:
            _add(by_pillar[label], row)
        for label in row["qpvs"] or ["(sans quartier)"]:
            _add(by_qpv[label], row)
        _add(by_carrier[row["carrier"]], row)
        _add(grand, row)
        rows.append(row)
    return {
        "call": call,
        "financers": financers,
        "rows": rows,
        "by_financer": _financer_totals(financers, rows),
        "by_pillar": sorted(by_pillar.items()),
        "by_qpv": sorted(by_qpv.items()),
        "by_carrier": sorted(by_carrier.items()),
        "total": grand,
    }


# ---------------------------------------------------------------- bulk decisions


def pending(call):
    """The dossiers waiting for the committee (« avis rendus ») with, per financer, the amount requested and the
    proposed one (the form's default)."""
    table = build(call)
    return table["financers"], [row for row in table["rows"] if row["status"] == Status.OPINIONS]


def _check_line(row, financers, decision, granted):
    """Cleaned {call financer id: Decimal or None} for one dossier, or a French error naming it and the financer."""
    if decision not in DECISIONS:
        raise ValidationError(f"Dossier « {row['title']} » : décision inconnue.")
    cleaned = {}
    for financer, cell in zip(financers, cells(row), strict=True):
        raw = str(granted.get(financer.pk, "") or "").strip()
        name = f"Dossier « {row['title']} », {financer.organisation}"
        try:
            amount = parse_amount(raw, "le montant accordé") if raw else None
        except ValidationError as error:
            raise ValidationError(f"{name} : {error.messages[0]}") from None
        requested = cell["requested"] or ZERO
        if amount is not None and amount > requested:
            raise ValidationError(
                f"{name} : le montant accordé ({euros(amount)}) dépasse le montant demandé ({euros(requested)})."
            )
        if decision != "accept" and amount:
            raise ValidationError(f"{name} : un dossier {DECIDED_WORDS[decision]} ne reçoit aucun montant.")
        cleaned[financer.pk] = amount
    if decision == "accept" and not any(cleaned.values()):
        raise ValidationError(
            f"Dossier « {row['title']} » : un dossier accepté reçoit un montant d'au moins un financeur."
        )
    return cleaned


def record_decisions(user, call, decisions):
    """`decisions`: {application id: (decision, {call financer id: amount text})} for dossiers in « avis rendus »;
    a dossier without a decision is left for later. All or nothing: one wrong line and nothing is written."""
    authorize(user, "change", call)
    financers, rows = pending(call)
    by_pk = {row["pk"]: row for row in rows}
    unknown = set(decisions) - set(by_pk)
    if unknown:
        raise ValidationError("Un dossier de la décision n'attend pas de décision du comité dans cet appel.")
    cleaned = {pk: (d, _check_line(by_pk[pk], financers, d, g)) for pk, (d, g) in decisions.items() if d}
    if not cleaned:
        raise ValidationError("Aucune décision à enregistrer : choisissez au moins une décision.")
    with transaction.atomic():
        for pk, (decision, amounts) in cleaned.items():
            application = Application.objects.get(pk=pk)
            for financer in financers:
                Funding.objects.update_or_create(
                    application=application,
                    call_financer=financer,
                    defaults={"granted_amount": amounts[financer.pk] if decision == "accept" else None},
                )
            services.run_transition(user, application, decision)
        record(
            user,
            "comité : décisions enregistrées",
            call,
            {str(pk): [d, {str(k): str(v or "") for k, v in a.items()}] for pk, (d, a) in cleaned.items()},
        )
    return len(cleaned)


# ---------------------------------------------------------------- exports


FIXED_COLUMNS = ["Porteur", "Action", "Statut", "Piliers", "Quartiers"]
KINDS = (("requested", "demandé"), ("proposed", "proposé"), ("granted", "accordé"))


def _fixed(row):
    return [row["carrier"], row["title"], row["status_label"], ", ".join(row["pillars"]), ", ".join(row["qpvs"])]


def _fixed_at(i):
    return lambda r: r["fixed"][i]


def _cents(value):
    return None if value is None else Decimal(value).quantize(CENT)


def _amount_at(i):
    return lambda r: _cents(r["amounts"][i])


def _total_of(key):
    return lambda r: _cents(r[key])


def csv_table(table):
    """The table as CSV for French Excel (core.exports: UTF-8 with BOM, `;`, decimal commas, cells neutralised)."""
    columns = [(label, _fixed_at(i)) for i, label in enumerate(FIXED_COLUMNS)]
    for n, financer in enumerate(table["financers"]):
        columns += [
            (f"{financer.organisation} — {word} (€)", _amount_at(3 * n + k)) for k, (_, word) in enumerate(KINDS)
        ]
    columns += [(f"Total {word} (€)", _total_of(key)) for key, word in KINDS]
    rows = [{**row, "fixed": _fixed(row)} for row in table["rows"]]
    total = {
        "fixed": ["Total", "", "", "", ""],
        "amounts": [t[k] for t in table["by_financer"] for k, _ in KINDS],
        **{k: table["total"][k] for k, _ in KINDS},
    }
    return csv_bytes([*rows, total], columns)


def xlsx_table(table):
    """The committee layout: one row per action, one column group per financer (demandé / proposé / accordé) under
    a merged header, frozen header and identity columns, a totals row, then each financer's envelope and balance."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Programmation"
    bold, width = Font(bold=True), len(FIXED_COLUMNS)
    top = FIXED_COLUMNS + [None] * (3 * len(table["financers"])) + ["Total"]
    for n, financer in enumerate(table["financers"]):
        top[width + 3 * n] = neutralise(str(financer.organisation))
    sub = [None] * width + [f"{word} (€)" for _ in table["financers"] for _, word in KINDS]
    sub += [f"{word} (€)" for _, word in KINDS]
    ws.append(top)
    ws.append(sub)
    for n in range(len(table["financers"]) + 1):
        first = width + 1 + 3 * n
        ws.merge_cells(start_row=1, end_row=1, start_column=first, end_column=first + 2)
    for col in range(1, width + 1):
        ws.merge_cells(start_row=1, end_row=2, start_column=col, end_column=col)
    for row in ws.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.font, cell.alignment = bold, Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in table["rows"]:
        amounts = [*row["amounts"], *(row[k] for k, _ in KINDS)]
        ws.append([neutralise(v) for v in _fixed(row)] + [_number(v) for v in amounts])
    totals = [t[k] for t in table["by_financer"] for k, _ in KINDS] + [table["total"][k] for k, _ in KINDS]
    ws.append(["Total"] + [None] * (width - 1) + [_number(v) for v in totals])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for label, key in (("Enveloppe", "envelope"), ("Reste à programmer (enveloppe − accordé)", "remaining")):
        line = [label] + [None] * (width - 1)
        for t in table["by_financer"]:
            line += [None, None, _number(t[key])]
        ws.append(line)
    ws.freeze_panes = "C3"
    for col in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(col)].width = 30 if col <= width else 14
    for row in ws.iter_rows(min_row=3, min_col=width + 1):
        for cell in row:
            cell.number_format = "#,##0.00"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------- notification letters


def letter(call, carrier):
    """The decided dossiers of `carrier` in `call` with the amounts granted by each financer (three queries)."""
    financers = list(CallFinancer.objects.filter(call=call).select_related("organisation"))
    dossiers = list(Application.objects.filter(call=call, carrier=carrier, status__in=DECIDED).order_by("title"))
    granted = defaultdict(dict)
    for f in Funding.objects.filter(application__in=[d.pk for d in dossiers], granted_amount__isnull=False):
        granted[f.application_id][f.call_financer_id] = f.granted_amount
    lines = []
    for dossier in dossiers:
        amounts = [(f, granted[dossier.pk].get(f.pk)) for f in financers]
        amounts = [(f, euros(a)) for f, a in amounts if a]
        total = sum((granted[dossier.pk].values()), ZERO)
        lines.append({"dossier": dossier, "amounts": amounts, "total": euros(total)})
    return {"call": call, "carrier": carrier, "lines": lines}
