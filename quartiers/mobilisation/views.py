from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from quartiers.contracts import hooks as contract_hooks
from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can
from quartiers.territories.models import Region

from . import services
from .forms import CompanyForm, CompanyProfileForm
from .models import Company, Measure


@require_safe
def index(request):
    authorize(request.user, "view", Measure)
    measures = Measure.objects.annotate(
        rollouts=Count("commitments", filter=Q(commitments__kind=contract_hooks.KIND_ROLLOUT)),
        done=Count(
            "commitments",
            filter=Q(commitments__kind=contract_hooks.KIND_ROLLOUT, commitments__status=contract_hooks.STATUS_DONE),
        ),
    )
    return render(request, "mobilisation/index.html", {"measures": measures})


@require_safe
def measure_detail(request, code):
    authorize(request.user, "view", Measure)
    measure = get_object_or_404(Measure, code=code)
    commitments = contract_hooks.with_measurements(
        contract_hooks.commitments()
        .visible_to(request.user)
        .filter(measure=measure)
        .select_related("contract__reference", "organisation")
        .order_by("contract__name", "pk")
    )
    return render(
        request,
        "mobilisation/measure_detail.html",
        {
            "measure": measure,
            "commitments": commitments,
            "editable_contracts": contract_hooks.editable_contracts(request.user),
        },
    )


def _region(request):
    code = request.GET.get("region", "32")
    return get_object_or_404(Region, code=code)


@require_safe
def consolidation(request):
    authorize(request.user, "view", Measure)
    region = _region(request)
    contracts = services.contracts_for_consolidation(request.user, region.code)
    if request.GET.get("format"):
        rows, columns = services.consolidation_table(contracts)
        return export_response(rows, columns, f"consolidation-{region.code}", request.GET.get("format"))
    return render(
        request,
        "mobilisation/consolidation.html",
        {
            "region": region,
            "regions": Region.objects.all(),
            "data": services.consolidation(contracts),
        },
    )


@require_safe
def companies(request):
    authorize(request.user, "view", Company)
    rows = (
        Company.objects.visible_to(request.user)
        .select_related("organisation", "commune")
        .annotate(
            n=Count("organisation__commitments", filter=Q(organisation__commitments__kind=contract_hooks.KIND_PAQTE))
        )
    )
    return render(
        request,
        "mobilisation/companies.html",
        {
            "companies": rows,
            "can_create": can(request.user, "change", None),
        },
    )


def company_create(request):
    """A chef de projet registers a company of its territory (checked on the company's commune)."""
    authorize(request.user, "change", None)
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authorize(request.user, "change", form.cleaned_data["commune"])
        try:
            company = services.register_company(request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, "Entreprise enregistrée au PAQTE.")
            return redirect("mobilisation:company_detail", company.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "mobilisation/company_form.html", {"form": form}, status=status)


def company_edit(request, pk):
    """The company's own members (partner organisation) or chefs de projet of its territory edit it."""
    authorize(request.user, "view", Company)
    company = get_object_or_404(Company.objects.select_related("organisation", "commune"), pk=pk)
    authorize(request.user, "change", company)
    initial = {
        "siret": company.organisation.siret,
        "commune": company.commune or "",
        "sector": company.sector,
        "headcount": company.headcount,
        "joined_on": company.joined_on,
    }
    form = CompanyProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        authorize(request.user, "change", company.moved_to(form.cleaned_data["commune"]))
        try:
            services.update_company(request.user, company, **form.cleaned_data)
        except ValidationError as exc:
            for field_name, errors in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errors)
        else:
            messages.success(request, "Profil de l'entreprise mis à jour.")
            return redirect("mobilisation:company_detail", company.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "mobilisation/company_edit.html", {"form": form, "company": company}, status=status)


@require_safe
def company_detail(request, pk):
    authorize(request.user, "view", Company)
    company = get_object_or_404(
        Company.objects.visible_to(request.user).select_related("organisation", "commune"), pk=pk
    )
    authorize(request.user, "view", company)
    commitments = (
        contract_hooks.commitments()
        .visible_to(request.user)
        .filter(organisation_id=company.organisation_id, kind=contract_hooks.KIND_PAQTE)
        .with_progress_data()
    )
    return render(
        request,
        "mobilisation/company_detail.html",
        {
            "company": company,
            "axes": services.paqte_axes(commitments),
            "contracts": contract_hooks.contracts_of(commitments),
            "editable_contracts": contract_hooks.editable_contracts(request.user),
            "can_edit": can(request.user, "change", company),
        },
    )
