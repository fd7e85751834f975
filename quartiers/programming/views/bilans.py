"""Bilan pages of the programming (CERFA 15059): realised budget beside the forecast, beneficiaries, indicators,
qualitative report, the QPV share from an address list (a background job; the addresses are never kept), filing
by the carrier and closing by the instructor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import authorize, can

from .. import bilans_services as bilans
from .. import qpv_share
from ..followup_forms import QpvListForm
from ..models import Application, BeneficiaryCount
from ..workflow import Status

BLANK_INDICATORS = 2


def _application(pk):
    return get_object_or_404(Application.objects.select_related("call", "carrier"), pk=pk)


def _stored_values(report):
    """The bilan as the form shows it: {field name: text}."""
    values = {}
    if report is None:
        return values, []
    values["summary"] = report.summary
    values["beneficiaries_total"] = "" if report.beneficiaries_total is None else str(report.beneficiaries_total)
    for line in report.lines.all():
        values[f"line-{line.side}_{line.account_class}-amount"] = str(line.amount).replace(".", ",")
        values[f"line-{line.side}_{line.account_class}-explanation"] = line.explanation
    for count in report.beneficiaries.all():
        values[f"ben-{count.sex}-{count.age_band}"] = str(count.count)
    indicators = [
        {
            "label": i.label,
            "target": "" if i.target is None else str(i.target).replace(".", ","),
            "achieved": "" if i.achieved is None else str(i.achieved).replace(".", ","),
            "unit": i.unit,
        }
        for i in report.indicators.all()
    ]
    return values, indicators


def _posted_indicators(post):
    rows, number = [], 0
    while f"ind-{number}-label" in post and number < 100:
        rows.append({k: post.get(f"ind-{number}-{k}", "") for k in ("label", "target", "achieved", "unit")})
        number += 1
    return rows


def _report_page(request, application, errors=None, posted=None, qpv_form=None, status=200):
    authorize(request.user, "view", application)
    report = bilans.report_of(application)
    values, indicators = _stored_values(report)
    if posted is not None:
        values, indicators = posted.dict(), _posted_indicators(posted)
    editable = application.status in bilans.REPORT_OPEN and can(request.user, "contribute", application)
    rows = bilans.comparison(application, report)
    for row in rows:
        row.amount_text = values.get(f"line-{row.key}-amount", "")
        row.explanation_text = values.get(f"line-{row.key}-explanation", "")
    grid = [
        (
            band,
            label,
            [(f"ben-{sex}-{band}", values.get(f"ben-{sex}-{band}", "")) for sex, _ in BeneficiaryCount.Sex.choices],
        )
        for band, label in BeneficiaryCount.AgeBand.choices
    ]
    indicator_rows = indicators + [{"label": "", "target": "", "achieved": "", "unit": ""}] * (
        BLANK_INDICATORS if editable else 0
    )
    context = {
        "application": application,
        "report": report,
        "rows": rows,
        "grid": grid,
        "sexes": BeneficiaryCount.Sex.choices,
        "indicators": list(enumerate(indicator_rows)),
        "summary": values.get("summary", ""),
        "beneficiaries_total": values.get("beneficiaries_total", ""),
        "errors": errors or [],
        "editable": editable,
        "qpv_form": qpv_form or QpvListForm(),
        "can_file": editable and report is not None,
        "can_close": application.status == Status.REPORTED and can(request.user, "change", application.call),
        "missing": bilans.missing_for_filing(application, report) if editable else [],
        "threshold": int(bilans.GAP_NEEDING_EXPLANATION * 100),
        "qpv_job": qpv_share.last_job(request.user, application),
    }
    return render(request, "programming/bilans/report.html", context, status=status)


@require_safe
def report(request, pk):
    return _report_page(request, _application(pk))


@require_POST
def report_save(request, pk):
    application = _application(pk)
    post = request.POST
    forecast_keys = [
        (row.side, row.account_class) for row in bilans.comparison(application, bilans.report_of(application))
    ]
    lines = {
        (side, cls): (post.get(f"line-{side}_{cls}-amount", ""), post.get(f"line-{side}_{cls}-explanation", ""))
        for side, cls in forecast_keys
    }
    beneficiaries = {
        (sex, band): post.get(f"ben-{sex}-{band}", "")
        for sex, _ in BeneficiaryCount.Sex.choices
        for band, _ in BeneficiaryCount.AgeBand.choices
    }
    indicators = [(r["label"], r["target"], r["achieved"], r["unit"]) for r in _posted_indicators(post)]
    try:
        bilans.save_report(
            request.user,
            application,
            lines=lines,
            beneficiaries=beneficiaries,
            indicators=indicators,
            summary=post.get("summary", ""),
            beneficiaries_total=post.get("beneficiaries_total", ""),
        )
    except ValidationError as error:
        return _report_page(request, application, error.messages, posted=post)
    messages.success(request, "Bilan enregistré.")
    return redirect("programming:report", application.pk)


@require_POST
def report_qpv(request, pk):
    application = _application(pk)
    form = QpvListForm(request.POST, request.FILES)
    if not form.is_valid():
        authorize(request.user, "contribute", application)
        return _report_page(request, application, qpv_form=form)
    columns = {key: form.cleaned_data[key] for key in ("adresse", "code_postal", "commune")}
    try:
        job = qpv_share.start(request.user, application, form.cleaned_data["liste"], columns)
    except ValidationError as error:
        form.add_error("liste", error.messages[0])
        return _report_page(request, application, qpv_form=form)
    return redirect(job)


@require_POST
def report_file(request, pk):
    application = _application(pk)
    try:
        bilans.file_report(request.user, application)
    except ValidationError as error:
        return _report_page(request, application, error.messages)
    messages.success(request, "Bilan déposé : l'instructeur peut solder le dossier.")
    return redirect("programming:report", application.pk)


@require_POST
def report_close(request, pk):
    application = _application(pk)
    try:
        bilans.close(request.user, application)
    except ValidationError as error:
        return _report_page(request, application, error.messages)
    messages.success(request, "Dossier soldé.")
    return redirect("programming:report", application.pk)


urlpatterns = [
    path("bilans/dossiers/<int:pk>/", report, name="report"),
    path("bilans/dossiers/<int:pk>/enregistrer/", report_save, name="report_save"),
    path("bilans/dossiers/<int:pk>/part-qpv/", report_qpv, name="report_qpv"),
    path("bilans/dossiers/<int:pk>/deposer/", report_file, name="report_file"),
    path("bilans/dossiers/<int:pk>/solder/", report_close, name="report_close"),
]
