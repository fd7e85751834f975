"""What a contract page shows to every user alike — its strategic tree, documents, signatories, avenants, a page
of commitments with their progress, its funded posts — rendered once per contract version, then served from
the cache. The rest (the contract's own fields, its QPV, the links of those who may change it) is per request.

`Contract.version` changes on every write of what those parts show: the receivers below (any save or delete of a
pillar, objective, commitment, indicator, measured value, document, signatory or avenant, an avenant's
signatories, and the organisations and national measures the rows name) and `touch()` for the writes that send
no signal (bulk updates, the funded posts' import). The day is in the key too: a commitment turns « en retard »
at midnight without any write.
"""

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone

from .models import (
    Amendment,
    Commitment,
    Contract,
    ContractDocument,
    FundedPost,
    Indicator,
    Measurement,
    Objective,
    Pillar,
    Signatory,
    new_version,
)

CACHE_SECONDS = 3600
MAX_PAGE = 10_000


def touch(contracts):
    """Give new versions to `contracts` (a queryset or pks): their cached fragments are no longer used."""
    if not hasattr(contracts, "update"):
        contracts = Contract.objects.filter(pk__in=list(contracts))
    contracts.update(version=new_version())


def contract_fragments(contract, page, build):
    """{"structure": html, "commitments": html} of `contract` at commitments page `page`; `build(contract,
    page)` renders them on a miss."""
    page = int(page) if str(page).isdigit() and 0 < int(page) <= MAX_PAGE else 1
    key = f"contracts:fragments:{contract.pk}:{contract.version}:{timezone.localdate():%Y%m%d}:{page}"
    fragments = cache.get(key)
    if fragments is None:
        fragments = build(contract, page)
        cache.set(key, fragments, CACHE_SECONDS)
    return fragments


def render(**parts):
    """{name: html} from {name: (template, context)}."""
    return {name: render_to_string(template, context) for name, (template, context) in parts.items()}


# ---- What changes a version ----


def _own_contract(sender, instance, **kwargs):
    touch([instance.contract_id])


def _pillar_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(pillars=instance.pillar_id))


def _commitment_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(commitments=instance.commitment_id))


def _indicator_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(commitments__indicators=instance.indicator_id))


def _posts_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(reference__code=instance.code_cv))


def _naming(*paths):
    """A receiver for a model of another app that the fragments name through `paths` (lookups to its pk)."""

    def receiver(sender, instance, **kwargs):
        touch(Contract.objects.filter(pk__in=_contracts_naming(paths, instance.pk)))

    return receiver


def _contracts_naming(paths, pk):
    condition = Q()
    for path in paths:
        condition |= Q(**{path: pk})
    return Contract.objects.filter(condition).values("pk")


def _amendment_signatories(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Amendment):
        touch([instance.contract_id])
    else:  # from the organisation's side
        touch(Contract.objects.filter(pk__in=Amendment.objects.filter(pk__in=pk_set or ()).values("contract_id")))


RECEIVERS = [
    (Pillar, _own_contract),
    (Commitment, _own_contract),
    (ContractDocument, _own_contract),
    (Signatory, _own_contract),
    (Amendment, _own_contract),
    (FundedPost, _posts_contract),
    (Objective, _pillar_contract),
    (Indicator, _commitment_contract),
    (Measurement, _indicator_contract),
    # Named by the commitment rows; lazy labels: contracts does not import the apps that own them.
    (
        "accounts.Organisation",
        _naming("commitments__organisation", "signatories__organisation", "amendments__signatories"),
    ),
    ("mobilisation.Measure", _naming("commitments__measure")),
]


def connect():
    for sender, receiver in RECEIVERS:
        uid = f"contracts.fragments:{sender if isinstance(sender, str) else sender._meta.label}"
        post_save.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
    m2m_changed.connect(
        _amendment_signatories, sender=Amendment.signatories.through, dispatch_uid="contracts.fragments:m2m", weak=False
    )
