"""Streaming reading and writing of the tables the eligibility batch and the CLI handle.

`quartiers.core.tabular.read_table` loads a whole file; a beneficiaries file may weigh a gigabyte, so
here the CSV is read as a stream (encoding checked on the whole file in chunks, separator sniffed on the
first lines by `tabular.sniff_delimiter`), XLSX row by row (openpyxl read-only). Errors are
`TabularError` with a French message. As `read_table`: the header row may come after title rows (detected
by `tabular.find_header`, or chosen: `header_line`), NUL bytes are dropped on the fly and counted.
"""

import codecs
import csv
import io
from pathlib import Path

from quartiers.core.exports import neutralise
from quartiers.core.tabular import BINARY_BYTES, HEADER_SCAN, MAX_FIELD, TabularError, find_header, sniff_delimiter

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


def count_nul_bytes(path):
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            n += block.count(b"\x00")
    return n


class NulDropping(io.RawIOBase):
    """A binary file read without its NUL bytes."""

    def __init__(self, raw):
        self.raw = raw

    def readable(self):
        return True

    def readinto(self, buffer):
        while True:
            data = self.raw.read(len(buffer))
            if not data:
                return 0
            data = data.replace(b"\x00", b"")
            if data:
                buffer[: len(data)] = data
                return len(data)

    def tell(self):
        return self.raw.tell()

    def close(self):
        self.raw.close()
        super().close()


def is_xlsx(path):
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


class StreamTable:
    """headers + records(): yields (record number from 1, list of cells), blank records included."""

    declared_rows = 0
    nul_bytes = 0

    def __init__(self, path, delimiter=None, header_line=None):
        self.path = Path(path)
        if not self.path.exists() or self.path.stat().st_size == 0:
            raise TabularError("Le fichier est vide.")
        with open(self.path, "rb") as fh:
            magic = fh.read(8192)
        if magic[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise TabularError("Ancien format Excel (.xls) : enregistrez le fichier en .xlsx ou en CSV.")
        self.xlsx = magic[:4] == b"PK\x03\x04"
        utf16 = magic.startswith((b"\xff\xfe", b"\xfe\xff"))
        if not self.xlsx and not utf16 and b"\x00" in magic:
            head = magic[:4096].replace(b"\x00", b"")
            if BINARY_BYTES.search(head) or not head.strip():
                raise TabularError("Ce fichier n'est pas un fichier texte (CSV) ni un classeur Excel.")
        if not self.xlsx and not utf16:
            # Some exports leave NUL bytes in a CSV: read without them, and say how many.
            self.nul_bytes = count_nul_bytes(self.path)
        if self.xlsx:
            self.encoding, self.delimiter = "xlsx", ""
        else:
            self.encoding = detect_encoding(self.path)
            with self._open_text() as fh:
                sample = fh.read(50_000)
            if not sample.strip():
                raise TabularError("Le fichier est vide.")
            self.delimiter = delimiter or sniff_delimiter(sample)
        self._find_headers(header_line)
        if not any(self.headers):
            raise TabularError("La première ligne (en-têtes de colonnes) est vide.")
        self.headers = _unique_headers(self.headers)

    def _open_text(self):
        raw = open(self.path, "rb")  # noqa: SIM115 - closed with the wrapper
        source = io.BufferedReader(NulDropping(raw)) if self.nul_bytes else raw
        return io.TextIOWrapper(source, encoding=self.encoding, newline="")

    def _find_headers(self, header_line):
        """The header row: the chosen line, else the first row that looks like one (title rows skipped)."""
        first = []
        try:
            for values in self.raw_records():
                first.append(values)
                if len(first) >= max(HEADER_SCAN, header_line or 0):
                    break
        except TabularError:
            if not first:
                raise
            # A broken line below the first rows: `records()` reports it with its line number.
        if not first:
            raise TabularError("La première feuille du classeur est vide." if self.xlsx else "Le fichier est vide.")
        if header_line:
            if not 1 <= header_line <= len(first):
                raise TabularError(f"La ligne d'en-têtes choisie ({header_line}) n'existe pas dans le fichier.")
            index = header_line - 1
        else:
            index = find_header(first)
        self.header_index = index
        self.header_line = index + 1
        self.title_lines = [" ".join(c.strip() for c in row if c.strip()) for row in first[:index]]
        self.title_lines = [t for t in self.title_lines if t]
        self.headers = [h.strip() for h in first[index]]

    def raw_records(self):
        """Every record of the file as a list of str, the header row included."""
        if self.xlsx:
            wb = self._open_xlsx()
            try:
                sheet = wb.worksheets[0]
                # The sheet's declared dimension: enough for a progress bar (may be absent or generous).
                self.declared_rows = max(0, (sheet.max_row or 0) - 1)
                for values in sheet.iter_rows(values_only=True):
                    yield [_xlsx_str(v) for v in values]
            finally:
                wb.close()
            return
        csv.field_size_limit(MAX_FIELD)
        with self._open_text() as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            try:
                yield from reader
            except csv.Error as exc:
                raise TabularError(f"Ligne d'en-tête illisible : {exc}.") from None

    def _open_xlsx(self):
        from openpyxl import load_workbook

        try:
            return load_workbook(self.path, read_only=True, data_only=True)
        except Exception:
            raise TabularError("Ce fichier n'est pas un classeur Excel (.xlsx) lisible.") from None

    def records(self):
        if self.xlsx:
            yield from self._xlsx_records()
            return
        csv.field_size_limit(MAX_FIELD)
        with open(self.path, "rb") as raw:
            source = io.BufferedReader(NulDropping(raw)) if self.nul_bytes else raw
            fh = io.TextIOWrapper(source, encoding=self.encoding, newline="")
            self._raw = raw  # its position (read-ahead included) drives progress bars
            reader = csv.reader(fh, delimiter=self.delimiter)
            number = 0
            try:
                for _skipped in range(self.header_index + 1):
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
            for _skipped in range(self.header_index + 1):
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
