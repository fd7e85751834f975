"""The programming committee of a call: its table (one row per dossier, per financer the amounts requested, proposed
and granted; totals per pillar, QPV, financer and carrier against each financer's envelope), the decisions recorded
in bulk, the XLSX (committee layout) and CSV exports, and the notification letter of each carrier.

The table is built in a constant number of queries whatever the number of dossiers (financers; dossiers with their
amounts pivoted by the database; pillars and QPVs), its amounts handled as integer cents."""

import io
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import IntegerField, Value

from quartiers.core.audit import record
from quartiers.core.exports import csv_bytes, neutralise
from quartiers.core.permissions import authorize

from . import services
from .models import SUBSIDY_CLASS, Application, BudgetLine, CallFinancer, Carrier, Funding
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
#
# A call has thousands of dossiers × a handful of financers: the database pivots the amounts (one row per dossier,
# three columns per financer, in integer cents) and Python handles plain tuples and integers; `grid` is what the page
# renders (views/committee.py formats each amount once), `build` the same table in Decimal for the exports and the
# bulk decisions.

AMOUNTS = ("requested", "proposed", "granted")
HEAD = 8  # a grid row: pk, title, status, carrier id, carrier name, requested, proposed, granted, then the cells


def cents_text(cents):
    """amount_text for integer cents: « 1 250,00 », « — » for nothing (a float formats them exactly, see above)."""
    if cents is None:
        return "—"
    return f"{cents / 100:,.2f}".replace(",", "\u202f").replace(".", ",")


def _to_cents(value):
    return None if value is None else int((value * 100).to_integral_value())


def _grid_sql(financers, quote):
    """One query: the submitted dossiers of a call (WHERE and ORDER BY added by the caller), each with its totals
    and, per financer, requested (its class-74 lines, summed), proposed and granted (its funding, one at most: a join
    through the unique index per financer rather than an aggregate) — as integer cents."""
    app, carrier, line, funding = (m._meta.db_table for m in (Application, Carrier, BudgetLine, Funding))
    select = "SELECT a.id, a.title, a.status, a.carrier_id, c.name, "
    source = f"FROM {quote(app)} a JOIN {quote(carrier)} c ON c.id = a.carrier_id"
    if not financers:
        return f"{select}0, 0, 0 {source}"

    def cents(expression):
        return f"CAST(ROUND(({expression}) * 100) AS BIGINT)"

    pks = [int(f.pk) for f in financers]
    sums = [f"{cents(f'SUM(CASE WHEN call_financer_id = {pk} THEN amount END)')} AS r{i}" for i, pk in enumerate(pks)]
    joins = [
        f"LEFT JOIN {quote(funding)} f{i} ON f{i}.application_id = a.id AND f{i}.call_financer_id = {pk}"
        for i, pk in enumerate(pks)
    ]
    totals = [
        cents(" + ".join(f"COALESCE(f{i}.{kind}_amount, 0)" for i in range(len(pks))))
        for kind in ("proposed", "granted")
    ]
    cells = [f"r.r{i}, {cents(f'f{i}.proposed_amount')}, {cents(f'f{i}.granted_amount')}" for i in range(len(pks))]
    return (
        f"{select}COALESCE(r.total, 0), {', '.join(totals)}, {', '.join(cells)} {source} "
        f"LEFT JOIN (SELECT application_id, {cents('SUM(amount)')} AS total, {', '.join(sums)} FROM {quote(line)} "
        f"WHERE account_class = %s AND call_financer_id IN ({', '.join(map(str, pks))}) GROUP BY application_id) r "
        f"ON r.application_id = a.id {' '.join(joins)}"
    )


def _grid_rows(call, financers):
    sql = _grid_sql(financers, connection.ops.quote_name)
    params = [SUBSIDY_CLASS] if financers else []
    sql += " WHERE a.call_id = %s AND a.status <> %s ORDER BY c.name, a.title, a.id"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, call.pk, Status.DRAFT.value])
        return cursor.fetchall()


def _labels(call):
    """({application id: pillar title}, {application id: QPV name}) in one query; a dossier with several has the sorted
    list of them (a string otherwise: thousands of small lists would wake the garbage collector up for nothing)."""
    through_o, through_q = Application.objectives.through, Application.qpvs.through
    pillars = through_o.objects.filter(application__call=call).annotate(kind=Value(0, IntegerField()))
    qpvs = through_q.objects.filter(application__call=call).annotate(kind=Value(1, IntegerField()))
    query = pillars.values_list("kind", "application_id", "objective__pillar__title").union(
        qpvs.values_list("kind", "application_id", "qpv__nom"), all=True
    )
    sql, params = query.query.sql_with_params()  # the ORM's query, read without making each row a model value
    found = ({}, {})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, app_id, label in cursor:
            labels = found[kind].get(app_id)
            if labels is None:
                found[kind][app_id] = label
            elif isinstance(labels, str):
                if label != labels:
                    found[kind][app_id] = sorted((labels, label))
            elif label not in labels:
                labels.append(label)
                labels.sort()
    return found


def _listed(labels):
    return [] if labels is None else [labels] if isinstance(labels, str) else labels


def _add(totals, key, row):
    total = totals.get(key)
    if total is None:
        totals[key] = [1, row[5], row[6], row[7]]
    else:
        total[0] += 1
        total[1] += row[5]
        total[2] += row[6]
        total[3] += row[7]


def grid(call):
    """The programming table of `call` in integer cents, in three queries whatever its size: financers (in the order
    of their names), rows (tuples, see HEAD: the cells are requested, proposed, granted of each financer in turn, None
    for nothing), each dossier's pillars and QPVs (see _labels), per financer its column totals and envelope, per
    pillar / QPV / carrier [count, requested, proposed, granted] (a dossier counts in each of its pillars and QPVs;
    « (sans …) » without any), the grand total."""
    financers = list(CallFinancer.objects.filter(call=call).select_related("organisation"))
    rows = _grid_rows(call, financers)
    pillars, qpvs = _labels(call)
    by_pillar, by_qpv, by_carrier = {}, {}, {}
    no_pillar, no_qpv = ("(sans pilier)",), ("(sans quartier)",)
    for row in rows:
        for labels, totals, nothing in (
            (pillars.get(row[0]), by_pillar, no_pillar),
            (qpvs.get(row[0]), by_qpv, no_qpv),
        ):
            if isinstance(labels, str):
                _add(totals, labels, row)
            else:
                for label in labels or nothing:
                    _add(totals, label, row)
        _add(by_carrier, row[4], row)
    columns = [sum(filter(None, column)) for column in zip(*(row[HEAD:] for row in rows), strict=True)] or [
        0
    ] * 3 * len(financers)
    return {
        "call": call,
        "financers": financers,
        "rows": rows,
        "pillars": pillars,
        "qpvs": qpvs,
        "by_financer": [(f, *columns[3 * i : 3 * i + 3], _to_cents(f.envelope)) for i, f in enumerate(financers)],
        "by_pillar": sorted(by_pillar.items()),
        "by_qpv": sorted(by_qpv.items()),
        "by_carrier": sorted(by_carrier.items()),
        "total": [len(rows), sum(r[5] for r in rows), sum(r[6] for r in rows), sum(r[7] for r in rows)],
    }


def _decimal(cents):
    return None if cents is None else Decimal(cents).scaleb(-2)


def _total(counts):
    return {"count": counts[0], **{key: _decimal(c) for key, c in zip(AMOUNTS, counts[1:], strict=True)}}


def build(call):
    """The programming table of `call` with its amounts in Decimal (the exports, the bulk decisions): rows as dicts
    (pk, title, status and its label, carrier and its id, pillars, qpvs, `amounts` — requested, proposed, granted of
    each financer in turn —, the row's totals), per financer its totals against its envelope, per pillar, QPV and
    carrier, the grand total."""
    data = grid(call)
    rows = [
        {
            "pk": row[0],
            "title": row[1],
            "status": row[2],
            "status_label": STATUS_LABELS[row[2]],
            "carrier_id": row[3],
            "carrier": row[4],
            "pillars": _listed(data["pillars"].get(row[0])),
            "qpvs": _listed(data["qpvs"].get(row[0])),
            "amounts": tuple(_decimal(c) for c in row[HEAD:]),
            **{key: _decimal(c) for key, c in zip(AMOUNTS, row[5:HEAD], strict=True)},
        }
        for row in data["rows"]
    ]
    by_financer = [
        {
            "financer": financer,
            **{key: _decimal(c) for key, c in zip(AMOUNTS, amounts, strict=True)},
            "envelope": financer.envelope,
            "remaining": financer.envelope - _decimal(amounts[2]),
            "over": amounts[2] > envelope,
            "proposed_over": amounts[1] > envelope,
        }
        for financer, *amounts, envelope in data["by_financer"]
    ]
    return {
        "call": call,
        "financers": data["financers"],
        "rows": rows,
        "by_financer": by_financer,
        **{kind: [(label, _total(t)) for label, t in data[kind]] for kind in ("by_pillar", "by_qpv", "by_carrier")},
        "total": _total(data["total"]),
    }


def cells(row):
    """[{"requested", "proposed", "granted"}] per financer of a row of `build`."""
    a = row["amounts"]
    return [{"requested": a[i], "proposed": a[i + 1], "granted": a[i + 2]} for i in range(0, len(a), 3)]


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
