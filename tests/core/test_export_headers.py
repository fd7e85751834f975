"""A column label may carry a name a user typed (a financer's name in the committee table): exports neutralise
it like any cell."""

import io

import openpyxl

from quartiers.core.exports import csv_bytes, xlsx_bytes

COLUMNS = [("=cmd|' /C calc'!A0 — accordé (€)", "x")]


class Row:
    x = 1


def test_csv_header_is_neutralised():
    header = csv_bytes([Row()], COLUMNS).decode("utf-8")[1:].splitlines()[0]
    assert header.startswith("\"'=cmd") or header.startswith("'=cmd")


def test_xlsx_header_is_neutralised():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Row()], COLUMNS)))
    assert book.active["A1"].value.startswith("'=cmd")
