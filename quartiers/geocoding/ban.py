"""Import of the Base Adresse Nationale (BAN) files into the offline geocoder.

Source: the per-département files `adresses-DD.csv.gz` published by the Base Adresse Nationale
(adresse.data.gouv.fr, « Licence Ouverte 2.0 »), `;`-separated UTF-8 with the header
`id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;
nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;
source_position;source_nom_voie;certification_commune;cad_parcelles` (newer files add
`id_ban_adresse;id_ban_toponyme;id_ban_commune`, older ones lack some columns: only the ones the
geocoder needs are required). Files in the Base Adresse Locale layout (`cle_interop;voie_nom;
numero;suffixe;…;long;lat`) are accepted too.

`import_files(paths)` is atomic per file (a file is either fully imported or not at all) and
idempotent (importing a département again replaces it). Each département is stored as one
compressed columnar blob (`BanDepartement.data`).
"""

import codecs
import csv
import gzip
import io
import shutil
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction

from .geocoder import invalidate
from .models import BanDepartement
from .normalize import rep_code
from .store import FORMAT_VERSION, pack

OFFICIAL_URL = "https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/adresses-{dep}.csv.gz"
NO_NUMBER = 99999  # the BAN gives lieux-dits without address the number 99999

# Our column name ← the names it may have in the BAN (first) or BAL layouts.
COLUMNS = {
    "id": ("id", "cle_interop"),
    "id_fantoir": ("id_fantoir",),
    "numero": ("numero",),
    "rep": ("rep", "suffixe"),
    "nom_voie": ("nom_voie", "voie_nom"),
    "code_postal": ("code_postal",),
    "code_insee": ("code_insee", "commune_insee"),
    "nom_commune": ("nom_commune", "commune_nom"),
    "code_insee_ancienne_commune": ("code_insee_ancienne_commune", "commune_deleguee_insee"),
    "nom_ancienne_commune": ("nom_ancienne_commune", "commune_deleguee_nom"),
    "lon": ("lon", "long"),
    "lat": ("lat",),
    "alias": ("alias",),
    "nom_ld": ("nom_ld", "lieudit_complement_nom"),
    "libelle_acheminement": ("libelle_acheminement",),
}
REQUIRED = ("id", "numero", "nom_voie", "lon", "lat")
Progress = Callable[[int, int, str], None]


class BanImportError(Exception):
    """A file that cannot be imported; the message is in French and nothing was written."""


@dataclass
class FileReport:
    path: str
    departements: dict = field(default_factory=dict)  # code -> {"adresses", "voies", "communes", "remplace"}
    skipped: Counter = field(default_factory=Counter)  # French reason -> count
    seconds: float = 0.0

    def lines(self):
        out = []
        for code, stats in sorted(self.departements.items()):
            verb = "remplacé" if stats["remplace"] else "importé"
            out.append(
                f"Département {code} {verb} depuis {Path(self.path).name} : {stats['adresses']:,} adresses, "
                f"{stats['voies']:,} voies et lieux-dits, {stats['communes']} communes.".replace(",", " ")
            )
        for reason, count in self.skipped.most_common():
            out.append(f"  {count} ligne(s) ignorée(s) : {reason}.")
        out.append(f"  Durée : {self.seconds:.1f} s.")
        return out


# ---------------------------------------------------------------------------------------------
# Reading


def _open_text(path: Path):
    """A text stream over a .csv or .csv.gz file in UTF-8 (with or without BOM) or CP1252."""
    raw = path.open("rb")
    head = raw.read(2)
    raw.seek(0)
    binary = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    try:
        sample = binary.read(1 << 20)
    except (OSError, EOFError) as exc:
        raw.close()
        raise BanImportError(f"Le fichier {path.name} est illisible (archive gzip abîmée : {exc}).") from exc
    encoding = "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multibyte character cut at the end of the sample is fine; anything else is not UTF-8.
        encoding = "utf-8-sig" if exc.start >= len(sample) - 3 else "cp1252"
    stream = io.BufferedReader(_Prefixed(sample, binary))
    errors = "cp1252-latin1" if encoding == "cp1252" else "strict"
    return raw, io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=""), encoding


def _latin1_fallback(error):
    """The five bytes CP1252 leaves undefined are read as Latin-1 (as Excel-made files need)."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("cp1252-latin1", _latin1_fallback)


class _Prefixed(io.RawIOBase):
    """Re-serves the sample already read before the rest of the stream."""

    def __init__(self, prefix: bytes, rest):
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _column_indexes(header: list[str], name: str) -> dict:
    lowered = [h.strip().lower() for h in header]
    found = {}
    for ours, theirs in COLUMNS.items():
        for candidate in theirs:
            if candidate in lowered:
                found[ours] = lowered.index(candidate)
                break
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise BanImportError(
            f"Le fichier {name} n'a pas le format de la Base Adresse Nationale : colonne(s) manquante(s) "
            f"{', '.join(missing)}. En-tête attendu : id;id_fantoir;numero;rep;nom_voie;code_postal;"
            f"code_insee;nom_commune;…;lon;lat;… (séparateur « ; »)."
        )
    if "code_insee" not in found and "id" not in found:
        raise BanImportError(f"Le fichier {name} n'indique pas le code INSEE des communes (colonne code_insee).")
    return found


def _departement_of(insee: str) -> str:
    return insee[:3] if insee.startswith("97") else insee[:2]


def _float(text: str):
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


class _DepartementBuilder:
    """Accumulates the rows of one département and turns them into compact arrays."""

    def __init__(self, code):
        self.code = code
        self.communes = {}  # insee -> [name, acheminement]
        self.old_communes = {}  # old insee -> (name, insee)
        self.streets = {}  # (insee, street key) -> index
        self.street_rows = []  # [key, name, insee, old insee, aliases set]
        self.addr_street = []
        self.addr_num = []
        self.addr_rep = []
        self.addr_pc = []
        self.addr_lon = []
        self.addr_lat = []
        self.addr_id = []
        self.topo_pos = {}  # street index -> (lon, lat) of a toponym without address (numero 99999)

    def add(self, row, idx, line_no, report):
        get = row.__getitem__
        ban_id = get(idx["id"]).strip()
        insee = get(idx["code_insee"]).strip() if "code_insee" in idx else ""
        if not insee:
            insee = ban_id[:5]
        insee = insee.upper().zfill(5)
        name = get(idx["nom_voie"]).strip()
        lon = _float(get(idx["lon"]))
        lat = _float(get(idx["lat"]))
        if not name:
            report.skipped["nom de voie vide"] += 1
            return
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
            report.skipped["coordonnées lon/lat absentes ou invalides"] += 1
            return
        numero_text = get(idx["numero"]).strip()
        try:
            numero = int(numero_text) if numero_text else NO_NUMBER
        except ValueError:
            report.skipped["numéro non numérique"] += 1
            return
        commune_name = get(idx["nom_commune"]).strip() if "nom_commune" in idx else ""
        commune = self.communes.get(insee)
        if commune is None:
            acheminement = get(idx["libelle_acheminement"]).strip() if "libelle_acheminement" in idx else ""
            commune = self.communes[insee] = [commune_name or insee, acheminement]
        old_insee = get(idx["code_insee_ancienne_commune"]).strip() if "code_insee_ancienne_commune" in idx else ""
        if old_insee and old_insee not in self.old_communes:
            old_name = get(idx["nom_ancienne_commune"]).strip() if "nom_ancienne_commune" in idx else ""
            if old_name:
                self.old_communes[old_insee] = (old_name, insee)
        street_key = get(idx["id_fantoir"]).strip() if "id_fantoir" in idx else ""
        if not street_key:
            parts = ban_id.split("_")
            street_key = "_".join(parts[:2]) if len(parts) >= 3 else f"{insee}_{name}"
        key = (insee, street_key, name)
        street = self.streets.get(key)
        if street is None:
            street = self.streets[key] = len(self.street_rows)
            self.street_rows.append([street_key, name, insee, old_insee, set()])
        aliases = self.street_rows[street][4]
        for column in ("nom_ld", "alias"):
            if column in idx:
                value = get(idx[column]).strip()
                if value and value != name:
                    aliases.add(value)
        if numero >= NO_NUMBER:
            self.topo_pos.setdefault(street, (lon, lat))
            return
        self.addr_street.append(street)
        self.addr_num.append(numero)
        self.addr_rep.append(rep_code(get(idx["rep"])) if "rep" in idx else "")
        postcode = get(idx["code_postal"]).strip() if "code_postal" in idx else ""
        self.addr_pc.append(int(postcode) if postcode.isdigit() else 0)
        self.addr_lon.append(lon)
        self.addr_lat.append(lat)
        self.addr_id.append(ban_id)

    def arrays(self) -> dict:
        """Columnar, sorted by (street, number, suffix); ids only kept where they are not the usual pattern."""
        n = len(self.addr_street)
        reps = sorted(set(self.addr_rep))
        rep_index = {r: i for i, r in enumerate(reps)}
        street = np.asarray(self.addr_street, dtype=np.int32)
        num = np.asarray(self.addr_num, dtype=np.int32)
        rep = np.asarray([rep_index[r] for r in self.addr_rep], dtype=np.int16)
        order = np.lexsort((rep, num, street))
        keys = [row[0] for row in self.street_rows]
        odd_pos, odd_ids = [], []
        for new, old in enumerate(order.tolist()):
            suffix = self.addr_rep[old]
            expected = f"{keys[self.addr_street[old]]}_{self.addr_num[old]:05d}" + (f"_{suffix}" if suffix else "")
            if self.addr_id[old] != expected:
                odd_pos.append(new)
                odd_ids.append(self.addr_id[old])
        commune_codes = sorted(self.communes)
        topo = sorted(self.topo_pos.items())
        return {
            "commune_insee": np.asarray(commune_codes, dtype=str),
            "commune_name": np.asarray([self.communes[c][0] for c in commune_codes], dtype=str),
            "commune_acheminement": np.asarray([self.communes[c][1] for c in commune_codes], dtype=str),
            "old_insee": np.asarray(list(self.old_communes), dtype=str),
            "old_name": np.asarray([v[0] for v in self.old_communes.values()], dtype=str),
            "old_parent": np.asarray([v[1] for v in self.old_communes.values()], dtype=str),
            "street_key": np.asarray(keys, dtype=str),
            "street_name": np.asarray([row[1] for row in self.street_rows], dtype=str),
            "street_insee": np.asarray([row[2] for row in self.street_rows], dtype=str),
            "street_old_insee": np.asarray([row[3] for row in self.street_rows], dtype=str),
            "street_aliases": np.asarray(["|".join(sorted(row[4])) for row in self.street_rows], dtype=str),
            "topo_street": np.asarray([t[0] for t in topo], dtype=np.int32),
            "topo_lon": np.asarray([t[1][0] for t in topo], dtype=np.float64),
            "topo_lat": np.asarray([t[1][1] for t in topo], dtype=np.float64),
            "addr_street": street[order],
            "addr_num": num[order],
            "addr_rep": rep[order],
            "rep_values": np.asarray(reps or [""], dtype=str),
            "addr_pc": np.asarray(self.addr_pc, dtype=np.int32)[order],
            "addr_lon": np.asarray(self.addr_lon, dtype=np.float64)[order],
            "addr_lat": np.asarray(self.addr_lat, dtype=np.float64)[order],
            "odd_pos": np.asarray(odd_pos, dtype=np.int32),
            "odd_ids": np.asarray(odd_ids or [""], dtype=str)[: len(odd_ids)],
            "count": np.asarray([n], dtype=np.int64),
        }


def read_ban_file(path, progress: Progress | None = None) -> tuple[dict, FileReport]:
    """Parse one file into per-département builders; raises BanImportError (French) on a bad file."""
    path = Path(path)
    report = FileReport(path=str(path))
    if not path.exists():
        raise BanImportError(f"Le fichier {path} n'existe pas.")
    total = path.stat().st_size
    if total == 0:
        raise BanImportError(f"Le fichier {path.name} est vide.")
    raw, text, _encoding = _open_text(path)
    builders = {}
    try:
        reader = csv.reader(text, delimiter=";")
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            raise BanImportError(f"Le fichier {path.name} est vide.")
        if len(header) == 1 and "," in header[0]:
            raise BanImportError(
                f"Le fichier {path.name} n'est pas séparé par des « ; » comme les fichiers de la Base Adresse "
                "Nationale."
            )
        idx = _column_indexes(header, path.name)
        width = len(header)
        line_no = 1
        for line_no, row in enumerate(reader, start=2):
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue
                raise BanImportError(
                    f"Ligne {line_no} de {path.name} : {len(row)} colonnes au lieu de {width} (ligne tronquée ou "
                    "séparateur « ; » dans une valeur non entourée de guillemets). Rien n'a été importé."
                )
            insee = row[idx["code_insee"]].strip() if "code_insee" in idx else row[idx["id"]][:5]
            dep = _departement_of(insee.zfill(5))
            builder = builders.get(dep)
            if builder is None:
                builder = builders[dep] = _DepartementBuilder(dep)
            builder.add(row, idx, line_no, report)
            if progress and line_no % 50000 == 0:
                progress(raw.tell(), total, f"{line_no:,} lignes lues".replace(",", " "))
    except UnicodeDecodeError as exc:
        raise BanImportError(f"Le fichier {path.name} mélange plusieurs encodages de caractères ({exc}).") from exc
    except csv.Error as exc:
        raise BanImportError(f"Le fichier {path.name} est mal formé (ligne {reader.line_num}) : {exc}.") from exc
    except (OSError, EOFError) as exc:
        raise BanImportError(f"Le fichier {path.name} est illisible ou tronqué : {exc}.") from exc
    finally:
        raw.close()
    if not any(b.addr_street or b.topo_pos for b in builders.values()):
        raise BanImportError(f"Le fichier {path.name} ne contient aucune adresse utilisable.")
    return builders, report


def import_file(path, progress: Progress | None = None) -> FileReport:
    """Import one BAN file: all its départements are replaced in one transaction, or nothing is.

    A bare département code (« quartiers import-ban 62 », as the eligibility pages advise) that is not an
    existing file downloads and imports that département's official file."""
    if _is_departement_code(path):
        return import_official([str(path)], progress=progress)[0]
    started = time.perf_counter()
    builders, report = read_ban_file(path, progress)
    if progress:
        progress(1, 1, "Compression et enregistrement…")
    rows = []
    for code, builder in builders.items():
        arrays = builder.arrays()
        rows.append((code, builder, pack(arrays)))
    with transaction.atomic():
        for code, builder, blob in rows:
            _obj, created = BanDepartement.objects.update_or_create(
                code=code,
                defaults={
                    "source": Path(path).name[:300],
                    "address_count": len(builder.addr_street),
                    "street_count": len(builder.street_rows),
                    "commune_count": len(builder.communes),
                    "format_version": FORMAT_VERSION,
                    "data": blob,
                },
            )
            report.departements[code] = {
                "adresses": len(builder.addr_street),
                "voies": len(builder.street_rows),
                "communes": len(builder.communes),
                "remplace": not created,
            }
        transaction.on_commit(invalidate)
    report.seconds = time.perf_counter() - started
    return report


def _is_departement_code(path) -> bool:
    text = str(path).strip()
    if Path(text).exists():
        return False
    try:
        normalize_departement(text)
    except BanImportError:
        return False
    return True


def import_files(paths, progress: Progress | None = None) -> list[FileReport]:
    """Each file on its own: a bad file stops the run with its message, the files before it stay imported."""
    return [import_file(p, progress) for p in paths]


# ---------------------------------------------------------------------------------------------
# Download


def official_url(dep: str, base_url: str = "") -> str:
    template = base_url or getattr(settings, "BAN_DOWNLOAD_URL", "") or OFFICIAL_URL
    return template.format(dep=dep)


def normalize_departement(code: str) -> str:
    code = code.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if not (len(code) == 2 and (code.isdigit() or code in ("2A", "2B")) or (len(code) == 3 and code.startswith("97"))):
        raise BanImportError(f"« {code} » n'est pas un numéro de département (ex. 59, 2A, 974).")
    return code


def download(dep: str, directory, base_url: str = "", timeout: float = 30.0, progress: Progress | None = None) -> Path:
    """Fetch adresses-DD.csv.gz from the official BAN site (or `base_url`), into `directory`."""
    dep = normalize_departement(dep)
    url = official_url(dep, base_url)
    target = Path(directory) / f"adresses-{dep}.csv.gz"
    request = urllib.request.Request(url, headers={"User-Agent": "Quartiers (import-ban)"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, target.open("wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total, f"Téléchargement du département {dep}")
    except urllib.error.HTTPError as exc:
        target.unlink(missing_ok=True)
        raise BanImportError(
            f"Le site de la Base Adresse Nationale a répondu {exc.code} pour le département {dep} ({url})."
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        target.unlink(missing_ok=True)
        reason = getattr(exc, "reason", exc)
        raise BanImportError(
            f"Impossible de télécharger le fichier du département {dep} ({url}) : cette machine ne semble pas "
            f"avoir accès à internet ({reason}). Téléchargez adresses-{dep}.csv.gz depuis un autre poste, puis "
            f"lancez « quartiers import-ban adresses-{dep}.csv.gz »."
        ) from exc
    return target


def import_official(deps, base_url: str = "", progress: Progress | None = None) -> list[FileReport]:
    """Download then import each département's official file (temporary files are removed)."""
    codes = [normalize_departement(d) for d in deps]
    directory = Path(tempfile.mkdtemp(prefix="quartiers-ban-"))
    try:
        reports = []
        for code in codes:
            path = download(code, directory, base_url=base_url, progress=progress)
            reports.append(import_file(path, progress))
            path.unlink(missing_ok=True)
        return reports
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def summary() -> list[dict]:
    """What is loaded, for pages and the command (French labels are the caller's)."""
    return list(
        BanDepartement.objects.values("code", "source", "imported_at", "address_count", "street_count", "commune_count")
    )


def street_groups(arrays):
    """Offsets of each street's addresses in the sorted address arrays (CSR layout)."""
    counts = np.bincount(arrays["addr_street"], minlength=len(arrays["street_key"]))
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return starts


__all__ = [
    "BanImportError",
    "FileReport",
    "import_file",
    "import_files",
    "import_official",
    "download",
    "read_ban_file",
    "summary",
]
