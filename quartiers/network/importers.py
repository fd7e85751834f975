"""Import of a network's members from the file a resource centre keeps (CSV or XLSX).

Source: the network's own contact list, usually an Excel sheet saved as CSV (CP1252 or UTF-8 with
BOM, `;` separator), with columns such as « Nom ; Prénom ; E-mail ; Organisation ; Fonction ;
Commune » or « Code INSEE ». Communes are matched against the territories reference data;
organisations by name (created when unknown, of type « Autre »).

The import is atomic and idempotent: a member is identified by their e-mail address within the
network, so importing the same file twice creates nothing the second time. Rows that cannot be
read are rejected with the reason in French; the others are written. A file that cannot be read at
all (empty, not a table, a required column missing) writes nothing.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from quartiers.accounts.models import Organisation
from quartiers.core import audit
from quartiers.core.tabular import TabularError, read_table
from quartiers.network.models import NetworkMember
from quartiers.network.services import check
from quartiers.territories.models import Commune

MAX_ROWS = 5000

# Normalised header (lower case, no accents, letters and digits only) -> field.
ALIASES = {
    "nom": "last_name",
    "nomdefamille": "last_name",
    "nomdusage": "last_name",
    "prenom": "first_name",
    "nomcomplet": "full_name",
    "nometprenom": "full_name",
    "prenometnom": "full_name",
    "prenomnom": "full_name",
    "nomprenom": "full_name",
    "email": "email",
    "mail": "email",
    "courriel": "email",
    "adressemail": "email",
    "adresseemail": "email",
    "adressecourriel": "email",
    "organisation": "organisation",
    "organisme": "organisation",
    "structure": "organisation",
    "employeur": "organisation",
    "fonction": "function",
    "poste": "function",
    "commune": "commune",
    "ville": "commune",
    "codeinsee": "insee",
    "insee": "insee",
    "codecommune": "insee",
    "inseecommune": "insee",
    "telephone": "phone",
    "tel": "phone",
    "portable": "phone",
}
LABELS = {"email": "e-mail (ou « courriel »)", "last_name": "nom (ou « nom complet »)"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (French message); nothing has been written."""


@dataclass
class ImportReport:
    dry_run: bool = False
    encoding: str = ""
    created: list = field(default_factory=list)  # (line, name)
    updated: list = field(default_factory=list)  # (line, name, changed fields)
    unchanged: list = field(default_factory=list)  # (line, name)
    rejected: list = field(default_factory=list)  # (line, reason)
    organisations_created: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # what the reader fixed: title rows skipped, NUL bytes dropped

    @property
    def total(self):
        return len(self.created) + len(self.updated) + len(self.unchanged) + len(self.rejected)

    def summary(self):
        verb = "seraient" if self.dry_run else "ont été"
        return (
            f"{self.total} ligne(s) lue(s) : {len(self.created)} membre(s) {verb} créé(s), "
            f"{len(self.updated)} mis à jour, {len(self.unchanged)} inchangé(s), {len(self.rejected)} rejetée(s)."
        )


def fold(text):
    """Lower case, no accents, letters and digits only: « E-mail » and « Adresse e-mail » become keys."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def map_headers(headers):
    """{field: header}; raises ImportFileError when a required column is missing."""
    mapping = {}
    for header in headers:
        name = ALIASES.get(fold(header))
        if name and name not in mapping:
            mapping[name] = header
    if "last_name" not in mapping and "full_name" in mapping:
        mapping["last_name"] = mapping.pop("full_name")
        mapping["_full"] = True
    missing = [LABELS[name] for name in ("last_name", "email") if name not in mapping]
    if missing:
        found = ", ".join(f"« {h} »" for h in headers if h) or "aucune"
        raise ImportFileError(f"Colonne manquante : {', '.join(missing)}. Colonnes trouvées : {found}.")
    return mapping


class _Resolver:
    """Communes and organisations looked up once per value, preferring the network's own territory."""

    def __init__(self, network):
        self.network = network
        self.organisations = {fold(o.name): o for o in Organisation.objects.all()}
        self.created_organisations = []
        self._local = None
        self._cache = {}

    def _local_communes(self):
        if self._local is None:
            departements = set(self.network.communes.values_list("departement_id", flat=True))
            departements |= set(self.network.epcis.values_list("communes__departement_id", flat=True))
            self._local = {}
            for commune in Commune.objects.filter(departement_id__in=departements - {None}):
                self._local.setdefault(fold(commune.nom), []).append(commune)
        return self._local

    def commune(self, insee, name):
        """(commune or None, reason or "")."""
        if insee:
            key = insee.strip().zfill(5) if insee.strip().isdigit() else insee.strip().upper()
            found = Commune.objects.filter(insee=key).first()
            return (found, "") if found else (None, f"code INSEE inconnu : « {insee.strip()} »")
        if not name:
            return None, ""
        if name not in self._cache:
            candidates = self._local_communes().get(fold(name)) or list(
                Commune.objects.filter(nom__iexact=name.strip())
            )
            self._cache[name] = candidates
        candidates = self._cache[name]
        if not candidates:
            return None, f"commune inconnue : « {name} » (indiquez son code INSEE)"
        if len(candidates) > 1:
            return None, f"plusieurs communes s'appellent « {name} » : indiquez le code INSEE"
        return candidates[0], ""

    def organisation(self, name):
        if not name:
            return None
        key = fold(name)
        if key not in self.organisations:
            self.organisations[key] = Organisation.objects.create(name=name[:200], kind=Organisation.Kind.AUTRE)
            self.created_organisations.append(name)
        return self.organisations[key]


def _read(source, filename):
    try:
        table = read_table(source, filename=filename)
    except TabularError as exc:
        raise ImportFileError(str(exc)) from None
    if len(table) > MAX_ROWS:
        raise ImportFileError(f"Le fichier compte {len(table)} lignes : la limite est de {MAX_ROWS} par import.")
    return table, map_headers(table.headers)


def _value(row, mapping, name):
    header = mapping.get(name)
    return " ".join((row.get(header) or "").split()) if header else ""


def _parse_row(row, mapping, resolver):
    """(values dict, None) or (None, French reason)."""
    last, first = _value(row, mapping, "last_name"), _value(row, mapping, "first_name")
    full_name = last if mapping.get("_full") else " ".join(p for p in (first, last) if p)
    if not last:
        return None, "nom manquant"
    email = _value(row, mapping, "email").lower()
    if not email:
        return None, "adresse e-mail manquante"
    try:
        validate_email(email)
    except ValidationError:
        return None, f"adresse e-mail invalide : « {email} »"
    commune, reason = resolver.commune(_value(row, mapping, "insee"), _value(row, mapping, "commune"))
    if reason:
        return None, reason
    values = {
        "full_name": full_name[:200],
        "email": email,
        "function": _value(row, mapping, "function")[:200],
        "phone": _value(row, mapping, "phone")[:30],
        "commune": commune,
        "organisation_name": _value(row, mapping, "organisation"),
    }
    return values, None


def _apply(member, values, resolver):
    """Set the row's non-empty values on `member`; returns the names of the fields that changed."""
    changed = []
    organisation = resolver.organisation(values["organisation_name"])
    updates = {
        "full_name": values["full_name"],
        "email": values["email"],
        "function": values["function"],
        "phone": values["phone"],
        "commune": values["commune"],
        "organisation": organisation,
    }
    for name, value in updates.items():
        if value in ("", None):
            continue  # an empty cell never erases what the network already knows
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    if not member.active:
        member.active = True
        changed.append("active")
    return changed


def import_members(network, source, actor=None, filename="", dry_run=False):
    """Import the members listed in `source` (path, bytes or uploaded file) into `network`: an ImportReport.

    ImportFileError (nothing written) when the file cannot be read. `dry_run`: all checked and counted, then
    rolled back. `actor` may change the network (None: the `import-membres` command)."""
    check(actor, "change", network)
    table, mapping = _read(source, filename)
    report = ImportReport(dry_run=dry_run, encoding=table.encoding, notes=table.notes())
    with transaction.atomic():
        resolver = _Resolver(network)
        existing = {}
        for member in network.members.select_related("user", "commune", "organisation"):
            for address in {member.email.lower(), (member.user.email.lower() if member.user_id else "")} - {""}:
                existing.setdefault(address, member)
        linked_users = set(network.members.exclude(user=None).values_list("user_id", flat=True))
        seen = {}
        for line, row, ragged in table.rows():
            if ragged:
                report.rejected.append((line, "plus de cellules que de colonnes (un « ; » dans une valeur ?)"))
                continue
            values, reason = _parse_row(row, mapping, resolver)
            if reason is None and values["email"] in seen:
                reason = f"adresse e-mail déjà présente ligne {seen[values['email']]}"
            if reason:
                report.rejected.append((line, reason))
                continue
            seen[values["email"]] = line
            member = existing.get(values["email"])
            if member is None:
                member = NetworkMember(network=network)
                _apply(member, values, resolver)
                user = _account(values["email"])
                if user is not None and user.pk not in linked_users:
                    member.user = user
                    linked_users.add(user.pk)
                member.save()
                existing[values["email"]] = member
                report.created.append((line, member.full_name))
                continue
            changed = _apply(member, values, resolver)
            if changed:
                member.save()
                report.updated.append((line, member.full_name, changed))
            else:
                report.unchanged.append((line, member.full_name))
        report.organisations_created = resolver.created_organisations
        audit.record(
            actor,
            "import de membres du réseau",
            network,
            {
                "crees": len(report.created),
                "mis_a_jour": len(report.updated),
                "rejetes": len(report.rejected),
                "apercu": dry_run,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _account(email):
    return get_user_model().objects.filter(email__iexact=email, is_active=True).first()
