"""The contract page (its costly parts cached per contract version: `contracts.fragments`), « qui s'est
engagé à quoi », the commitments export and the printable summary."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import can

from .. import fragments, services
from ..hooks import sections_for
from ..models import Objective
from .common import get_contract

COMMITMENTS_PER_PAGE = 50

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
    contract = get_contract(request, pk)
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "fragments": fragments.contract_fragments(contract, request.GET.get("page") or 1, _build_fragments),
            "qpvs": contract.qpvs.only("code", "nom"),
            "can_change": can(request.user, "change", contract),
            "module_sections": sections_for(contract, request.user),
        },
    )


def _build_fragments(contract, page_number):
    """Everything on the page that does not depend on the user, rendered (`fragments` caches it)."""
    groups, commitments_page = _commitments_by_signatory(contract, page_number)
    posts = services.posts_by_structure(contract.code) if contract.code else []
    amendments = contract.amendments.prefetch_related("signatories").annotate(n=Count("commitments"))
    return fragments.render(
        structure=("contracts/_structure.html", {"pillars": _structure(contract)}),
        documents=("contracts/_documents.html", {"contract": contract, "documents": contract.documents.all()}),
        signatories=(
            "contracts/_signatories.html",
            {"signatories": contract.signatories.select_related("organisation")},
        ),
        amendments=("contracts/_amendments.html", {"amendments": amendments}),
        commitments=(
            "contracts/_commitments_page.html",
            {"groups": groups, "commitments_page": commitments_page, "link": True},
        ),
        posts=("contracts/_posts.html", {"posts": posts, "posts_totals": _posts_totals(posts)}),
    )


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
    contract = get_contract(request, pk)
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
    contract = get_contract(request, pk)
    rows = contract.commitments.with_progress()
    return export_response(
        rows, COMMITMENT_COLUMNS, f"engagements-{contract.code or contract.pk}", request.GET.get("format")
    )


@require_safe
def summary_pdf(request, pk):
    from weasyprint import HTML

    contract = get_contract(request, pk)
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
