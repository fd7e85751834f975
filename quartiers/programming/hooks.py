"""What the programming shows in the other modules' pages, registered from ProgrammingConfig.ready():

- on the QPV fiche (`territories.hooks.register_qpv_links`): the funded actions that target the QPV;
- on the contract page (`contracts.hooks.register_contract_section`): the amounts granted per year and pillar.

Both ask the one policy (`visible_to`: only the dossiers the user may see) and run one query each.
"""

from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from quartiers.core.permissions import is_signed_in

MAX_QPV_LINKS = 10
NO_PILLAR = "Sans pilier renseigné"


def _application_url(application):
    # The dossier's page (another page family) when it exists, else its follow-up page (the funded action's
    # convention and payments), both read by whoever may see the dossier.
    for name in ("programming:application_detail", "programming:followup"):
        try:
            return reverse(name, args=[application.pk])
        except NoReverseMatch:
            continue
    return reverse("programming:opendata")


def qpv_links(qpv, user):
    """(label, url) of the funded actions that target this QPV and that `user` may see (one query)."""
    from quartiers.programming.models import Application

    if not is_signed_in(user):
        return []
    applications = (
        Application.objects.visible_to(user)
        .filter(qpvs=qpv, fundings__granted_amount__gt=0)
        .select_related("call", "carrier")
        .annotate(granted=Sum("fundings__granted_amount"))
        .order_by("-call__year", "title")[:MAX_QPV_LINKS]
    )
    return [
        (
            f"Action financée {a.call.year} : {a.title} ({a.carrier.name}, {_euros(a.granted)} accordés)",
            _application_url(a),
        )
        for a in applications
    ]


def _euros(amount):
    return f"{amount:,.0f} €".replace(",", "\u202f")


def _per_year_and_pillar(pairs):
    """[{year, pillar, total, actions}] from distinct (funding, dossier, amount, year, pillar) rows."""
    cells = {}
    for _funding, application, amount, year, pillar in pairs:
        cell = cells.setdefault((-year, pillar or ""), {"total": 0, "actions": set()})
        cell["total"] += amount
        cell["actions"].add(application)
    return [
        {"year": -year, "pillar": pillar or NO_PILLAR, "total": cell["total"], "actions": len(cell["actions"])}
        for (year, pillar), cell in sorted(cells.items())
    ]


def contract_programming(contract, user):
    """The section « Programmation » of the contract page: amounts granted per year and pillar (one query), or
    None when the user sees no granted subsidy of this contract.

    A dossier serving two objectives of one pillar must count once in it: the query gives the distinct
    (funding, pillar) pairs, summed here, rather than a SUM over the objectives' join, which would count it twice."""
    from quartiers.programming.models import Funding

    if not is_signed_in(user):
        return None
    pairs = (
        Funding.objects.visible_to(user)
        .filter(application__call__contract=contract, granted_amount__gt=0)
        .values_list(
            "pk",
            "application_id",
            "granted_amount",
            "application__call__year",
            "application__objectives__pillar__title",
        )
        .distinct()
    )
    table = _per_year_and_pillar(pairs)
    if not table:
        return None
    html = render_to_string("programming/opendata/_contract_section.html", {"rows": table})
    return ("Programmation : montants accordés par année et pilier", html)
