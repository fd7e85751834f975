"""State changes of a followed contract: creation, avenants, signatories, general information, documents.
Each in one transaction, permission-checked, written to the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.core import audit

from ..models import Amendment, Contract, ContractDocument, Pillar, Signatory
from .common import accepted_type, check, user


@transaction.atomic
def create_amendment(actor, contract, *, kind, title, signed_on=None, changes="", signatories=()):
    """An avenant (PERR 2019, prolongation, other) with its signatories and what it changes."""
    check(actor, "change", contract)
    amendment = Amendment(contract=contract, kind=kind, title=title, signed_on=signed_on, changes=changes)
    amendment.full_clean()
    amendment.save()
    amendment.signatories.set(signatories)
    audit.record(actor, "avenant enregistré", contract, {"avenant": title, "type": kind})
    return amendment


@transaction.atomic
def add_signatory(actor, contract, *, organisation, signed_on=None, role=""):
    check(actor, "change", contract)
    if Signatory.objects.filter(contract=contract, organisation=organisation).exists():
        raise ValidationError({"organisation": "Cette organisation est déjà signataire du contrat."})
    signatory = Signatory.objects.create(contract=contract, organisation=organisation, signed_on=signed_on, role=role)
    audit.record(actor, "signataire ajouté", contract, {"organisation": organisation.name})
    return signatory


STANDARD_PILLARS = [
    ("Cohésion sociale", False),
    ("Cadre de vie et renouvellement urbain", False),
    ("Développement économique et emploi", False),
    ("Jeunesse", True),
    ("Égalité femmes-hommes", True),
    ("Lutte contre les discriminations", True),
    ("Citoyenneté", True),
]


def build_contract(*, generation, reference=None, epci=None, commune=None, name=""):
    """An unsaved contract: from its reference row (2024–2030) or from its territory (2015–2023)."""
    if reference is not None:
        epci, commune = reference.epci, reference.commune
        departement_id = reference.departement_id
        name = name or f"Contrat de ville {reference.nom.split(' - ', 1)[-1]} {generation.replace('-', '–')}"
    else:
        if epci is None and commune is None:
            raise ValidationError({"epci": "Indiquez l'EPCI ou la commune du contrat."})
        departement_id = (
            commune.departement_id if commune else epci.communes.values_list("departement_id", flat=True).first()
        )
        if departement_id is None:
            raise ValidationError({"epci": "Ce territoire n'a pas de département connu."})
        name = name or f"Contrat de ville {(epci or commune).nom} {generation.replace('-', '–')}"
    return Contract(
        generation=generation, reference=reference, epci=epci, commune=commune, departement_id=departement_id, name=name
    )


@transaction.atomic
def create_contract(actor, contract):
    """Save a contract built by `build_contract`, with its QPV and the usual pillars and axes."""
    check(actor, "change", contract)
    if contract.reference_id and Contract.objects.filter(reference_id=contract.reference_id).exists():
        raise ValidationError({"reference": "Ce contrat de ville est déjà suivi."})
    duplicate = Contract.objects.filter(
        generation=contract.generation, reference__isnull=True, epci=contract.epci, commune=contract.commune
    )
    if not contract.reference_id and duplicate.exists():
        raise ValidationError({"epci": "Un contrat de cette génération existe déjà pour ce territoire."})
    contract.full_clean()
    contract.save()
    if contract.reference_id:
        contract.qpvs.set(contract.reference.qpvs.all())
    Pillar.objects.bulk_create(
        [Pillar(contract=contract, title=t, cross_cutting=c, order=i) for i, (t, c) in enumerate(STANDARD_PILLARS)]
    )
    audit.record(actor, "contrat de ville suivi", contract, {"génération": contract.generation})
    return contract


INFO_FIELDS = ("local_pilot", "state_pilot", "signed_on", "summary")


@transaction.atomic
def update_contract_info(actor, contract, *, qpvs, **fields):
    check(actor, "change", contract)
    changes = {}
    for name in INFO_FIELDS:
        before, after = getattr(contract, name), fields[name]
        if before != after:
            changes[name] = [_text(before), _text(after)]
            setattr(contract, name, after)
    contract.full_clean()
    contract.save()
    before_qpvs = set(contract.qpvs.values_list("code", flat=True))
    after_qpvs = {q.code for q in qpvs}
    if before_qpvs != after_qpvs:
        contract.qpvs.set(qpvs)
        changes["qpv"] = [sorted(before_qpvs), sorted(after_qpvs)]
    if changes:
        audit.record(actor, "contrat de ville modifié", contract, changes)
    return changes


def _text(value):
    return "" if value is None else str(value)


@transaction.atomic
def add_document(actor, contract, *, title, uploaded, published_on=None):
    check(actor, "change", contract)
    ctype = accepted_type(uploaded)
    document = ContractDocument(
        contract=contract,
        title=title,
        published_on=published_on,
        file=uploaded,
        content_type=ctype,
        size=uploaded.size,
        uploaded_by=user(actor),
        uploaded_at=timezone.now(),
    )
    document.full_clean(exclude=["file"])
    document.save()
    audit.record(actor, "document du contrat ajouté", contract, {"titre": title})
    return document
