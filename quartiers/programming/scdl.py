"""The granted subsidies as open data, in the national SCDL « subventions » schema, version 2.1.1.

Source of the format: the OpenDataFrance Table Schema `scdl/subventions` 2.1.1 (2023-09-28), published on
schema.data.gouv.fr; legal basis: décret n° 2017-779 du 5 mai 2017 and arrêté du 17 novembre 2017 (données
essentielles des conventions de subvention). One file per financer (« attribuant ») and year of call, in the
schema's CSV dialect: UTF-8 without BOM, comma separator, decimal point, dates AAAA-MM-JJ.

A subsidy is a `Funding` with a granted amount and a signed `Convention`. Who may publish it: whoever may change
the funding in the programming's policy (rules.py) — the instructors of its call and the members of that financer
who act for it. A subsidy that cannot be published honestly is listed with the reason, never written half-filled:
a financer without a SIRET (the schema requires the attribuant's 14-digit SIRET, a SIREN is not enough), a carrier
without a SIRET for an aid in cash (the schema lets only an association receiving an aid in kind be identified by its
RNA number alone), a payment period that nothing records.
"""

import csv
import io
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from quartiers.core.exports import neutralise

from .identifiers import validate_siret
from .models import Convention, Funding

SCHEMA_VERSION = "2.1.1"
FIELDS = (
    "nomAttribuant",
    "idAttribuant",
    "dateConvention",
    "referenceDecision",
    "nomBeneficiaire",
    "idBeneficiaire",
    "rnaBeneficiaire",
    "objet",
    "montant",
    "nature",
    "conditionsVersement",
    "datesPeriodeVersement",
    "idRAE",
    "notificationUE",
    "pourcentageSubvention",
    "dispositifAide",
)
NATURE = {Convention.Nature.CASH: "aide en numéraire", Convention.Nature.IN_KIND: "aide en nature"}
TERMS = {Convention.Terms.SINGLE: "unique", Convention.Terms.STAGED: "échelonné"}
MAX_OBJECT = 256


def subsidies(user):
    """The granted subsidies with a convention that `user` may publish, with what a row needs (constant queries)."""
    return (
        Funding.objects.editable_by(user)
        .filter(granted_amount__gt=0, convention__isnull=False)
        .select_related("convention", "call_financer__organisation", "call_financer__call", "application__carrier")
        .prefetch_related("convention__payments")
        .order_by("call_financer__organisation__name", "-call_financer__call__year", "application__title", "pk")
    )


@dataclass
class Publication:
    """One file: a financer's subsidies of one year, and those of them that cannot be published."""

    organisation: object
    year: int
    rows: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (funding, reason)

    @property
    def total(self):
        return sum((Decimal(r["montant"]) for r in self.rows), Decimal("0"))

    @property
    def filename(self):
        siret = self.organisation.siret or f"organisation-{self.organisation.pk}"
        return f"subventions-{siret}-{self.year}.csv"


def publications(user):
    """[Publication] per financer and year, in the order of the page."""
    found = OrderedDict()
    for funding in subsidies(user):
        organisation = funding.call_financer.organisation
        key = (organisation.pk, funding.call_financer.call.year)
        publication = found.setdefault(key, Publication(organisation, key[1]))
        try:
            publication.rows.append(row(funding))
        except ValidationError as error:
            publication.refused.append((funding, error.messages[0]))
    return list(found.values())


def publication(user, organisation_id, year):
    """The one publication of this financer and year that `user` may see, or None."""
    for candidate in publications(user):
        if candidate.organisation.pk == organisation_id and candidate.year == year:
            return candidate
    return None


def row(funding):
    """The SCDL row of one subsidy, or a French ValidationError saying why it cannot be published."""
    convention = funding.convention
    organisation = funding.call_financer.organisation
    carrier = funding.application.carrier
    _check_siret(organisation.siret, f"Le financeur « {organisation.name} »")
    nature = NATURE.get(convention.nature, NATURE[Convention.Nature.CASH])
    if carrier.siret:
        _check_siret(carrier.siret, f"Le porteur « {carrier.name} »")
    elif not (carrier.rna and convention.nature == Convention.Nature.IN_KIND):
        raise ValidationError(
            f"Le porteur « {carrier.name} » n'a pas de SIRET : le SCDL l'exige, sauf pour une aide en nature à une "
            "association identifiée par son numéro RNA."
        )
    return {
        "nomAttribuant": neutralise(organisation.name),
        "idAttribuant": organisation.siret,
        "dateConvention": convention.signed_on.isoformat(),
        "referenceDecision": neutralise(convention.decision_reference),
        "nomBeneficiaire": neutralise(carrier.name),
        "idBeneficiaire": carrier.siret,
        "rnaBeneficiaire": carrier.rna,
        "objet": neutralise(_object(funding.application.title)),
        "montant": f"{funding.granted_amount:.2f}",
        "nature": nature,
        "conditionsVersement": TERMS.get(convention.terms, "autre"),
        "datesPeriodeVersement": payment_period(funding),
        "idRAE": "",
        "notificationUE": "oui" if convention.eu_notified else "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }


def _check_siret(value, who):
    if not value:
        raise ValidationError(f"{who} n'a pas de SIRET : le SCDL exige le SIRET (14 chiffres) de l'attribuant.")
    if len(value) == 9:
        raise ValidationError(f"{who} n'a qu'un SIREN ({value}) : le SCDL exige le SIRET de l'établissement.")
    try:
        validate_siret(value)
    except ValidationError as error:
        raise ValidationError(f"{who} : {error.messages[0]}") from None


def _object(title):
    title = " ".join(title.split())
    return title if len(title) <= MAX_OBJECT else title[: MAX_OBJECT - 1] + "…"


def payment_period(funding):
    """AAAA-MM-JJ for a single payment whose date is known, else the period AAAA-MM-JJ/AAAA-MM-JJ: the payments'
    dates (made, else due), else the action's dates; none of them → a French ValidationError."""
    days = sorted(p.paid_on or p.due_on for p in funding.convention.payments.all())
    if not days:
        application = funding.application
        days = [d for d in (application.starts_on, application.ends_on) if d]
    if not days:
        raise ValidationError(
            "Ni échéancier de versement ni dates de l'action : la date ou période de versement, obligatoire, "
            "est inconnue."
        )
    if len(days) == 1 or days[0] == days[-1]:
        return days[0].isoformat()
    return f"{days[0].isoformat()}/{days[-1].isoformat()}"


def csv_text(rows):
    """The file, in the schema's dialect (RFC 4180: comma, double quotes, CRLF; UTF-8 without BOM)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def refusal_rows(found):
    """Every subsidy of the page with its state, for the export of the list (CSV / XLSX through core.exports)."""
    lines = []
    for item in found:
        for published in item.rows:
            lines.append(
                {
                    "financeur": item.organisation.name,
                    "annee": item.year,
                    "porteur": published["nomBeneficiaire"],
                    "objet": published["objet"],
                    "montant": Decimal(published["montant"]),
                    "etat": "publiable",
                    "motif": "",
                }
            )
        for funding, reason in item.refused:
            lines.append(
                {
                    "financeur": item.organisation.name,
                    "annee": item.year,
                    "porteur": funding.application.carrier.name,
                    "objet": funding.application.title,
                    "montant": funding.granted_amount,
                    "etat": "non publiable",
                    "motif": reason,
                }
            )
    return lines


LIST_COLUMNS = [
    ("Financeur", "financeur"),
    ("Année", "annee"),
    ("Porteur", "porteur"),
    ("Objet", "objet"),
    ("Montant accordé (€)", "montant"),
    ("État", "etat"),
    ("Motif", "motif"),
]
