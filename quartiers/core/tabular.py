"""Reading the tabular files French administrations really produce.

CSV in CP1252 / Latin-1 / UTF-8 (with or without BOM), `;` `,` tab or `|` separators, decimal
commas, dates jj/mm/aaaa; XLSX. Errors are `TabularError` with a French message.

    table = read_table(uploaded_file_or_path, filename="x.csv")
    table.headers  -> ["code_qp", "nom"]
    for line_number, row, ragged in table.rows():   # row: dict header -> str; ragged: too many cells
        ...
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

SECRET_MARKERS = {"s", "secret", "nd", "n.d.", "c", "(s)", "so"}
MAX_FIELD = 1_000_000


class TabularError(Exception):
    """A file that cannot be read; the message is for the user, in French."""


@dataclass
class Table:
    headers: list
    _rows: list
    encoding: str = ""
    delimiter: str = ""

    def rows(self):
        for number, values in self._rows:
            if not any(v.strip() for v in values):
                continue
            if len(values) < len(self.headers):
                values = values + [""] * (len(self.headers) - len(values))
            yield number, dict(zip(self.headers, values, strict=False)), len(values) > len(self.headers)

    def __len__(self):
        return len(self._rows)


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not) first; CP1252 is what Excel on Windows writes; Latin-1 never fails."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(sample: str) -> str:
    first_lines = [line for line in sample.splitlines()[:20] if line.strip()]
    if not first_lines:
        raise TabularError("Le fichier est vide.")
    best, best_score = ";", -1
    for candidate in (";", ",", "\t", "|"):
        counts = [line.count(candidate) for line in first_lines]
        if counts[0] == 0:
            continue
        # A real separator appears on the header line and about as often on the next lines.
        score = sum(1 for c in counts if c == counts[0]) * 100 + counts[0]
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv_text(text: str, delimiter: str | None = None) -> Table:
    if not text.strip():
        raise TabularError("Le fichier est vide.")
    delimiter = delimiter or sniff_delimiter(text[:50_000])
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise TabularError("Le fichier est vide.") from None
    except csv.Error as exc:
        raise TabularError(f"Ligne d'en-tête illisible : {exc}.") from None
    if not any(headers):
        raise TabularError("La première ligne (en-têtes de colonnes) est vide.")
    rows = []
    try:
        for values in reader:
            rows.append((reader.line_num, values))
    except csv.Error as exc:
        raise TabularError(f"Ligne {reader.line_num} illisible : {exc}.") from None
    return Table(headers, rows, delimiter=delimiter)


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise TabularError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
    ws = wb.worksheets[0]
    all_rows = ws.iter_rows(values_only=True)
    header = next(all_rows, None)
    if header is None or not any(header):
        raise TabularError("La première feuille du classeur est vide.")
    headers = [str(h).strip() if h is not None else "" for h in header]
    rows = []
    for number, values in enumerate(all_rows, start=2):
        rows.append((number, [_xlsx_str(v) for v in values]))
    wb.close()
    return Table(headers, rows, encoding="xlsx")


def _xlsx_str(value):
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(source, filename: str = "", delimiter: str | None = None) -> Table:
    """`source`: a path, bytes, or a file-like object (an UploadedFile)."""
    if isinstance(source, (str, Path)):
        filename = filename or str(source)
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        filename = filename or getattr(source, "name", "")
        data = source.read()
    if not data:
        raise TabularError("Le fichier est vide.")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TabularError("Ancien format Excel (.xls) : enregistrez le fichier en .xlsx ou en CSV.")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TabularError("Ce fichier n'est pas un fichier texte (CSV) ni un classeur Excel.")
    text, encoding = decode(data)
    table = read_csv_text(text, delimiter)
    table.encoding = encoding
    return table


def parse_decimal(value: str):
    """'1 234,5' -> Decimal('1234.5'); '' -> None; a secret marker -> raises SecretValue."""
    raw = (value or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if raw == "":
        return None
    if raw.lower() in SECRET_MARKERS:
        raise SecretValue(raw)
    if "," in raw and "." in raw:
        raw = raw.replace(".", "")  # 1.234,5: dots are thousands separators
    raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"« {value} » n'est pas un nombre.") from None


class SecretValue(Exception):
    """The cell carries a secret-statistique marker instead of a value."""


DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(value: str):
    """jj/mm/aaaa (or ISO aaaa-mm-jj) -> date; '' -> None."""
    raw = (value or "").strip()
    if not raw:
        return None
    match = DATE_RE.match(raw)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ValueError(f"« {value} » n'est pas une date (attendu : jj/mm/aaaa).") from None
