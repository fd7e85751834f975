"""Committee pages of the programming (see views/__init__.py): the programming table of a call (with its XLSX and
CSV exports), the decisions recorded in bulk, the notification letter of each carrier (PDF)."""

import html

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from quartiers.core.exports import unknown_format
from quartiers.core.permissions import authorize, can

from .. import committee
from ..models import Call, Carrier

MARKER = 987654321
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _call(request, pk, verb="view"):
    call = get_object_or_404(Call.objects.select_related("contract"), pk=pk)
    authorize(request.user, verb, committee.CallInstruction(call))
    return call


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def table(request, pk):
    call = _call(request, pk)
    fmt = request.GET.get("format")
    basename = f"programmation-{call.year}-{call.pk}"
    if fmt == "xlsx":
        return _download(committee.xlsx_table(committee.build(call)), XLSX, f"{basename}.xlsx")
    if fmt == "csv":
        return _download(committee.csv_table(committee.build(call)), "text/csv; charset=utf-8", f"{basename}.csv")
    if fmt:
        return unknown_format(fmt, ("csv", "xlsx"))
    data = committee.grid(call)
    return render(
        request,
        "programming/committee/table.html",
        {
            "call": call,
            "financers": data["financers"],
            "rows_html": _rows_html(data["rows"]),
            "total": {"count": data["total"][0]},
            "by_financer": [_financer_total(*t) for t in data["by_financer"]],
            "totals": [
                (title, [(label, _total(t)) for label, t in data[kind]])
                for title, kind in (("pilier", "by_pillar"), ("quartier", "by_qpv"), ("porteur", "by_carrier"))
            ],
            "letters": _letters(call, data["rows"]),
            "can_decide": can(request.user, "change", committee.CallInstruction(call)),
        },
    )


def _letters(call, rows):
    """(URL, name) of the notification letter of each carrier with a decided dossier, in the order of their names."""
    decided = set(committee.DECIDED)
    carriers = sorted({(r[3], r[4]) for r in rows if r[2] in decided}, key=lambda c: c[1])
    pattern = reverse("programming:committee_letter", args=[call.pk, MARKER])
    return [(pattern.replace(str(MARKER), str(pk)), name) for pk, name in carriers]


def _total(counts):
    return {
        "count": counts[0],
        "text": dict(zip(committee.AMOUNTS, map(committee.cents_text, counts[1:]), strict=True)),
    }


def _financer_total(financer, requested, proposed, granted, envelope):
    text = committee.cents_text
    return {
        "financer": financer,
        "text": {
            "envelope": text(envelope),
            "requested": text(requested),
            "proposed": text(proposed),
            "granted": text(granted),
            "remaining": text(envelope - granted),
        },
        "over": granted > envelope,
        "proposed_over": proposed > envelope,
    }


class _Cells(dict):
    """{cents: '<td class="num">1 250,00</td>'}, each amount formatted once per page (a table repeats its sums)."""

    def __missing__(self, cents):
        self[cents] = cell = f'<td class="num">{committee.cents_text(cents)}</td>'
        return cell


class _Escaped(dict):
    def __missing__(self, text):
        self[text] = escaped = html.escape(text)
        return escaped


def _rows_html(rows):
    """The body of the dossiers table as one string, built here rather than by the template engine (thousands of
    rows of twenty cells): free text (carrier, title) escaped — as Django's `escape` does —, status labels ours, the
    amounts digits we formatted, the link to each dossier reversed once with a marker put in place of its id."""
    before, after = (
        html.escape(part) for part in reverse("programming:instruction_detail", args=[MARKER]).split(str(MARKER))
    )
    cells, carriers = _Cells(), _Escaped()
    statuses = {value: html.escape(label) for value, label in committee.STATUS_LABELS.items()}
    head, join = committee.HEAD, "".join
    return mark_safe(  # noqa: S308 — every piece of free text is escaped just above or here
        join(
            [
                f'<tr><td>{carriers[row[4]]}</td><td><a href="{before}{row[0]}{after}">{html.escape(row[1])}</a></td>'
                f"<td>{statuses[row[2]]}</td>{join(map(cells.__getitem__, row[head:]))}</tr>\n  "
                for row in rows
            ]
        )
    )


def _decisions_page(request, call, error=None, status=200):
    financers, rows = committee.pending(call)
    # One form stays under Django's 1,000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS): the next dossiers come after saving.
    per_form = max(10, 900 // (len(financers) + 1))
    rows, waiting = rows[:per_form], len(rows)
    posted = request.POST if request.method == "POST" else {}
    for row in rows:
        row["decision"] = posted.get(f"decision-{row['pk']}", "")
        row["inputs"] = [
            (
                f"granted-{row['pk']}-{f.pk}",
                f,
                cell,
                posted.get(f"granted-{row['pk']}-{f.pk}", committee.amount_text(cell["proposed"]).replace("—", "")),
            )
            for f, cell in zip(financers, committee.cells(row), strict=True)
        ]
    return render(
        request,
        "programming/committee/decisions.html",
        {
            "call": call,
            "financers": financers,
            "rows": rows,
            "waiting": waiting,
            "choices": committee.DECISIONS.items(),
            "error": error,
        },
        status=status,
    )


def decisions(request, pk):
    call = _call(request, pk, "change")
    if request.method != "POST":
        return _decisions_page(request, call)
    posted = {}
    for key, value in request.POST.items():
        if key.startswith("decision-") and key.removeprefix("decision-").isdigit():
            app_id = int(key.removeprefix("decision-"))
            prefix = f"granted-{app_id}-"
            granted = {
                int(k.removeprefix(prefix)): v
                for k, v in request.POST.items()
                if k.startswith(prefix) and k.removeprefix(prefix).isdigit()
            }
            posted[app_id] = (value, granted)
    try:
        count = committee.record_decisions(request.user, call, posted)
    except ValidationError as error:
        return _decisions_page(request, call, error.messages[0], status=400)
    messages.success(request, f"{count} décision{'s' if count > 1 else ''} enregistrée{'s' if count > 1 else ''}.")
    return redirect("programming:committee_table", call.pk)


@require_safe
def letter(request, pk, carrier):
    call = _call(request, pk, "change")
    carrier = get_object_or_404(Carrier, pk=carrier)
    context = committee.letter(call, carrier)
    if not context["lines"]:
        return render(request, "programming/committee/no_letter.html", {"call": call, "carrier": carrier}, status=404)
    html = render_to_string("programming/committee/letter.html", context)
    if request.GET.get("format") == "html":
        return HttpResponse(html)
    from weasyprint import HTML  # heavy: loaded only when a letter is asked for

    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notification-{call.year}-{carrier.pk}.pdf"'
    return response


urlpatterns = [
    path("appels/<int:pk>/programmation/", table, name="committee_table"),
    path("appels/<int:pk>/decisions/", decisions, name="committee_decisions"),
    path("appels/<int:pk>/lettres/<int:carrier>/", letter, name="committee_letter"),
]
