"""The list of followed contracts, their creation and the pages that change a contract's information,
avenants, signatories and documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can

from .. import services
from ..forms import AmendmentForm, ContractForm, ContractInfoForm, DocumentForm, SignatoryForm
from ..models import Contract
from .common import add_errors, editable_contract, form_status, get_contract

CONTRACT_COLUMNS = [
    ("Code", "code"),
    ("Contrat de ville", "name"),
    ("Génération", lambda c: c.get_generation_display()),
    ("Département", "departement_id"),
    ("Territoire", lambda c: str(c.territory)),
    ("Engagements", "commitment_count"),
    ("Engagements réalisés", "done_count"),
    ("Engagements en retard", "late_count"),
]


def _filtered_contracts(request):
    contracts = Contract.objects.visible_to(request.user).with_list_data()
    generation = request.GET.get("generation", "")
    if generation in Contract.Generation.values:
        contracts = contracts.filter(generation=generation)
    query = request.GET.get("q", "").strip()
    if query:
        contracts = contracts.filter(
            Q(name__icontains=query) | Q(reference__code__iexact=query) | Q(departement_id=query)
        )
    return contracts, {"generation": generation, "q": query}


@require_safe
def index(request):
    authorize(request.user, "view", Contract)
    contracts, filters = _filtered_contracts(request)
    return render(
        request,
        "contracts/index.html",
        {
            "contracts": contracts,
            "filters": filters,
            "generations": Contract.Generation.choices,
            "export_query": request.GET.urlencode(),
            "can_create": can(request.user, "change", None),
        },
    )


def contract_create(request):
    """Start following a contract: chefs de projet of its territory (checked on the built contract)."""
    authorize(request.user, "change", None)  # a chef de projet somewhere; the territory is checked below
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            contract = services.build_contract(
                generation=d["generation"],
                reference=d["reference"],
                epci=d["epci"],
                commune=d["commune"],
                name=d["name"],
            )
            authorize(request.user, "change", contract)
            services.create_contract(request.user, contract)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Contrat de ville enregistré.")
            return redirect("contracts:detail", contract.pk)
    return render(request, "contracts/contract_form.html", {"form": form}, status=form_status(form))


@require_safe
def export(request):
    authorize(request.user, "view", Contract)
    contracts, _ = _filtered_contracts(request)
    return export_response(contracts, CONTRACT_COLUMNS, "contrats-de-ville", request.GET.get("format"))


def amendment_create(request, pk):
    contract = get_contract(request, pk)
    authorize(request.user, "change", contract)
    form = AmendmentForm(request.POST or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        services.create_amendment(request.user, contract, **form.cleaned_data)
        messages.success(request, "Avenant enregistré.")
        return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/simple_form.html",
        {
            "contract": contract,
            "form": form,
            "title": "Nouvel avenant",
            "submit": "Enregistrer l'avenant",
        },
        status=form_status(form),
    )


def signatory_add(request, pk):
    contract = get_contract(request, pk)
    authorize(request.user, "change", contract)
    form = SignatoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_signatory(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Signataire ajouté.")
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/simple_form.html",
        {
            "contract": contract,
            "form": form,
            "title": "Ajouter un signataire",
            "submit": "Ajouter le signataire",
        },
        status=form_status(form),
    )


def contract_edit(request, pk):
    contract = editable_contract(request, pk)
    initial = {
        "local_pilot": contract.local_pilot,
        "state_pilot": contract.state_pilot,
        "signed_on": contract.signed_on,
        "summary": contract.summary,
        "qpvs": list(contract.qpvs.all()),
    }
    form = ContractInfoForm(request.POST or None, contract=contract, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contract_info(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Contrat mis à jour.")
            return redirect("contracts:detail", pk)
    return render(
        request,
        "contracts/simple_form.html",
        {"contract": contract, "form": form, "title": "Modifier le contrat", "submit": "Enregistrer"},
        status=form_status(form),
    )


def document_add(request, pk):
    contract = editable_contract(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_document(
                request.user,
                contract,
                **{k: form.cleaned_data[k] for k in ("title", "published_on")},
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Document ajouté.")
            return redirect("contracts:detail", pk)
    return render(
        request,
        "contracts/simple_form.html",
        {
            "contract": contract,
            "form": form,
            "title": "Ajouter un document",
            "submit": "Déposer le document",
            "multipart": True,
        },
        status=form_status(form),
    )


@require_safe
def document_download(request, pk, document_pk):
    contract = get_contract(request, pk)
    document = get_object_or_404(contract.documents.exclude(file=""), pk=document_pk)
    with document.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
    return response
