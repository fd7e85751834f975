"""Streaming reading and writing of the tables the eligibility batch and the CLI handle.

`quartiers.core.tabular.read_table` loads a whole file; a beneficiaries file may weigh a gigabyte, so
here the CSV is read as a stream (encoding checked on the whole file in chunks, separator sniffed on the
first lines by `tabular.sniff_delimiter`), XLSX row by row (openpyxl read-only). Errors are
`TabularError` with a French message.
"""

import codecs
import csv
import io
from pathlib import Path

from quartiers.core.exports import neutralise
from quartiers.core.tabular import MAX_FIELD, TabularError, sniff_delimiter

CHUNK = 8 * 1024 * 1024


def detect_encoding(path):
    """UTF-8 (with or without BOM) when every byte of the file decodes as UTF-8, else CP1252 (or Latin-1)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := fh.read(CHUNK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while block := fh.read(CHUNK):
                decoder.decode(block)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def is_xlsx(path):
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


class StreamTable:
    """headers + records(): yields (record number from 1, list of cells), blank records included."""

    declared_rows = 0

    def __init__(self, path, delimiter=None):
        self.path = Path(path)
        if not self.path.exists() or self.path.stat().st_size == 0:
            raise TabularError("Le fichier est vide.")
        with open(self.path, "rb") as fh:
            magic = fh.read(8192)
        if magic[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise TabularError("Ancien format Excel (.xls) : enregistrez le fichier en .xlsx ou en CSV.")
        self.xlsx = magic[:4] == b"PK\x03\x04"
        if not self.xlsx and b"\x00" in magic[:4096] and not magic.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise TabularError("Ce fichier n'est pas un fichier texte (CSV) ni un classeur Excel.")
        if self.xlsx:
            self.encoding, self.delimiter = "xlsx", ""
            self.headers = self._xlsx_headers()
        else:
            self.encoding = detect_encoding(self.path)
            with open(self.path, encoding=self.encoding, newline="") as fh:
                sample = fh.read(50_000)
            if not sample.strip():
                raise TabularError("Le fichier est vide.")
            self.delimiter = delimiter or sniff_delimiter(sample)
            self.headers = self._csv_headers()
        if not any(self.headers):
            raise TabularError("La première ligne (en-têtes de colonnes) est vide.")
        self.headers = _unique_headers(self.headers)

    def _csv_headers(self):
        csv.field_size_limit(MAX_FIELD)
        with open(self.path, encoding=self.encoding, newline="") as fh:
            try:
                first = next(csv.reader(fh, delimiter=self.delimiter), None)
            except csv.Error as exc:
                raise TabularError(f"Ligne d'en-tête illisible : {exc}.") from None
        if first is None:
            raise TabularError("Le fichier est vide.")
        return [h.strip() for h in first]

    def _open_xlsx(self):
        from openpyxl import load_workbook

        try:
            return load_workbook(self.path, read_only=True, data_only=True)
        except Exception:
            raise TabularError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.") from None

    def _xlsx_headers(self):
        wb = self._open_xlsx()
        try:
            sheet = wb.worksheets[0]
            first = next(sheet.iter_rows(values_only=True), None)
            # The sheet's declared dimension: enough for a progress bar (may be absent or generous).
            self.declared_rows = max(0, (sheet.max_row or 0) - 1)
        finally:
            wb.close()
        if first is None:
            raise TabularError("La première feuille du classeur est vide.")
        return [_xlsx_str(v).strip() for v in first]

    def records(self):
        if self.xlsx:
            yield from self._xlsx_records()
            return
        csv.field_size_limit(MAX_FIELD)
        with open(self.path, "rb") as raw, io.TextIOWrapper(raw, encoding=self.encoding, newline="") as fh:
            self._raw = raw  # its position (read-ahead included) drives progress bars
            reader = csv.reader(fh, delimiter=self.delimiter)
            number = 0
            try:
                next(reader, None)
                for values in reader:
                    number += 1
                    yield number, values
            except csv.Error as exc:
                raise TabularError(f"Ligne {reader.line_num} du fichier illisible : {exc}.") from None

    def _xlsx_records(self):
        wb = self._open_xlsx()
        try:
            rows = wb.worksheets[0].iter_rows(values_only=True)
            next(rows, None)
            for number, values in enumerate(rows, start=1):
                yield number, [_xlsx_str(v) for v in values]
        finally:
            wb.close()

    def bytes_read(self):
        raw = getattr(self, "_raw", None)
        try:
            return raw.tell() if raw is not None else 0
        except (ValueError, OSError):
            return self.path.stat().st_size

    def count(self):
        """Number of records (a full streaming pass; also surfaces unreadable lines before any work)."""
        n = 0
        for n, _values in self.records():  # noqa: B007
            pass
        return n


def _xlsx_str(value):
    from quartiers.core.tabular import _xlsx_str as convert

    return convert(value)


def _unique_headers(headers):
    seen = {}
    out = []
    for i, h in enumerate(headers):
        name = h or f"colonne_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def as_row(headers, values):
    """dict header -> cell; (row, ragged) where ragged means more cells than headers (extras kept apart)."""
    if len(values) < len(headers):
        values = values + [""] * (len(headers) - len(values))
    elif len(values) > len(headers) and not any(v.strip() for v in values[len(headers) :]):
        # Trailing separators (« a;b;c; ») and formatted empty Excel cells are not extra data.
        values = values[: len(headers)]
    ragged = len(values) > len(headers)
    row = dict(zip(headers, values, strict=False))
    if ragged:
        row["\x00extra"] = values[len(headers) :]
    return row, ragged


class CsvOut:
    """CSV for French Excel (UTF-8 with BOM, `;`), cells neutralised against formula injection."""

    def __init__(self, fh):
        self.fh = fh
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=";", lineterminator="\r\n")

    def header(self, names):
        self.fh.write("\ufeff".encode())
        self.row(names)

    def row(self, cells):
        self.writer.writerow([neutralise(c) if isinstance(c, str) else c for c in cells])

    def flush(self):
        self.fh.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()
        self.fh.flush()
