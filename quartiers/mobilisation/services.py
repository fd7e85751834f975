"""Services of the national mobilisation: regional consolidation and PAQTE summaries (reads), PAQTE companies
(writes: one transaction, permission-checked by the service itself, audited)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from quartiers.contracts import hooks as contract_hooks
from quartiers.core import audit
from quartiers.core.permissions import authorize

from .models import Measure


@dataclass
class Cell:
    statuses: list = field(default_factory=list)
    value: Decimal | None = None
    unit: str = ""
    summable: bool = True

    @property
    def status_label(self):
        labels = contract_hooks.STATUS_LABELS
        return ", ".join(labels[s] for s in sorted(set(self.statuses)))


def latest_value(indicator):
    latest = indicator.latest
    return latest.value if latest else None


def consolidation(contracts, measures=None):
    """One row per contract, one column per measure: roll-out status and the measure's indicator.

    A column total exists only when the measure's indicator is summable, and every value in it comes
    from an indicator marked summable (a rate cannot be added across territories).
    Three queries whatever the number of contracts.
    """
    measures = list(measures if measures is not None else Measure.objects.all())
    contracts = list(contracts.select_related("reference", "departement"))
    rollouts = (
        # Only roll-outs: a PAQTE company's own commitments (stages, hires…) are not the measure's indicator.
        contract_hooks.commitments()
        .filter(contract__in=contracts, measure__in=measures, kind=contract_hooks.KIND_ROLLOUT)
        .only("id", "contract_id", "measure_id", "status")
    )
    rollouts = contract_hooks.with_measurements(rollouts)
    cells = defaultdict(Cell)
    for commitment in rollouts:
        cell = cells[(commitment.contract_id, commitment.measure_id)]
        cell.statuses.append(commitment.status)
        for indicator in commitment.indicators.all()[:1]:
            value = latest_value(indicator)
            cell.unit = indicator.unit
            cell.summable = cell.summable and indicator.summable
            if value is not None:
                # Several roll-outs of one measure in one contract add up only when the indicator allows it.
                cell.value = (cell.value or 0) + value if cell.summable else value
    rows = [(contract, [cells.get((contract.pk, m.pk)) for m in measures]) for contract in contracts]
    posts = funded_posts_by_contract([c.code for c in contracts if c.code])
    totals = []
    for index, measure in enumerate(measures):
        column = [row_cells[index] for _c, row_cells in rows if row_cells[index] is not None]
        summable = measure.summable and all(c.summable for c in column)
        values = [c.value for c in column if c.value is not None]
        totals.append(sum(values, Decimal(0)) if summable and values else None)
    programmes = ("adultes_relais", "fonjep")
    post_rows = [{p: posts.get(contract.code, {}).get(p, 0) for p in programmes} for contract in contracts]
    post_totals = {p: sum(r[p] for r in post_rows) for p in programmes}
    return {
        "measures": measures,
        "rows": rows,
        "totals": totals,
        "columns": list(zip(measures, totals, strict=True)),
        "lines": [(contract, row_cells, post_rows[i]) for i, (contract, row_cells) in enumerate(rows)],
        "post_totals": post_totals,
    }


def funded_posts_by_contract(codes):
    """Funded posts of 2025 (ANCT data) per contract code and programme: one query."""
    result = defaultdict(dict)
    for row in (
        contract_hooks.funded_posts().filter(code_cv__in=codes).values("code_cv", "programme").annotate(n=Count("id"))
    ):
        result[row["code_cv"]][row["programme"]] = row["n"]
    return result


def consolidation_table(contracts, measures=None):
    """The consolidation as flat rows for the CSV/XLSX export."""
    data = consolidation(contracts, measures)
    columns = [
        ("Code", lambda r: r[0].code),
        ("Contrat de ville", lambda r: r[0].name),
        ("Génération", lambda r: r[0].get_generation_display()),
    ]
    for index, measure in enumerate(data["measures"]):
        columns.append((f"{measure.title} — statut", _cell_accessor(index, "status_label")))
        columns.append((f"{measure.title} — {measure.indicator_unit}", _cell_accessor(index, "value")))
    columns.append(("Postes adultes-relais financés 2025 (ANCT)", lambda r: r[2]["adultes_relais"]))
    columns.append(("Postes FONJEP financés 2025 (ANCT)", lambda r: r[2]["fonjep"]))
    return data["lines"], columns


def _cell_accessor(index, attribute):
    def accessor(line):
        cell = line[1][index]
        return getattr(cell, attribute) if cell is not None else ""

    return accessor


def paqte_axes(commitments):
    """PAQTE commitments grouped by axis, with the latest values summed per unit where summable."""
    axes = {
        value: {"label": label, "commitments": [], "totals": defaultdict(Decimal)}
        for value, label in contract_hooks.PAQTE_AXES
    }
    for commitment in commitments:
        if commitment.paqte_axis not in axes:
            continue
        axis = axes[commitment.paqte_axis]
        axis["commitments"].append(commitment)
        for indicator in commitment.indicators.all():
            value = latest_value(indicator)
            if indicator.summable and value is not None:
                axis["totals"][indicator.unit] += value
    for axis in axes.values():
        axis["totals"] = dict(axis["totals"])
    return axes


def contracts_for_consolidation(user, region=None):
    contracts = contract_hooks.contracts().visible_to(user)
    return contracts.for_region(region) if region else contracts


@transaction.atomic
def register_company(actor, *, name, commune, sector="", headcount="", siret="", joined_on=None):
    """A company joins the PAQTE: its organisation (kind « entreprise ») and its PAQTE record."""
    _check(actor, "change", commune)  # a chef de projet of the company's commune
    from quartiers.accounts.models import Organisation

    from .models import Company

    organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
    if organisation is not None and organisation.kind != Organisation.Kind.ENTREPRISE:
        raise ValidationError({"name": "Une organisation de ce nom existe déjà et n'est pas une entreprise."})
    if organisation is not None and Company.objects.filter(organisation=organisation).exists():
        raise ValidationError({"name": "Cette entreprise est déjà enregistrée au PAQTE."})
    if organisation is None:
        organisation = Organisation.objects.create(name=name.strip(), kind=Organisation.Kind.ENTREPRISE, siret=siret)
    company = Company.objects.create(
        organisation=organisation, commune=commune, sector=sector, headcount=headcount, joined_on=joined_on
    )
    audit.record(actor, "entreprise enregistrée au PAQTE", company, {"commune": commune.insee})
    return company


PROFILE_FIELDS = ("sector", "headcount", "commune", "joined_on")


@transaction.atomic
def update_company(actor, company, *, siret="", **fields):
    """Edit a PAQTE company's profile; the audit trail keeps each field's before → after."""
    _check(actor, "change", company)
    _check(actor, "change", company.moved_to(fields["commune"]))  # and where it moves
    changes = {}
    for name in PROFILE_FIELDS:
        before, after = getattr(company, name), fields[name]
        if before != after:
            changes[name] = ["" if before is None else str(before), "" if after is None else str(after)]
            setattr(company, name, after)
    company.full_clean()
    company.save()
    organisation = company.organisation
    if (organisation.siret or "") != siret:
        changes["siret"] = [organisation.siret or "", siret]
        organisation.siret = siret
        organisation.save(update_fields=["siret"])
    if changes:
        audit.record(actor, "profil d'entreprise PAQTE modifié", company, changes)
    return changes


def _check(actor, verb, obj):
    # The view asked first; the service does not rely on it. actor=None: the platform (demo, imports).
    if actor is not None:
        authorize(actor, verb, obj)
