from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.exports import export_response
from quartiers.core.models import AuditEvent
from quartiers.core.permissions import authorize, can

from . import fragments, services
from .charts import indicator_svg
from .forms import (
    AmendmentForm,
    CommitmentForm,
    ContractForm,
    EvidenceForm,
    IndicatorForm,
    MeasurementForm,
    SignatoryForm,
    StatusForm,
)
from .models import Commitment, Contract, Evidence, Indicator, Objective

COMMITMENTS_PER_PAGE = 50

# Audit actions shown on the commitment page: the correction history (the deleted values stay there).
CORRECTION_ACTIONS = ["valeur mesurée supprimée", "valeur mesurée corrigée", "pièce justificative retirée"]

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
COMMITMENT_COLUMNS = [
    ("Organisation", "organisation.name"),
    ("Type", lambda c: c.get_kind_display()),
    ("Engagement", "title"),
    ("Pilier", "pillar.title"),
    ("Mesure nationale", "measure.title"),
    ("Domaine (Pacte de Dijon)", lambda c: c.get_dijon_domain_display()),
    ("Axe PAQTE", lambda c: c.get_paqte_axis_display()),
    ("Échéance", "due_on"),
    ("Statut", lambda c: c.get_status_display()),
    ("Avancement (%)", "progress"),
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
            _add_errors(form, exc)
        else:
            messages.success(request, "Contrat de ville enregistré.")
            return redirect("contracts:detail", contract.pk)
    return render(request, "contracts/contract_form.html", {"form": form}, status=_status(form))


@require_safe
def export(request):
    authorize(request.user, "view", Contract)
    contracts, _ = _filtered_contracts(request)
    return export_response(contracts, CONTRACT_COLUMNS, "contrats-de-ville", request.GET.get("format"))


def _contract(request, pk):
    authorize(request.user, "view", Contract)  # anonymous users go to the login page, not to a 404
    contract = get_object_or_404(
        Contract.objects.visible_to(request.user).select_related(
            "reference", "epci", "commune", "departement__region", "local_pilot", "state_pilot"
        ),
        pk=pk,
    )
    authorize(request.user, "view", contract)
    return contract


def _structure(contract):
    objectives = Objective.objects.filter(level=Objective.Level.STRATEGIC).prefetch_related("children")
    return contract.pillars.prefetch_related(Prefetch("objectives", queryset=objectives, to_attr="strategic"))


def _commitments_by_signatory(contract, page_number=None):
    """The contract's commitments grouped by signatory, a page at a time on the contract page (None: all,
    for the PDF): the page costs the same whether the contract has 24 or 2,400 commitments."""
    commitments = contract.commitments.with_progress().order_by("organisation__name", "organisation_id", "pk")
    page = None
    if page_number is not None:
        page = Paginator(commitments, COMMITMENTS_PER_PAGE).get_page(page_number)
        commitments = page.object_list
    groups = {}
    for commitment in commitments:
        groups.setdefault(commitment.organisation, []).append(commitment)
    return list(groups.items()), page


@require_safe
def detail(request, pk):
    contract = _contract(request, pk)
    page = fragments.contract_fragments(contract, request.GET.get("page") or 1, _build_fragments)
    posts = services.posts_by_structure(contract.code) if contract.code else []
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "fragments": page,
            "signatories": contract.signatories.select_related("organisation"),
            "amendments": contract.amendments.prefetch_related("signatories").annotate(n=Count("commitments")),
            "documents": contract.documents.all(),
            "qpvs": contract.qpvs.all(),
            "posts": posts,
            "posts_totals": _posts_totals(posts),
            "can_change": can(request.user, "change", contract),
        },
    )


def _build_fragments(contract, page_number):
    groups, commitments_page = _commitments_by_signatory(contract, page_number)
    return fragments.render_fragments(_structure(contract), groups, commitments_page)


def _posts_totals(posts):
    totals = {}
    for row in posts:
        entry = totals.setdefault(row["programme"], {"posts": 0, "total": 0})
        entry["posts"] += row["posts"]
        entry["total"] += row["total"]
    return totals


@require_safe
def commitment_matrix(request, pk):
    """« Qui s'est engagé à quoi » : signatories × pillars, counting commitments by status."""
    contract = _contract(request, pk)
    pillars = list(contract.pillars.all())
    rows = {}
    for c in contract.commitments.select_related("organisation").only(
        "id", "title", "status", "due_on", "pillar_id", "organisation__name", "contract_id"
    ):
        row = rows.setdefault(c.organisation, {p.pk: [] for p in pillars} | {None: []})
        row[c.pillar_id if c.pillar_id in row else None].append(c)
    table = [
        (org, [cells[p.pk] for p in pillars] + [cells[None]])
        for org, cells in sorted(rows.items(), key=lambda item: item[0].name)
    ]
    return render(request, "contracts/matrix.html", {"contract": contract, "pillars": pillars, "table": table})


@require_safe
def commitments_export(request, pk):
    contract = _contract(request, pk)
    rows = contract.commitments.with_progress()
    return export_response(
        rows, COMMITMENT_COLUMNS, f"engagements-{contract.code or contract.pk}", request.GET.get("format")
    )


@require_safe
def summary_pdf(request, pk):
    from weasyprint import HTML

    contract = _contract(request, pk)
    html = render_to_string(
        "contracts/summary_pdf.html",
        {
            "contract": contract,
            "pillars": _structure(contract),
            "signatories": contract.signatories.select_related("organisation"),
            "amendments": contract.amendments.all(),
            "groups": _commitments_by_signatory(contract)[0],
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contrat-{contract.code or contract.pk}.pdf"'
    return response


def commitment_create(request, pk):
    contract = _contract(request, pk)
    authorize(request.user, "change", contract)
    # Links from a measure or a company page prefill the kind, the measure and the organisation.
    initial = {k: request.GET[k] for k in ("kind", "measure", "organisation", "paqte_axis") if k in request.GET}
    form = CommitmentForm(request.POST or None, contract=contract, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.create_commitment(
                request.user, contract, indicator=form.indicator_data(), **form.commitment_data()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Engagement enregistré.")
            return redirect("contracts:commitment_detail", commitment.pk)
    return render(request, "contracts/commitment_form.html", {"contract": contract, "form": form}, status=_status(form))


def amendment_create(request, pk):
    contract = _contract(request, pk)
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
        status=_status(form),
    )


def signatory_add(request, pk):
    contract = _contract(request, pk)
    authorize(request.user, "change", contract)
    form = SignatoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_signatory(request.user, contract, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
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
        status=_status(form),
    )


def _commitment(request, pk):
    authorize(request.user, "view", Commitment)
    commitment = get_object_or_404(
        Commitment.objects.visible_to(request.user)
        .with_progress_data()
        .select_related("contract__reference", "contract__departement", "amendment")
        .prefetch_related("qpvs", Prefetch("evidence", queryset=Evidence.objects.select_related("removed_by"))),
        pk=pk,
    )
    authorize(request.user, "view", commitment)
    return commitment


@require_safe
def commitment_detail(request, pk):
    return _commitment_detail_page(request, pk)


def _commitment_detail_page(request, pk, forms=None):
    # Also shown again, with its errors, by the POST views below.
    commitment = _commitment(request, pk)
    forms = forms or {}
    indicators = [
        {
            "indicator": i,
            "chart": indicator_svg(i, i.measurements.all()),
            "form": forms.get(i.pk) or MeasurementForm(auto_id=f"id_mesure{i.pk}_%s"),
        }
        for i in commitment.indicators.all()
    ]
    context = {
        "commitment": commitment,
        "contract": commitment.contract,
        "indicators": indicators,
        "history": commitment.history.select_related("actor"),
        "evidence": [e for e in commitment.evidence.all() if e.removed_at is None],
        "removed_evidence": [e for e in commitment.evidence.all() if e.removed_at is not None],
        "corrections": AuditEvent.objects.filter(
            object_type=Commitment._meta.label_lower, object_id=str(commitment.pk), action__in=CORRECTION_ACTIONS
        ).select_related("actor"),
        "can_update": can(request.user, "change", commitment),
        "status_form": forms.get("status") or StatusForm(initial={"status": commitment.status}),
        "indicator_form": forms.get("indicator") or IndicatorForm(auto_id="id_indicateur_%s"),
        "evidence_form": forms.get("evidence") or EvidenceForm(auto_id="id_piece_%s"),
    }
    return render(request, "contracts/commitment_detail.html", context, status=400 if forms else 200)


def _updatable(request, pk):
    commitment = _commitment(request, pk)
    authorize(request.user, "change", commitment)
    return commitment


@require_POST
def commitment_status(request, pk):
    commitment = _updatable(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(request.user, commitment, form.cleaned_data["status"], form.cleaned_data["comment"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Statut mis à jour.")
            return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={"status": form})


@require_POST
def measurement_add(request, pk, indicator_pk):
    commitment = _updatable(request, pk)
    indicator = get_object_or_404(Indicator, pk=indicator_pk, commitment=commitment)
    form = MeasurementForm(request.POST, auto_id=f"id_mesure{indicator.pk}_%s")
    if form.is_valid():
        services.record_measurement(request.user, indicator, **form.cleaned_data)
        messages.success(request, "Valeur mesurée enregistrée.")
        return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={indicator.pk: form})


@require_POST
def indicator_add(request, pk):
    commitment = _updatable(request, pk)
    form = IndicatorForm(request.POST, auto_id="id_indicateur_%s")
    if form.is_valid():
        services.add_indicator(request.user, commitment, **form.indicator_data())
        messages.success(request, "Indicateur ajouté.")
        return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={"indicator": form})


@require_POST
def evidence_add(request, pk):
    commitment = _updatable(request, pk)
    form = EvidenceForm(request.POST, request.FILES, auto_id="id_piece_%s")
    if form.is_valid():
        try:
            services.add_evidence(
                request.user, commitment, title=form.cleaned_data["title"], uploaded=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Pièce justificative ajoutée.")
            return redirect("contracts:commitment_detail", pk)
    return _commitment_detail_page(request, pk, forms={"evidence": form})


@require_safe
def evidence_download(request, pk, evidence_pk):
    commitment = _commitment(request, pk)
    evidence = get_object_or_404(commitment.evidence.filter(removed_at__isnull=True), pk=evidence_pk)
    # Evidence is at most 10 Mo: read it whole, so the file is closed before the response leaves.
    with evidence.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=evidence.content_type)
    response["Content-Disposition"] = f'attachment; filename="piece-{evidence.pk}"'
    return response


def _add_errors(form, exc):
    for field_name, errors in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


def _status(form):
    return 400 if form.is_bound and form.errors else 200
