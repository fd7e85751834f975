"""Import of an existing programming: the spreadsheet of past calls for projects that every territory keeps.

Source: the programming tables the services of the State and the intercommunalities produce (one row per funded
action: year, carrier, SIRET, title, status, one column of granted amount per financer), as CSV (CP1252 or UTF-8
with BOM, `;`, decimal commas, dates jj/mm/aaaa, title rows above the header) or XLSX, read by
`core.tabular.read_table`. The file's columns are mapped to our fields by the user (`Mapping`).

Into one contract: the call of each row's year (created when the contract has none that year), the carrier (found by
SIRET, else by name; created otherwise), the dossier (natural key: call + carrier + title, so a re-import updates),
its status, and per financer column a `CallFinancer` and a `Funding` with the granted amount. The file knows only
what was granted: the dossier's class-74 line for that financer (what it asked) is set to the same amount, so the
model's rule « granted ≤ requested » holds. A convention is recorded when the file gives its date.

Atomic: by default a single rejected row writes nothing (the report says what would have been done); with
`valid_only=True` the valid rows are written and the rejected ones listed. `dry_run=True` is the preview.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from quartiers.accounts.models import Organisation
from quartiers.core import audit
from quartiers.core.permissions import authorize
from quartiers.core.tabular import SecretValue, TabularError, parse_date, parse_decimal, read_table

from .identifiers import compact_siret
from .models import Application, BudgetLine, Call, CallFinancer, Carrier, Convention, Funding
from .workflow import Status

# Our fields: (key, label, required). The financers' amount columns are mapped separately.
FIELDS = (
    ("annee", "Année de l'appel", False),
    ("porteur", "Porteur (nom de la structure)", True),
    ("siret", "SIRET du porteur", False),
    ("rna", "Numéro RNA", False),
    ("nature_porteur", "Nature du porteur", False),
    ("intitule", "Intitulé de l'action", True),
    ("description", "Description", False),
    ("statut", "Statut du dossier", False),
    ("debut", "Début de l'action", False),
    ("fin", "Fin de l'action", False),
    ("date_convention", "Date de la convention", False),
    ("reference_decision", "Référence de la décision", False),
)
FIELD_LABELS = {key: label for key, label, _ in FIELDS}
# Headers as the files spell them, folded (accents, case, punctuation), for the first guess of the mapping.
GUESSES = {
    "annee": ("annee", "annee de programmation", "exercice", "annee de l'appel"),
    "porteur": ("porteur", "structure", "nom du porteur", "nom de la structure", "beneficiaire", "organisme"),
    "siret": ("siret", "siret du porteur", "n siret"),
    "rna": ("rna", "numero rna", "n rna"),
    "nature_porteur": ("nature du porteur", "type de structure", "statut juridique"),
    "intitule": ("intitule", "action", "intitule de l'action", "titre de l'action", "nom de l'action", "projet"),
    "description": ("description", "objet", "objectifs"),
    "statut": ("statut", "etat", "decision", "statut du dossier"),
    "debut": ("debut", "date de debut", "debut de l'action"),
    "fin": ("fin", "date de fin", "fin de l'action"),
    "date_convention": ("date de la convention", "date convention", "convention"),
    "reference_decision": ("reference de la decision", "reference decision", "deliberation", "n arrete"),
}
STATUSES = {
    "solde": Status.CLOSED,
    "accepte": Status.ACCEPTED,
    "decide accepte": Status.ACCEPTED,
    "conventionne": Status.AGREED,
    "paye": Status.PAID,
    "bilan depose": Status.REPORTED,
    "refuse": Status.REFUSED,
    "decide refuse": Status.REFUSED,
    "ajourne": Status.POSTPONED,
}
MAX_AMOUNT = Decimal("10000000000")  # the amounts' columns hold 12 digits, 2 of them decimals
DEFAULT_STATUS = Status.CLOSED  # a past programming: its actions are closed unless the file says otherwise


def fold(text):
    """« Intitulé de l'Action » → « intitule de l'action »: the key headers and statuses are compared on."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    text = text.replace("°", " ").replace("’", "'").replace("_", " ").replace(".", " ")
    return " ".join(text.replace(":", " ").split())


KINDS = {fold(label): value for value, label in Carrier.Kind.choices} | {
    fold(value): value for value, _ in Carrier.Kind.choices
}


class ImportFileError(Exception):
    """The file cannot be read or the mapping is unusable; the message is in French."""


@dataclass
class Mapping:
    """Which column of the file holds each of our fields, and which holds each financer's granted amount."""

    columns: dict = field(default_factory=dict)  # our field key -> header of the file
    financers: dict = field(default_factory=dict)  # Organisation pk -> header of the file
    default_year: int | None = None

    def problems(self, headers):
        out = []
        for key, label, required in FIELDS:
            column = self.columns.get(key)
            if required and not column:
                out.append(f"Choisissez la colonne du champ « {label} ».")
            elif column and column not in headers:
                out.append(f"La colonne « {column} » ({label}) n'existe pas dans le fichier.")
        if not self.columns.get("annee") and not self.default_year:
            out.append("Choisissez la colonne de l'année, ou indiquez l'année de toute la programmation.")
        if not self.financers:
            out.append("Associez au moins une colonne de montant accordé à un financeur.")
        out += [
            f"La colonne « {c} » (financeur) n'existe pas dans le fichier."
            for c in self.financers.values()
            if c not in headers
        ]
        return out


def guess_mapping(headers):
    """A first mapping from the headers' usual names (the user corrects it on the preview)."""
    folded = {fold(h): h for h in headers}
    columns = {}
    for key, names in GUESSES.items():
        for name in names:
            if name in folded and folded[name] not in columns.values():
                columns[key] = folded[name]
                break
    return Mapping(columns=columns)


@dataclass
class RowResult:
    line: int
    outcome: str  # "créée", "mise à jour", "rejetée"
    label: str
    reason: str = ""
    values: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    valid_only: bool = False

    def count(self, outcome):
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def created(self):
        return self.count(CREATED)

    @property
    def updated(self):
        return self.count(UPDATED)

    @property
    def rejected(self):
        return [r for r in self.rows if r.outcome == REJECTED]

    def summary(self):
        head = f"{self.created} dossier(s) créé(s), {self.updated} mis à jour, {len(self.rejected)} ligne(s) rejetée(s)"
        if self.dry_run:
            return f"Aperçu, rien n'est écrit : {head}."
        if not self.written:
            return f"Rien n'a été importé : {head}. Corrigez le fichier, ou choisissez « importer les lignes valides »."
        return f"Import terminé : {head}."


CREATED, UPDATED, REJECTED = "créée", "mise à jour", "rejetée"


def read(source, filename=""):
    try:
        return read_table(source, filename=filename)
    except TabularError as error:
        raise ImportFileError(str(error)) from None


def import_programming(contract, source, mapping, actor=None, filename="", valid_only=False, dry_run=False):
    """Import the file into `contract`; returns an ImportReport. `actor` None: the command line (no policy)."""
    table = read(source, filename)
    problems = mapping.problems(table.headers)
    if problems:
        raise ImportFileError(" ".join(problems))
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=mapping.financers)}
    if len(organisations) != len(mapping.financers):
        raise ImportFileError("Un financeur choisi n'existe pas.")
    report = ImportReport(notes=table.notes(), dry_run=dry_run, valid_only=valid_only)
    with transaction.atomic():
        importer = _Importer(contract, mapping, organisations, actor)
        for line, values, ragged in table.rows():
            report.rows.append(importer.run(line, values, ragged))
        keep = not dry_run and (valid_only or not report.rejected)
        if not keep:
            transaction.set_rollback(True)
        elif actor is not None or report.created or report.updated:
            audit.record(
                actor, "import d'une programmation", contract, {"fichier": filename, "lignes": len(report.rows)}
            )
    report.written = keep
    return report


class _Importer:
    def __init__(self, contract, mapping, organisations, actor):
        self.contract, self.mapping, self.organisations, self.actor = contract, mapping, organisations, actor
        self.calls, self.seen = {}, {}

    def value(self, values, key):
        column = self.mapping.columns.get(key)
        return (values.get(column) or "").strip() if column else ""

    def run(self, line, values, ragged):
        label = self.value(values, "intitule") or f"ligne {line}"
        try:
            if ragged:
                raise ValidationError("La ligne compte plus de cellules que d'en-têtes (séparateur dans un texte ?).")
            with transaction.atomic():
                outcome = self._apply(line, values)
        except ValidationError as error:
            return RowResult(line, REJECTED, label, " ".join(_messages(error)), values)
        return RowResult(line, outcome, label, "", values)

    def _apply(self, line, values):
        year = self._year(values)
        amounts = self._amounts(values)
        status = self._status(values)
        title = self.value(values, "intitule")[:200]
        if not title:
            raise ValidationError("L'intitulé de l'action est vide.")
        call = self._call(year)
        carrier = self._carrier(values)
        key = (call.pk, carrier.pk, fold(title))
        if key in self.seen:
            raise ValidationError(f"Même appel, même porteur et même intitulé que la ligne {self.seen[key]}.")
        self.seen[key] = line
        application = Application.objects.filter(call=call, carrier=carrier, title__iexact=title).first()
        outcome = UPDATED if application else CREATED
        application = application or Application(call=call, carrier=carrier, title=title, created_by=self.actor)
        self._fill(application, values, status)
        for organisation_id, amount in amounts.items():
            self._funding(application, call, organisation_id, amount, values)
        return outcome

    def _year(self, values):
        raw = self.value(values, "annee")
        if not raw:
            if self.mapping.default_year:
                return self.mapping.default_year
            raise ValidationError("L'année est vide.")
        try:
            year = int(Decimal(raw.replace(",", ".")))
        except (ArithmeticError, ValueError):
            raise ValidationError(f"« {raw} » n'est pas une année.") from None
        if not 2000 <= year <= 2100:
            raise ValidationError(f"« {raw} » n'est pas une année plausible (2000 à 2100).")
        return year

    def _amounts(self, values):
        amounts = {}
        for organisation_id, column in self.mapping.financers.items():
            raw = (values.get(column) or "").replace("€", "").strip()
            try:
                amount = parse_decimal(raw)
            except (ValueError, ArithmeticError) as error:
                raise ValidationError(f"Colonne « {column} » : {error}") from None
            except SecretValue:  # a secret marker (« s », « nd ») is not an amount either
                raise ValidationError(f"Colonne « {column} » : « {raw} » n'est pas un montant.") from None
            if amount is not None and amount < 0:
                raise ValidationError(f"Colonne « {column} » : un montant accordé ne peut pas être négatif.")
            if amount is not None and amount >= MAX_AMOUNT:
                raise ValidationError(f"Colonne « {column} » : « {raw} » dépasse le montant le plus grand admis.")
            if amount is not None and amount != amount.quantize(Decimal("0.01")):
                raise ValidationError(f"Colonne « {column} » : « {raw} » a plus de deux décimales.")
            if amount is not None:
                amounts[organisation_id] = amount
        return amounts

    def _status(self, values):
        raw = self.value(values, "statut")
        if not raw:
            return DEFAULT_STATUS
        status = STATUSES.get(fold(raw))
        if status is None:
            known = ", ".join(sorted({label for _, label in Status.choices if _ in STATUSES.values()}))
            raise ValidationError(f"Statut inconnu : « {raw} » (attendu : {known}).")
        return status

    def _call(self, year):
        if year in self.calls:
            return self.calls[year]
        calls = list(Call.objects.filter(contract=self.contract, year=year)[:2])
        if len(calls) > 1:
            raise ValidationError(f"Le contrat a plusieurs appels à projets en {year} : importez-les séparément.")
        if calls:
            call = calls[0]
            self._authorize("change", call)
        else:
            call = Call(
                contract=self.contract,
                year=year,
                title=f"Programmation {year}",
                rules="Appel créé par l'import d'une programmation existante : dates inconnues (l'année civile).",
                opens_on=dt.date(year, 1, 1),
                closes_on=dt.date(year, 12, 31),
            )
            self._authorize("create", call)
            call.full_clean()
            call.save()
            audit.record(self.actor, "appel à projets créé par import", call)
        self.calls[year] = call
        return call

    def _authorize(self, verb, obj):
        if self.actor is not None:
            try:
                authorize(self.actor, verb, obj)
            except PermissionDenied:
                raise ValidationError(f"Vous ne pouvez pas importer dans « {obj} ».") from None

    def _carrier(self, values):
        name = self.value(values, "porteur")[:200]
        siret = compact_siret(self.value(values, "siret"))
        if not name:
            raise ValidationError("Le nom du porteur est vide.")
        carrier = None
        if siret:
            carrier = Carrier.objects.filter(siret=siret).first()
        if carrier is None:
            carrier = Carrier.objects.filter(name__iexact=name).first()
        if carrier is not None:
            return carrier
        kind_raw = self.value(values, "nature_porteur")
        kind = KINDS.get(fold(kind_raw)) if kind_raw else Carrier.Kind.ASSOCIATION
        if kind is None:
            raise ValidationError(f"Nature du porteur inconnue : « {kind_raw} ».")
        rna = self.value(values, "rna")
        carrier = Carrier(name=name, kind=kind, siret=siret, rna=rna)
        carrier.full_clean()
        carrier.save()
        audit.record(self.actor, "porteur créé par import", carrier)
        return carrier

    def _fill(self, application, values, status):
        application.status = status
        description = self.value(values, "description")
        if description:
            application.description = description
        for key, attr in (("debut", "starts_on"), ("fin", "ends_on")):
            day = self._date(values, key)
            if day:
                setattr(application, attr, day)
        application.full_clean(exclude=["created_by", "renewal_of"])
        creating = application.pk is None
        application.save()
        audit.record(
            self.actor, "dossier créé par import" if creating else "dossier mis à jour par import", application
        )

    def _date(self, values, key):
        try:
            return parse_date(self.value(values, key))
        except ValueError as error:
            raise ValidationError(f"{FIELD_LABELS[key]} : {error}") from None

    def _funding(self, application, call, organisation_id, amount, values):
        financer, _ = CallFinancer.objects.get_or_create(call=call, organisation=self.organisations[organisation_id])
        line = BudgetLine.objects.filter(application=application, account_class="74", call_financer=financer).first()
        line = line or BudgetLine(application=application, side=BudgetLine.Side.INCOME, account_class="74")
        line.call_financer, line.amount = financer, amount
        line.label = line.label or "Montant accordé (import)"
        line.financer = line.financer or BudgetLine.Financer.OTHER
        line.save()
        funding, _ = Funding.objects.update_or_create(
            application=application, call_financer=financer, defaults={"granted_amount": amount}
        )
        signed_on = self._date(values, "date_convention")
        if signed_on and amount > 0:
            Convention.objects.update_or_create(
                funding=funding,
                defaults={"signed_on": signed_on, "decision_reference": self.value(values, "reference_decision")[:100]},
            )


def _messages(error):
    if hasattr(error, "message_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return error.messages


REJECTED_COLUMNS = [("Ligne", "line"), ("Intitulé", "label"), ("Motif du rejet", "reason")]


def mapping_from_specs(source, columns=(), financers=(), default_year=None, filename=""):
    """The command line's mapping: guessed from the headers, then « champ=En-tête » and « Organisation=En-tête »
    pairs applied (an organisation named exactly as in Quartiers)."""
    headers = read(source, filename).headers
    mapping = guess_mapping(headers)
    mapping.default_year = default_year
    for spec in columns:
        key, _, column = spec.partition("=")
        if key.strip() not in FIELD_LABELS:
            raise ImportFileError(f"Champ inconnu : « {key} » (champs : {', '.join(FIELD_LABELS)}).")
        mapping.columns[key.strip()] = column.strip()
    for spec in financers:
        name, _, column = spec.rpartition("=")
        organisation = Organisation.objects.filter(name__iexact=name.strip()).first()
        if organisation is None:
            raise ImportFileError(f"Financeur inconnu : « {name.strip()} » (nom exact de l'organisation).")
        mapping.financers[organisation.pk] = column.strip()
    return mapping
