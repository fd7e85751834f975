"""Columns of the programming's lists when exported (CSV for French Excel, XLSX: `core.exports`, cells neutralised).

Each list page offers « Exporter : CSV · XLSX » with its current filters; the rows are the ones the page shows
(the same queryset, already filtered by the policy)."""

from decimal import Decimal


def _qpvs(application):
    return ", ".join(q.nom for q in application.qpvs.all())


INSTRUCTION_COLUMNS = [
    ("Action", "title"),
    ("Porteur", lambda a: a.carrier.name),
    ("SIRET du porteur", lambda a: a.carrier.siret),
    ("Quartiers", _qpvs),
    ("Statut", lambda a: a.get_status_display()),
    ("Demandé aux financeurs de l'appel (€)", lambda a: a.requested or Decimal("0")),
]

CARRIER_COLUMNS = [
    ("Structure", lambda row: row["carrier"].name),
    ("Nature", lambda row: row["carrier"].get_kind_display()),
    ("SIRET", lambda row: row["carrier"].siret),
    ("RNA", lambda row: row["carrier"].rna),
    ("Dossiers visibles", lambda row: row["dossiers"]),
]


def _application(payment):
    return payment[0].convention.funding.application


PAYMENT_COLUMNS = [
    ("Échéance", lambda row: row[0].due_on),
    ("En retard", lambda row: "oui" if row[1] else "non"),
    ("Dossier", lambda row: _application(row).title),
    ("Porteur", lambda row: _application(row).carrier.name),
    ("Financeur", lambda row: str(row[0].convention.funding.call_financer.organisation)),
    ("Versement", lambda row: row[0].get_kind_display()),
    ("Montant (€)", lambda row: row[0].amount),
]
