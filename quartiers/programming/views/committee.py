"""Committee pages of the programming (see views/__init__.py): the programming table of a call (with its XLSX and
CSV exports), the decisions recorded in bulk, the notification letter of each carrier (PDF)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import escape
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
    data = committee.build(call)
    fmt = request.GET.get("format")
    basename = f"programmation-{call.year}-{call.pk}"
    if fmt == "xlsx":
        return _download(committee.xlsx_table(data), XLSX, f"{basename}.xlsx")
    if fmt == "csv":
        return _download(committee.csv_table(data), "text/csv; charset=utf-8", f"{basename}.csv")
    if fmt:
        return unknown_format(fmt, ("csv", "xlsx"))
    # One reverse for thousands of rows: the dossier's id put in place of a marker.
    pattern = reverse("programming:instruction_detail", args=[MARKER])
    for row in data["rows"]:
        row["html"] = _row_html(row, pattern.replace(str(MARKER), str(row["pk"])))
    for total in [*data["by_financer"], *(t for kind in ("by_pillar", "by_qpv", "by_carrier") for _, t in data[kind])]:
        total["text"] = {
            key: committee.amount_text(value) for key, value in total.items() if isinstance(value, Decimal)
        }
    decided = set(committee.DECIDED)
    return render(
        request,
        "programming/committee/table.html",
        {
            **data,
            "totals": [("pilier", data["by_pillar"]), ("quartier", data["by_qpv"]), ("porteur", data["by_carrier"])],
            "carriers": sorted(
                {(r["carrier_id"], r["carrier"]) for r in data["rows"] if r["status"] in decided}, key=lambda c: c[1]
            ),
            "can_decide": can(request.user, "change", committee.CallInstruction(call)),
        },
    )


def _row_html(row, url):
    """One row of the table, built here rather than by the template engine: thousands of rows of 20 cells would
    take most of the page's time there. Free text is escaped; the amounts are strings of digits we formatted."""
    cells = "".join(f'<td class="num">{text}</td>' for text in row["text"])
    return mark_safe(  # noqa: S308 — every piece of free text is escaped just above or here
        f'<tr><td>{escape(row["carrier"])}</td><td><a href="{escape(url)}">{escape(row["title"])}</a></td>'
        f"<td>{escape(row['status_label'])}</td>{cells}</tr>"
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
