"""The costly parts of a contract page — its strategic tree and a page of commitments with their progress —
rendered once per contract version, then served from the cache.

`Contract.version` changes on every write of what those parts show: the receivers below (any save or delete
of a pillar, objective, commitment, indicator or measured value, and the organisations and national measures
the rows name) and `touch()` for the writes that send no signal (bulk updates). The day is in the key too: a
commitment turns « en retard » at midnight without any write.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Commitment, Contract, Indicator, Measurement, Objective, Pillar, new_version

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


def render_fragments(pillars, groups, commitments_page):
    return {
        "structure": render_to_string("contracts/_structure.html", {"pillars": pillars}),
        "commitments": render_to_string(
            "contracts/_commitments_page.html", {"groups": groups, "commitments_page": commitments_page, "link": True}
        ),
    }


# ---- What changes a version ----


def _own_contract(sender, instance, **kwargs):
    touch([instance.contract_id])


def _pillar_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(pillars=instance.pillar_id))


def _commitment_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(commitments=instance.commitment_id))


def _indicator_contract(sender, instance, **kwargs):
    touch(Contract.objects.filter(commitments__indicators=instance.indicator_id))


def _named_by_commitments(field):
    def receiver(sender, instance, **kwargs):
        touch(Contract.objects.filter(**{f"commitments__{field}": instance.pk}))

    return receiver


RECEIVERS = [
    (Pillar, _own_contract),
    (Commitment, _own_contract),
    (Objective, _pillar_contract),
    (Indicator, _commitment_contract),
    (Measurement, _indicator_contract),
    # Named by the commitment rows; lazy labels: contracts does not import the apps that own them.
    ("accounts.Organisation", _named_by_commitments("organisation")),
    ("mobilisation.Measure", _named_by_commitments("measure")),
]


def connect():
    for sender, receiver in RECEIVERS:
        uid = f"contracts.fragments:{sender if isinstance(sender, str) else sender._meta.label}"
        post_save.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
        post_delete.connect(receiver, sender=sender, dispatch_uid=uid, weak=False)
