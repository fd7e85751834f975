"""Exports of any filtered list: CSV for French Excel, XLSX, GeoJSON.

Every cell that starts with = + - @ (or a tab / carriage return) is neutralised with a leading
apostrophe, so a spreadsheet never runs it as a formula (CSV injection).

    columns = [("Code", "code"), ("Nom", "nom"), ("Population", lambda q: q.population)]
    return export_response(queryset, columns, "qpv", fmt=request.GET.get("format"))
"""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, HttpResponseBadRequest

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(obj, accessor):
    value = accessor(obj) if callable(accessor) else _attr(obj, accessor)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return value


def _attr(obj, path):
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
        if obj is None:
            return None
    return obj() if callable(obj) else obj


def rows(objects, columns):
    for obj in objects:
        yield [_cell(obj, accessor) for _label, accessor in columns]


def csv_bytes(objects, columns):
    """UTF-8 with BOM, `;` separator, decimal commas: what French Excel opens as is."""
    buffer = io.StringIO()
    write_csv(buffer, objects, columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_csv(text_fh, objects, columns, on_row=None):
    """Write the CSV (without the BOM) to a text file; `on_row(n)` is called after each row (progress)."""
    writer = csv.writer(text_fh, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(label) for label, _ in columns])  # a label may carry a name typed by a user
    for n, row in enumerate(rows(objects, columns), 1):
        writer.writerow([_csv_value(v) for v in row])
        if on_row:
            on_row(n)


def _csv_value(value):
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return neutralise(value) if isinstance(value, str) else value


def xlsx_bytes(objects, columns, title="Export"):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append([neutralise(label) for label, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows(objects, columns):
        ws.append([_xlsx_value(v) for v in row])
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_value(value):
    return neutralise(value) if isinstance(value, str) else (float(value) if isinstance(value, Decimal) else value)


def write_xlsx(path, objects, columns, title="Export", on_row=None):
    """The XLSX of `xlsx_bytes`, streamed to `path` row by row (write-only workbook: memory stays flat)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "A2"
    header = []
    for label, _ in columns:
        cell = WriteOnlyCell(ws, value=neutralise(label))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for n, row in enumerate(rows(objects, columns), 1):
        ws.append([_xlsx_value(v) for v in row])
        if on_row:
            on_row(n)
    wb.save(path)


def geojson_bytes(features):
    """`features`: iterable of (geometry dict or None, properties dict)."""
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": geometry, "properties": {k: neutralise(v) for k, v in props.items()}}
            for geometry, props in features
        ],
    }
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def export_response(objects, columns, basename, fmt="csv"):
    fmt = (fmt or "csv").lower()
    if fmt == "csv":
        content, ctype = csv_bytes(objects, columns), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = xlsx_bytes(objects, columns, title=basename)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        return unknown_format(fmt, FORMATS)
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


def unknown_format(fmt, formats):
    """400 for `?format=` we do not make, as plain text: the name comes from the URL, and HTML would run it."""
    return HttpResponseBadRequest(
        f"Format d'export inconnu : {fmt} (formats : {', '.join(formats)}).", content_type="text/plain; charset=utf-8"
    )


def geojson_response(features, basename):
    response = HttpResponse(geojson_bytes(features), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{basename}.geojson"'
    return response
