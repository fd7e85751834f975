"""State changes of contracts and commitments: each in one transaction, each written to the audit trail."""

import gzip
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.core import audit, filetypes

from .models import Commitment, Evidence, FundedPost, Indicator, Measurement, StatusChange

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _sniff(uploaded, name):
    """The MIME type of an accepted evidence file, read from its content (never its name), or None."""
    kind = filetypes.sniff(uploaded)
    return kind.mime_type if kind and kind is not filetypes.OLD_OFFICE else None


@transaction.atomic
def create_commitment(actor, contract, *, indicator=None, qpvs=(), **fields):
    """A new commitment, at status « prévu », with its first indicator when given."""
    commitment = Commitment(contract=contract, **fields)
    commitment.full_clean(exclude=["contract"])
    commitment.save()
    if qpvs:
        commitment.qpvs.set(qpvs)
    StatusChange.objects.create(
        commitment=commitment, actor=_user(actor), to_status=commitment.status, comment="Engagement enregistré."
    )
    if indicator:
        add_indicator(actor, commitment, **indicator)
    audit.record(actor, "engagement créé", commitment, {"organisation": str(commitment.organisation)})
    return commitment


@transaction.atomic
def change_status(actor, commitment, to_status, comment=""):
    """Move a commitment to another status; the history keeps when, who, from → to and why."""
    if to_status not in Commitment.Status.values:
        raise ValidationError({"status": "Statut inconnu."})
    if to_status == commitment.status:
        raise ValidationError({"status": "L'engagement a déjà ce statut."})
    if to_status == Commitment.Status.DROPPED and not comment.strip():
        raise ValidationError({"comment": "Dites pourquoi l'engagement est abandonné."})
    previous = commitment.status
    commitment.status = to_status
    commitment.save(update_fields=["status"])
    change = StatusChange.objects.create(
        commitment=commitment, actor=_user(actor), from_status=previous, to_status=to_status, comment=comment
    )
    audit.record(actor, "statut d'engagement changé", commitment, {"statut": [previous, to_status]})
    return change


@transaction.atomic
def add_indicator(actor, commitment, *, label, unit, target, baseline=None, summable=True):
    if target is None or target == "":
        raise ValidationError({"target": "La cible de l'indicateur est obligatoire."})
    indicator = Indicator(
        commitment=commitment,
        label=label,
        unit=unit,
        target=_decimal(target, "target"),
        baseline=None if baseline in (None, "") else _decimal(baseline, "baseline"),
        summable=summable,
    )
    indicator.full_clean()
    indicator.save()
    audit.record(actor, "indicateur ajouté", commitment, {"indicateur": label})
    return indicator


@transaction.atomic
def record_measurement(actor, indicator, *, measured_on, value, comment=""):
    """Record (or correct) the value measured at a date: one value per indicator and date."""
    value = _decimal(value, "value")
    measurement, created = Measurement.objects.update_or_create(
        indicator=indicator,
        measured_on=measured_on,
        defaults={"value": value, "comment": comment, "recorded_by": _user(actor)},
    )
    audit.record(
        actor,
        "valeur mesurée enregistrée" if created else "valeur mesurée corrigée",
        indicator.commitment,
        {"indicateur": indicator.label, "date": measured_on.isoformat(), "valeur": str(value)},
    )
    return measurement


@transaction.atomic
def add_evidence(actor, commitment, *, title, uploaded):
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": "Le fichier dépasse 10 Mo."})
    problem = filetypes.archive_problem(uploaded, f"Le fichier « {uploaded.name} »")
    if problem:  # zip bomb or linked workbook: the one upload rule of core.filetypes
        raise ValidationError({"file": problem})
    ctype = _sniff(uploaded, uploaded.name)
    if ctype is None:
        raise ValidationError(
            {"file": "Type de fichier refusé : seuls les PDF, PNG, JPEG et documents bureautiques sont acceptés."}
        )
    evidence = Evidence.objects.create(
        commitment=commitment,
        title=title,
        file=uploaded,
        content_type=ctype,
        size=uploaded.size,
        uploaded_by=_user(actor),
    )
    audit.record(actor, "pièce justificative ajoutée", commitment, {"titre": title})
    return evidence


def _decimal(value, field_name):
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        raise ValidationError({field_name: "La valeur doit être un nombre (ex. 12 ou 12,5)."}) from None


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---- Funded posts (adultes-relais, FONJEP) ----


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)

    def lines(self):
        yield f"{self.created} poste(s) créé(s), {self.updated} mis à jour, {len(self.rejected)} rejeté(s)."
        for where, reason in self.rejected[:50]:
            yield f"  {where} : {reason}"


def guess_programme(name):
    return FundedPost.Programme.FONJEP if "fonjep" in name.lower() else FundedPost.Programme.ADULTES_RELAIS


def read_posts_file(path):
    """The ANCT Ci.Ville export: a JSON list of posts (optionally gzip-compressed)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Fichier illisible : ce n'est pas un JSON valide ({exc}).") from None
    if not isinstance(data, list):
        raise ValueError("Fichier inattendu : une liste de postes est attendue.")
    return data


@transaction.atomic
def import_posts(rows, programme):
    """Import the funded posts of the ANCT (Ci.Ville, politique de la ville subsidy data, LO 2.0).

    Idempotent on (programme, n° de poste, année, contrat de ville, occurrence). A post shared by two
    contracts appears once per contract, as in the source. Rows without post number, contract code or
    a numeric amount are rejected with the reason.
    """
    report = ImportReport()
    existing = {p.key: p for p in FundedPost.objects.filter(programme=programme)}
    seen = {}
    to_create, to_update = [], []
    for number, row in enumerate(rows, start=1):
        try:
            post = _post_from_row(row, programme)
        except ValueError as exc:
            report.rejected.append((f"ligne {number}", str(exc)))
            continue
        base = (post.post_id, post.year, post.code_cv)
        seen[base] = post.occurrence = seen.get(base, 0) + 1
        known = existing.get(post.key)
        if known:
            post.pk = known.pk
            to_update.append(post)
        else:
            to_create.append(post)
    FundedPost.objects.bulk_create(to_create, batch_size=500)
    FundedPost.objects.bulk_update(
        to_update, ["structure", "structure_siret", "amount", "departement_code"], batch_size=500
    )
    report.created, report.updated = len(to_create), len(to_update)
    audit.record(None, f"import des postes {programme}", None, {"créés": report.created, "mis à jour": report.updated})
    return report


def _post_from_row(row, programme):
    if not isinstance(row, dict):
        raise ValueError("ligne illisible")
    post_id = str(row.get("id_poste") or "").strip()
    code_cv = str(row.get("code_cv") or "").strip()
    if not post_id:
        raise ValueError("n° de poste manquant")
    if not code_cv:
        raise ValueError(f"poste {post_id} sans code de contrat de ville")
    try:
        amount = Decimal(str(row.get("montant")).replace(",", "."))
        year = int(row.get("annee"))
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"poste {post_id} : montant ou année non numérique") from None
    return FundedPost(
        programme=programme,
        post_id=post_id,
        year=year,
        amount=amount,
        code_cv=code_cv[:12],
        structure=str(row.get("raison_sociale") or "").strip()[:300] or "(structure non renseignée)",
        structure_siret=str(row.get("code_tiers") or "").strip()[:14],
        departement_code=str(row.get("insee_dep") or "")[:3],
    )


def posts_by_structure(code_cv):
    """Funded posts of a contract, summed per structure and programme."""
    from django.db.models import Count, Sum

    return list(
        FundedPost.objects.filter(code_cv=code_cv)
        .values("programme", "structure")
        .annotate(posts=Count("id"), total=Sum("amount"))
        .order_by("programme", "structure")
    )


# ---- Contract structure and revisions ----


@transaction.atomic
def create_amendment(actor, contract, *, kind, title, signed_on=None, changes="", signatories=()):
    """An avenant (PERR 2019, prolongation, other) with its signatories and what it changes."""
    from .models import Amendment

    amendment = Amendment(contract=contract, kind=kind, title=title, signed_on=signed_on, changes=changes)
    amendment.full_clean()
    amendment.save()
    amendment.signatories.set(signatories)
    audit.record(actor, "avenant enregistré", contract, {"avenant": title, "type": kind})
    return amendment


@transaction.atomic
def add_signatory(actor, contract, *, organisation, signed_on=None, role=""):
    from .models import Signatory

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
    from .models import Contract

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
    from .models import Contract, Pillar

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
