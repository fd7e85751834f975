"""Reading the tabular files French administrations really produce.

CSV in CP1252 / Latin-1 / UTF-8 (with or without BOM), `;` `,` tab or `|` separators, decimal
commas, dates jj/mm/aaaa; XLSX. Errors are `TabularError` with a French message.

Files as they arrive: title rows above the header row (« Liste des adresses — 2024 », a blank line) are
skipped, the header row being detected (`find_header`) or chosen (`header_line=`); NUL bytes that some
exports leave in a CSV are dropped and counted. `table.notes()` says both, in French, for the report.

    table = read_table(uploaded_file_or_path, filename="x.csv")
    table.headers  -> ["code_qp", "nom"]
    for line_number, row, ragged in table.rows():   # row: dict header -> str; ragged: too many cells
        ...
    table.header_line, table.nul_bytes, table.notes()
"""

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

SECRET_MARKERS = {"s", "secret", "nd", "n.d.", "c", "(s)", "so"}
MAX_FIELD = 1_000_000
HEADER_SCAN = 30  # the header row is looked for among the first rows only
# C0 control characters other than tab, line feed, form feed and carriage return: text files have none.
BINARY_BYTES = re.compile(rb"[\x01-\x08\x0e-\x19\x1b-\x1f]")


class TabularError(Exception):
    """A file that cannot be read; the message is for the user, in French."""


@dataclass
class Table:
    headers: list
    _rows: list
    encoding: str = ""
    delimiter: str = ""
    header_line: int = 1  # line (CSV) or row (XLSX) number of the header row
    nul_bytes: int = 0  # NUL bytes dropped from a CSV
    title_lines: list = field(default_factory=list)  # the non-blank lines skipped above the header row

    def notes(self):
        """What was done to read the file, in French (for the import report)."""
        out = []
        if self.header_line > 1:
            titles = " / ".join(self.title_lines)[:120]
            out.append(
                f"En-têtes lus à la ligne {self.header_line} : "
                + (f"ligne(s) de titre ignorée(s) (« {titles} »)." if titles else "lignes vides ignorées.")
            )
        if self.nul_bytes:
            out.append(f"Octets nuls (NUL) supprimés du fichier : {self.nul_bytes}.")
        return out

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
    first_lines = [line for line in sample.splitlines()[:25] if line.strip()]
    if not first_lines:
        raise TabularError("Le fichier est vide.")
    best, best_score = ";", -1
    for candidate in (";", ",", "\t", "|"):
        # A real separator appears on the header line and about as often on the next lines; the header
        # may come after a few title lines, so each of the first lines is tried as the header.
        for start in range(min(6, len(first_lines))):
            counts = [line.count(candidate) for line in first_lines[start:]]
            if counts[0] == 0:
                continue
            score = sum(1 for c in counts if c == counts[0]) * 100 + counts[0] - start
            if score > best_score:
                best, best_score = candidate, score
    return best


def _filled(row):
    return sum(1 for cell in row if str(cell if cell is not None else "").strip())


def _is_number(cell):
    text = str(cell).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        float(text)
    except ValueError:
        return False
    return True


def find_header(rows) -> int:
    """Index of the header row among the first rows: the first row filled at least half as wide as the
    widest row (two cells at least) and not made of numbers. Title rows (one cell) and blank rows above
    it are skipped; a one-column file keeps its first non-blank row."""
    scanned = list(rows[:HEADER_SCAN])
    widths = [_filled(row) for row in scanned]
    widest = max(widths, default=0)
    if widest <= 1:
        return next((i for i, w in enumerate(widths) if w), 0)
    need = max(2, math.ceil(widest / 2))
    for i, (row, width) in enumerate(zip(scanned, widths, strict=True)):
        cells = [c for c in row if str(c if c is not None else "").strip()]
        if width >= need and sum(1 for c in cells if _is_number(c)) * 2 < len(cells):
            return i
    return 0


def _choose_header(rows, header_line):
    """0-based index of the header row: the chosen line (1-based), else the detected one."""
    if header_line:
        if not 1 <= header_line <= len(rows):
            raise TabularError(f"La ligne d'en-têtes choisie ({header_line}) n'existe pas dans le fichier.")
        return header_line - 1
    return find_header(rows)


def read_csv_text(text: str, delimiter: str | None = None, header_line: int | None = None) -> Table:
    if not text.strip():
        raise TabularError("Le fichier est vide.")
    delimiter = delimiter or sniff_delimiter(text[:50_000])
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for values in reader:
            records.append((reader.line_num, values))
    except csv.Error as exc:
        where = "d'en-tête" if not records else str(reader.line_num)
        raise TabularError(f"Ligne {where} illisible : {exc}.") from None
    if not records:
        raise TabularError("Le fichier est vide.")
    index = _choose_header([values for _n, values in records], header_line)
    headers = [h.strip() for h in records[index][1]]
    if not any(headers):
        raise TabularError("La première ligne (en-têtes de colonnes) est vide.")
    titles = [" ".join(c.strip() for c in values if c.strip()) for _n, values in records[:index]]
    return Table(
        headers,
        records[index + 1 :],
        delimiter=delimiter,
        header_line=records[index][0],
        title_lines=[t for t in titles if t],
    )


def read_xlsx(data: bytes, header_line: int | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise TabularError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
    ws = wb.worksheets[0]
    records = [(number, values) for number, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    wb.close()
    if not records or not any(_filled(values) for _n, values in records[:HEADER_SCAN]):
        raise TabularError("La première feuille du classeur est vide.")
    index = _choose_header([values for _n, values in records], header_line)
    headers = [str(h).strip() if h is not None else "" for h in records[index][1]]
    if not any(headers):
        raise TabularError("La première ligne (en-têtes de colonnes) est vide.")
    rows = [(number, [_xlsx_str(v) for v in values]) for number, values in records[index + 1 :]]
    titles = [" ".join(_xlsx_str(v).strip() for v in values if _xlsx_str(v).strip()) for _n, values in records[:index]]
    return Table(headers, rows, encoding="xlsx", header_line=index + 1, title_lines=[t for t in titles if t])


def _xlsx_str(value):
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def drop_nul_bytes(data: bytes) -> tuple[bytes, int]:
    """Stray NUL bytes (some exports pad or sprinkle them) are dropped and counted; a binary file (other
    control bytes, or mostly NULs) is refused. UTF-16 files are left alone: NULs are half their bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in data:
        return data, 0
    head = data[:4096]
    if BINARY_BYTES.search(head.replace(b"\x00", b"")) or not head.replace(b"\x00", b"").strip():
        raise TabularError("Ce fichier n'est pas un fichier texte (CSV) ni un classeur Excel.")
    count = data.count(b"\x00")
    return data.replace(b"\x00", b""), count


def read_table(source, filename: str = "", delimiter: str | None = None, header_line: int | None = None) -> Table:
    """`source`: a path, bytes, or a file-like object (an UploadedFile). `header_line`: the line number of
    the header row when the user chose it (else detected below any title rows)."""
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
        return read_xlsx(data, header_line)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TabularError("Ancien format Excel (.xls) : enregistrez le fichier en .xlsx ou en CSV.")
    data, nul_bytes = drop_nul_bytes(data)
    text, encoding = decode(data)
    table = read_csv_text(text, delimiter, header_line)
    table.encoding = encoding
    table.nul_bytes = nul_bytes
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
