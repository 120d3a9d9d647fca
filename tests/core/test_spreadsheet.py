"""CSV as a spreadsheet of the reader's language opens it: Swedish files split on semicolons
and carry decimal commas, English ones commas and decimal points; read back here as a
spreadsheet would, with ``csv`` and Babel's number parser."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal

from core.spreadsheet import csv_convention, csv_document

ROWS = [["Enhet", "Svar", "Index", "Förändring"],
        ["Farsta; Älvsjö", 12345, 63.7, -2.25],
        ["=HYPERLINK(\"x\")", 0, Decimal("0.5"), None]]


@pytest.mark.parametrize(("locale", "delimiter"), [("sv", ";"), ("en", ",")])
def test_a_file_reads_back_as_columns_and_numbers(locale, delimiter):
    text = "".join(csv_document(ROWS, csv_convention(locale)))
    assert text.startswith("\ufeff")  # Excel reads UTF-8 by its byte order mark
    dialect = csv.Sniffer().sniff(text.lstrip("\ufeff").partition("\r\n")[0], delimiters=";,")
    assert dialect.delimiter == delimiter
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=dialect.delimiter))
    assert [len(row) for row in rows] == [4, 4, 4]
    assert rows[0] == ROWS[0]
    assert rows[1][0] == "Farsta; Älvsjö"  # a delimiter inside a text stays in its cell
    assert rows[2][0] == "'=HYPERLINK(\"x\")"  # never run as a formula
    numbers = [[parse_decimal(cell, locale=locale) if cell else None for cell in row[1:]]
               for row in rows[1:]]
    assert numbers == [[12345, Decimal("63.7"), Decimal("-2.25")], [0, Decimal("0.5"), None]]
    if locale == "sv":  # no grouping space, an ASCII minus: what Swedish Excel parses
        assert rows[1][1:] == ["12345", "63,7", "-2,25"]
    else:
        assert rows[1][1:] == ["12345", "63.7", "-2.25"]
