from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can
from quartiers.renewal import services
from quartiers.renewal.forms import (
    FundingForm,
    InsertionForm,
    MilestoneForm,
    OperationForm,
    OwnerOperationForm,
    ProjectForm,
    RehousingForm,
)
from quartiers.renewal.models import InsertionSnapshot, Milestone, Operation, Project, RehousingSnapshot
from quartiers.territories.models import QPV, Departement

PROJECT_COLUMNS = [
    ("Projet", "name"),
    ("QPV", "qpv.code"),
    ("Nom du QPV", "qpv.nom"),
    ("Intérêt", lambda p: p.get_interest_display()),
    ("Porteur", "owner.name"),
    ("Contrat de ville", lambda p: p.contrat.code if p.contrat_id else ""),
    ("Opérations", "operation_count"),
    ("Logements démolis", "demolished"),
    ("Reconstitués dans le QPV", "rebuilt_in_qpv"),
    ("Reconstitués hors QPV", "rebuilt_out_qpv"),
    ("Requalifiés", "rehabilitated"),
]
OPERATION_COLUMNS = [
    ("Famille", lambda o: o.get_family_display()),
    ("Opération", "title"),
    ("Maître d'ouvrage", "maitre_ouvrage.name"),
    ("Logements", "housing_units"),
    ("Dans le QPV", "inside_qpv"),
    ("Coût (€ HT)", "cost"),
    ("Statut", lambda o: o.get_status_display()),
    ("Avancement (%)", "progress"),
    ("Date limite d'engagement", "commitment_deadline"),
]


def _projects(user):
    return Project.objects.visible_to(user).select_related("qpv", "owner", "contrat").with_balances()


@require_safe
def index(request):
    authorize(request.user, "view", Project)
    projects = _projects(request.user)
    departement = request.GET.get("departement", "")
    if departement:
        projects = projects.filter(qpv__departement_id=departement)
    if request.GET.get("format"):
        return export_response(projects, PROJECT_COLUMNS, "projets-npnru", request.GET["format"])
    projects = list(projects)
    rows, total = services.consolidation(projects)
    return render(
        request,
        "renewal/index.html",
        {
            "projects": [(p, services.balance_of(p)) for p in projects],
            "consolidation": rows,
            "total": total,
            "departements": Departement.objects.filter(qpvs__renewal_projects__isnull=False).distinct(),
            "departement": departement,
            "can_create": can(request.user, "change", None) and _steerable_qpvs(request.user).exists(),
        },
    )


def _steerable_qpvs(user):
    return QPV.objects.editable_by(user)


def project_create(request):
    authorize(request.user, "change", None)
    qpvs = _steerable_qpvs(request.user)
    form = ProjectForm(request.POST or None, qpvs=qpvs)
    if request.method == "POST" and form.is_valid():
        project = services.save_project(request.user, form.cleaned_data)
        messages.success(request, "Projet créé.")
        return redirect("renewal:project_detail", project.pk)
    return render(request, "renewal/form.html", {"form": form, "title": "Nouveau projet de renouvellement urbain"})


@require_safe
def project_detail(request, pk):
    authorize(request.user, "view", Project)
    project = get_object_or_404(_projects(request.user), pk=pk)
    authorize(request.user, "view", project)
    finance_rows, finance_total = services.finance_table(project)
    return render(
        request,
        "renewal/project_detail.html",
        {
            "project": project,
            "balance": services.balance_of(project),
            "stages": project.stages.all(),
            "families": services.family_summary(project),
            "operations": project.operations.select_related("maitre_ouvrage"),
            "finance_rows": finance_rows,
            "finance_total": finance_total,
            "rehousing": project.rehousing.first(),
            "insertion": project.insertion.first(),
            "flags": services.risk_flags(project),
            "can_change": can(request.user, "change", project),
        },
    )


def project_edit(request, pk):
    project = get_object_or_404(Project.objects.select_related("qpv"), pk=pk)
    authorize(request.user, "change", project)
    form = ProjectForm(request.POST or None, instance=project, qpvs=_steerable_qpvs(request.user))
    if request.method == "POST" and form.is_valid():
        services.save_project(request.user, form.cleaned_data, project=Project.objects.get(pk=pk))
        messages.success(request, "Projet modifié.")
        return redirect("renewal:project_detail", pk)
    return render(request, "renewal/form.html", {"form": form, "title": f"Modifier « {project} »", "back": project})


@require_safe
def project_gantt(request, pk):
    authorize(request.user, "view", Project)
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "view", project)
    rows = services.gantt_rows(project)
    return render(request, "renewal/gantt.html", {"project": project, "chart": _gantt_chart(rows)})


def _gantt_chart(rows, width=640):
    """Bars positioned in percent of the project's time span: planned (light) and actual (dark)."""
    dates = [d for r in rows for span in (r["planned"], r["actual"]) if span for d in span]
    if not dates:
        return {"rows": rows, "years": []}
    start, end = min(dates), max(dates)
    days = max(1, (end - start).days)

    def pos(span):
        if not span:
            return None
        left = (span[0] - start).days / days * width
        return {"x": round(left, 1), "w": round(max(3, (span[1] - span[0]).days / days * width), 1)}

    for r in rows:
        r["planned_bar"], r["actual_bar"] = pos(r["planned"]), pos(r["actual"])
    years = [
        {"year": y, "x": round((max(start, start.replace(year=y, month=1, day=1)) - start).days / days * width, 1)}
        for y in range(start.year, end.year + 1)
    ]
    return {"rows": rows, "years": years, "start": start, "end": end, "width": width}


@require_safe
def project_operations_export(request, pk):
    authorize(request.user, "view", Project)
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "view", project)
    operations = project.operations.select_related("maitre_ouvrage")
    return export_response(operations, OPERATION_COLUMNS, f"operations-{project.pk}", request.GET.get("format"))


def operation_create(request, pk):
    project = get_object_or_404(Project.objects.select_related("qpv"), pk=pk)
    authorize(request.user, "change", project)
    form = OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        operation = services.save_operation(request.user, project, form.cleaned_data)
        messages.success(request, "Opération ajoutée.")
        return redirect("renewal:operation_detail", operation.pk)
    return render(
        request, "renewal/form.html", {"form": form, "title": f"Nouvelle opération — {project}", "back": project}
    )


def _operation(request, pk):
    authorize(request.user, "view", Operation)
    operation = get_object_or_404(
        Operation.objects.visible_to(request.user).select_related("project__qpv", "maitre_ouvrage"), pk=pk
    )
    authorize(request.user, "view", operation)
    return operation


@require_safe
def operation_detail(request, pk):
    operation = _operation(request, pk)
    return render(
        request,
        "renewal/operation_detail.html",
        {
            "operation": operation,
            "milestones": operation.milestones.all(),
            "funding": operation.funding.all(),
            "can_change": can(request.user, "change", operation),
            "milestone_form": MilestoneForm(),
            "funding_form": FundingForm(),
        },
    )


def operation_edit(request, pk):
    operation = _operation(request, pk)
    authorize(request.user, "change", operation)
    # The project's chef de projet edits everything; the maître d'ouvrage only its progress.
    form_class = OperationForm if can(request.user, "change", operation.project) else OwnerOperationForm
    form = form_class(request.POST or None, instance=operation)
    if request.method == "POST" and form.is_valid():
        services.save_operation(
            request.user, operation.project, form.cleaned_data, operation=Operation.objects.get(pk=pk)
        )
        messages.success(request, "Opération mise à jour.")
        return redirect("renewal:operation_detail", pk)
    return render(request, "renewal/form.html", {"form": form, "title": f"Modifier « {operation} »", "back": operation})


def milestone_add(request, pk):
    operation = _operation(request, pk)
    authorize(request.user, "change", operation)
    return _child_form(request, operation, MilestoneForm, services.save_milestone, "Jalon ajouté.")


def milestone_edit(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("operation__project__qpv"), pk=pk)
    operation = milestone.operation
    authorize(request.user, "change", operation)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        services.save_milestone(request.user, operation, form.cleaned_data, milestone=Milestone.objects.get(pk=pk))
        messages.success(request, "Jalon mis à jour.")
        return redirect("renewal:operation_detail", operation.pk)
    return render(request, "renewal/form.html", {"form": form, "title": f"Jalon — {operation}", "back": operation})


def funding_add(request, pk):
    operation = _operation(request, pk)
    authorize(request.user, "change", operation)
    return _child_form(request, operation, FundingForm, services.save_funding, "Financement ajouté.")


def _child_form(request, operation, form_class, save, done_message):
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        save(request.user, operation, form.cleaned_data)
        messages.success(request, done_message)
        return redirect("renewal:operation_detail", operation.pk)
    return render(request, "renewal/form.html", {"form": form, "title": str(operation), "back": operation})


def rehousing_add(request, pk):
    return _snapshot(request, pk, RehousingForm, RehousingSnapshot, "Point sur le relogement enregistré.")


def insertion_add(request, pk):
    return _snapshot(request, pk, InsertionForm, InsertionSnapshot, "Heures d'insertion enregistrées.")


def _snapshot(request, pk, form_class, model, done_message):
    project = get_object_or_404(Project.objects.select_related("qpv"), pk=pk)
    authorize(request.user, "change", project)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.save_snapshot(request.user, project, model, form.cleaned_data)
        messages.success(request, done_message)
        return redirect("renewal:project_detail", pk)
    return render(
        request,
        "renewal/form.html",
        {"form": form, "title": f"{model._meta.verbose_name.capitalize()} — {project}", "back": project},
    )
