"""The carrier's space: create a dossier in an open call (or renew last year's), edit it, its forecast budget in
the CERFA layout, its attachments, submit it; the dossier page. A carrier reaches only its own dossiers (another
structure's answers 404: the policy's `visible_to`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import authorize, can

from .. import services
from ..committee import CallInstruction
from ..forms import ApplicationForm, AttachmentForm, BudgetForm, budget_initial
from ..models import Application, Attachment, BudgetLine
from ..money import euros
from ..workflow import Status
from .calls import add_errors, form_status, get_call

TARGET_FIELDS = ("qpvs", "objectives")
# The page where each workflow action is done (the dossier page links there; only « submit » is posted from here).
ACTION_PAGES = {
    "start_instruction": "programming:instruction_detail",
    "request_information": "programming:instruction_detail",
    "record_opinions": "programming:instruction_detail",
    "accept": "programming:instruction_detail",
    "refuse": "programming:instruction_detail",
    "postpone": "programming:instruction_detail",
    "resume": "programming:instruction_detail",
    "sign_agreement": "programming:followup",
    "record_payment": "programming:followup",
    "file_report": "programming:report",
    "close": "programming:report",
}
FOLLOWUP_STATUSES = {Status.ACCEPTED, Status.AGREED, Status.PAID, Status.REPORTED, Status.CLOSED}
REPORT_STATUSES = {Status.AGREED, Status.PAID, Status.REPORTED, Status.CLOSED}


def get_application(request, pk, verb="view"):
    authorize(request.user, "view", Application)
    queryset = Application.objects.visible_to(request.user).select_related("call__contract", "carrier", "renewal_of")
    application = get_object_or_404(queryset, pk=pk)
    authorize(request.user, verb, application)
    return application


def _form(request, call, application=None, bound=True):
    probe = application or Application(call=call)
    initial = None
    if application:
        initial = {name: getattr(application, name) for name in services.APPLICATION_FIELDS}
        initial.update(qpvs=list(application.qpvs.all()), objectives=list(application.objectives.all()))
    return ApplicationForm(
        (request.POST or None) if bound else None,
        initial=initial,
        carriers=services.member_carriers(request.user),
        objectives=probe.allowed_objectives().select_related("pillar").order_by("pillar__order", "title"),
        qpvs=probe.allowed_qpvs().order_by("nom"),
        with_carrier=application is None,
    )


def _fields(form):
    data = dict(form.cleaned_data)
    data.pop("carrier", None)
    return data


def _create_page(request, call, form, error=None, status=None):
    context = {
        "call": call,
        "form": form,
        "error": error,
        "open_now": call.is_open(timezone.localdate()),
        "candidates": services.renewal_candidates(request.user, call),
    }
    return render(request, "programming/applications/create.html", context, status=status or form_status(form))


def application_create(request, pk):
    call = get_call(request, pk)
    authorize(request.user, "contribute", Application)
    form = _form(request, call)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(request.user, call, form.cleaned_data["carrier"], **_fields(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Dossier créé (brouillon). Saisissez maintenant son budget prévisionnel.")
            return redirect("programming:application_budget", application.pk)
    return _create_page(request, call, form)


@require_POST
def application_renew(request, pk):
    call = get_call(request, pk)
    authorize(request.user, "contribute", Application)
    previous = request.POST.get("previous", "")
    previous = get_application(request, int(previous) if previous.isdigit() else 0, "contribute")
    try:
        application = services.renew_application(request.user, previous, call)
    except ValidationError as exc:
        form = _form(request, call, bound=False)
        return _create_page(request, call, form, error=" ".join(exc.messages), status=400)
    messages.success(request, f"Dossier « {application.title} » reconduit : vérifiez-le avant de le déposer.")
    return redirect("programming:application_detail", application.pk)


def application_edit(request, pk):
    application = get_application(request, pk, "change")
    form = _form(request, application.call, application)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(request.user, application, **_fields(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Dossier enregistré.")
            return redirect("programming:application_detail", application.pk)
    context = {"application": application, "form": form}
    return render(request, "programming/applications/edit.html", context, status=form_status(form))


def _links(user, application):
    """The other pages of this dossier the user may open (each asks the rule its target view checks)."""
    instructor = can(user, "change", application.call)
    carrier = can(user, "contribute", application)
    return {
        "instruction": can(user, "view", CallInstruction(application.call)) and application.status != Status.DRAFT,
        "followup": application.status in FOLLOWUP_STATUSES,
        "report": application.status in REPORT_STATUSES and (instructor or carrier),
        "carrier_years": can(user, "view", application.carrier),
        "renewals": bool(application.renewal_of_id) or application.renewals.exists(),
    }


def _detail_page(request, application, error=None, status=200):
    lines = list(application.budget_lines.select_related("call_financer__organisation"))
    totals = application.budget_totals()
    financers = list(application.call.financers.select_related("organisation"))
    requested = application.requested_amounts()
    context = {
        "application": application,
        "error": error,
        "lines": lines,
        "expenses": euros(totals[BudgetLine.Side.EXPENSE]),
        "income": euros(totals[BudgetLine.Side.INCOME]),
        "gap": services.budget_gap_message(application) if lines else None,
        "requested": [(f, euros(requested.get(f.pk, 0))) for f in financers],
        "transitions": [(t, ACTION_PAGES.get(t.name)) for t in application.allowed_transitions(request.user)],
        "links": _links(request.user, application),
        "may_change": application.status in services.CONTENT_OPEN and can(request.user, "change", application),
        "attachments": application.attachments.all(),
        "qpvs": application.qpvs.order_by("nom"),
        "objectives": application.objectives.select_related("pillar").order_by("pillar__order", "title"),
    }
    return render(request, "programming/applications/detail.html", context, status=status)


@require_safe
def application_detail(request, pk):
    return _detail_page(request, get_application(request, pk))


@require_POST
def application_submit(request, pk):
    application = get_application(request, pk, "contribute")
    try:
        services.submit(request.user, application)
    except ValidationError as exc:
        return _detail_page(request, application, error=" ".join(exc.messages), status=400)
    messages.success(request, "Dossier déposé : les instructeurs de l'appel en sont informés.")
    return redirect("programming:application_detail", application.pk)


def application_budget(request, pk):
    application = get_application(request, pk, "change")
    financers = application.call.financers.select_related("organisation")
    form = BudgetForm(request.POST or None, initial=budget_initial(application), call_financers=financers)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_budget(request.user, application, form.lines())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            gap = services.budget_gap_message(application)
            if gap:
                messages.warning(request, f"Budget enregistré. {gap} Il doit être équilibré pour être déposé.")
            else:
                messages.success(request, "Budget enregistré : il est équilibré.")
            return redirect("programming:application_budget", application.pk)
    totals = application.budget_totals()
    context = {
        "application": application,
        "form": form,
        "expenses": totals[BudgetLine.Side.EXPENSE],
        "income": totals[BudgetLine.Side.INCOME],
        "gap": services.budget_gap_message(application),
        "expenses_text": euros(totals[BudgetLine.Side.EXPENSE]),
        "income_text": euros(totals[BudgetLine.Side.INCOME]),
        "open": application.status in services.BUDGET_OPEN,
    }
    return render(request, "programming/applications/budget.html", context, status=form_status(form))


def attachment_add(request, pk):
    application = get_application(request, pk, "change")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_attachment(request.user, application, data["label"], data["file"], form.kind)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Pièce jointe ajoutée.")
            return redirect("programming:application_detail", application.pk)
    context = {"application": application, "form": form}
    return render(request, "programming/applications/attachment_form.html", context, status=form_status(form))


@require_safe
def attachment_download(request, pk):
    authorize(request.user, "view", Application)
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "view", attachment)
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type="application/octet-stream")
    name = attachment.file.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("appels/<int:pk>/deposer/", application_create, name="application_create"),
    path("appels/<int:pk>/reconduire/", application_renew, name="application_renew"),
    path("dossiers/<int:pk>/", application_detail, name="application_detail"),
    path("dossiers/<int:pk>/modifier/", application_edit, name="application_edit"),
    path("dossiers/<int:pk>/budget/", application_budget, name="application_budget"),
    path("dossiers/<int:pk>/deposer/", application_submit, name="application_submit"),
    path("dossiers/<int:pk>/pieces/", attachment_add, name="attachment_add"),
    path("pieces/<int:pk>/", attachment_download, name="attachment_download"),
]
