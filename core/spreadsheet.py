"""Text as it goes into a file that a spreadsheet opens (CSV, XLSX), and back.

Every export writes its text cells through :func:`spreadsheet_text`: characters that an XLSX
file (XML) cannot hold are taken out, so that a stray control character stored before the
input policy existed never stops a download, and a cell that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading apostrophe.
An import of a file that was exported and edited reads cells through
:func:`from_spreadsheet_text`, which takes that apostrophe away again.

Every CSV download is written with :func:`csv_document` (or :func:`csv_row` where rows are
streamed) and sent with :func:`csv_response`: in the convention of the reader's language
(:func:`csv_convention`), UTF-8 with a byte order mark, one Content-Type."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol
from flask import Response

from core.i18n import current_language
from core.inputs import clean_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` safe for a CSV or XLSX cell: no control characters but tab and line breaks,
    and never read as a formula."""
    text = clean_text(text, multiline=True)
    return "'" + text if text.startswith(FORMULA_START) else text


def from_spreadsheet_text(text: str) -> str:
    """A cell written by :func:`spreadsheet_text`, as it was before the apostrophe."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# --- CSV as a spreadsheet of the reader's language opens it -------------------------------

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_LINE_END = "\r\n"
BYTE_ORDER_MARK = "\ufeff"
#: digits as a spreadsheet reads them: no grouping, as many decimals as the figure has
NUMBER_PATTERN = "0.##########"


@dataclass(frozen=True)
class CsvConvention:
    """How a spreadsheet with the reader's language settings reads CSV: Excel with Swedish
    settings splits on semicolons and reads "63,7"; with English settings it splits on
    commas and reads "63.7"."""

    locale: str
    delimiter: str
    decimal: str


def csv_convention(locale: str | None = None) -> CsvConvention:
    """The convention of ``locale`` (default: the request's language). The list separator
    is a semicolon wherever the decimal sign is a comma (Babel's symbol for the locale)."""
    if locale is None:
        locale = current_language()
    decimal = get_decimal_symbol(locale)
    return CsvConvention(locale, ";" if decimal == "," else ",", decimal)


def csv_cell(value: Any, convention: CsvConvention) -> str:
    """One cell: empty for None, numbers by Babel in the locale without grouping (so that a
    spreadsheet parses them), text through :func:`spreadsheet_text`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, NUMBER_PATTERN, locale=convention.locale)
    return spreadsheet_text(str(value))


def csv_row(cells: Iterable[Any], convention: CsvConvention) -> str:
    """One record without its line end (quoted where a cell holds the delimiter, a quote or
    a line break)."""
    out = io.StringIO()
    csv.writer(out, delimiter=convention.delimiter, lineterminator="").writerow(
        [csv_cell(value, convention) for value in cells])
    return out.getvalue()


def csv_document(rows: Iterable[Iterable[Any]], convention: CsvConvention) -> Iterator[str]:
    """The file as it is written: a byte order mark (so that Excel reads UTF-8, å ä ö),
    then every row with its line end."""
    yield BYTE_ORDER_MARK
    for row in rows:
        yield csv_row(row, convention) + CSV_LINE_END


def csv_response(body: str | Iterable[str], filename: str) -> Response:
    """A CSV download with one Content-Type (``content_type`` is sent as given; a mimetype
    would get a second ``charset``)."""
    return Response(body, content_type=CSV_CONTENT_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
