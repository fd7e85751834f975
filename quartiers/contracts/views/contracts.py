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
from .common import add_errors, contract_form, editable_contract, form_status, get_contract

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
    return contract_form(
        request,
        contract,
        form,
        lambda data: services.create_amendment(request.user, contract, **data),
        title="Nouvel avenant",
        submit="Enregistrer l'avenant",
        done="Avenant enregistré.",
    )


def signatory_add(request, pk):
    contract = get_contract(request, pk)
    authorize(request.user, "change", contract)
    form = SignatoryForm(request.POST or None)
    return contract_form(
        request,
        contract,
        form,
        lambda data: services.add_signatory(request.user, contract, **data),
        title="Ajouter un signataire",
        submit="Ajouter le signataire",
        done="Signataire ajouté.",
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
    return contract_form(
        request,
        contract,
        form,
        lambda data: services.update_contract_info(request.user, contract, **data),
        title="Modifier le contrat",
        submit="Enregistrer",
        done="Contrat mis à jour.",
    )


def document_add(request, pk):
    contract = editable_contract(request, pk)
    form = DocumentForm(request.POST or None, request.FILES or None)

    def save(data):
        services.add_document(
            request.user, contract, title=data["title"], published_on=data["published_on"], uploaded=data["file"]
        )

    return contract_form(
        request,
        contract,
        form,
        save,
        title="Ajouter un document",
        submit="Déposer le document",
        done="Document ajouté.",
        multipart=True,
    )


@require_safe
def document_download(request, pk, document_pk):
    contract = get_contract(request, pk)
    document = get_object_or_404(contract.documents.exclude(file=""), pk=document_pk)
    with document.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
    return response
