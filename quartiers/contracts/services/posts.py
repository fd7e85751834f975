"""The funded adulte-relais and FONJEP posts (ANCT, Ci.Ville, Licence Ouverte 2.0): import and sums."""

import gzip
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Sum

from quartiers.core import audit

from .. import fragments
from ..models import Contract, FundedPost


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
    fragments.touch(Contract.objects.all())  # the contract pages show the posts; a bulk write sends no signal
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
    return list(
        FundedPost.objects.filter(code_cv=code_cv)
        .values("programme", "structure")
        .annotate(posts=Count("id"), total=Sum("amount"))
        .order_by("programme", "structure")
    )
