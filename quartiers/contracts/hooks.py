"""What other modules may use of the contracts module (GUIDE §3): its declared surface.

The national mobilisation builds on the contracts' commitment engine (a measure's roll-out and a PAQTE
company's commitments are commitments). So the arrow goes mobilisation → contracts, through this module
only; contracts never imports mobilisation (its `Commitment.measure` is a lazy "mobilisation.Measure" key).

Querysets returned here keep the contracts' QuerySet methods (`visible_to`, `with_progress_data`…), so the
caller filters them further without naming a contracts model.
"""

from django.db.models import Prefetch

from quartiers.core import dataversions
from quartiers.territories import hooks as territories

from .demo import commit as demo_commitment
from .demo import org as demo_organisation
from .demo import year_end
from .forms import date_field
from .models import CONTRACT_SCOPE, Commitment, Contract, FundedPost, Indicator

__all__ = [
    "CONTRACT_SCOPE",
    "KIND_PAQTE",
    "KIND_ROLLOUT",
    "PAQTE_AXES",
    "STATUS_DONE",
    "STATUS_LABELS",
    "commitments",
    "contracts",
    "contracts_of",
    "date_field",
    "demo_commitment",
    "demo_organisation",
    "editable_contracts",
    "funded_posts",
    "with_measurements",
    "year_end",
]

KIND_ROLLOUT = Commitment.Kind.ROLLOUT
KIND_PAQTE = Commitment.Kind.PAQTE
STATUS_DONE = Commitment.Status.DONE
STATUS_LABELS = dict(Commitment.Status.choices)
PAQTE_AXES = Commitment.PaqteAxis.choices


def commitments():
    """Every commitment (callers narrow it: `.visible_to(user)`, `.filter(measure=…)`)."""
    return Commitment.objects.all()


def with_measurements(commitments):
    """Commitments with their indicators and every measured value, prefetched (constant query count)."""
    return commitments.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements"))
    )


def contracts():
    """Every followed contract (callers narrow it: `.visible_to(user)`, `.for_region(code)`)."""
    return Contract.objects.all()


def editable_contracts(user):
    """The contracts `user` may add commitments to, for the « engager dans un contrat » links."""
    return Contract.objects.editable_by(user).select_related("reference")


def contracts_of(commitments):
    return Contract.objects.filter(commitments__in=commitments).distinct()


def funded_posts():
    """The funded adulte-relais and FONJEP posts (ANCT data), attached to contracts by code."""
    return FundedPost.objects.all()


# Sections other modules add to the contract page (the programming's amounts per year and pillar…), registered from
# their AppConfig.ready(): `provider(contract, user)` → (title, safe HTML) or None; it asks the permission policy
# for `user`, runs a constant number of queries and depends on the database only, never on the clock.
CONTRACT_SECTION_PROVIDERS = []
SECTIONS_CACHE_SECONDS = 600


def register_contract_section(provider):
    if provider not in CONTRACT_SECTION_PROVIDERS:
        CONTRACT_SECTION_PROVIDERS.append(provider)
        # The answer follows the provider's app, the user's rights and the contract (as the QPV fiche's links).
        dataversions.watch("accounts", "contracts", *filter(None, [territories.app_label(provider)]))
    return provider


def sections_for(contract, user):
    """The sections for `user`, cached per user and contract until a watched table or the reference data changes
    (core/dataversions.py: a write committed by any process is seen by the next request)."""
    if not CONTRACT_SECTION_PROVIDERS:
        return []
    return dataversions.cached(
        "contract-sections",
        (territories.versions(), contract.pk, territories.viewer(user)),
        lambda: [section for provider in CONTRACT_SECTION_PROVIDERS if (section := provider(contract, user))],
        SECTIONS_CACHE_SECONDS,
    )
