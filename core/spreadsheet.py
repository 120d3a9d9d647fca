"""Text as it goes into a file that a spreadsheet opens (CSV, XLSX), and back.

Every export writes its text cells through :func:`spreadsheet_text`: characters that an XLSX
file (XML) cannot hold are taken out, so that a stray control character stored before the
input policy existed never stops a download, and a cell that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, tab, carriage return first) gets a leading apostrophe.
An import of a file that was exported and edited reads cells through
:func:`from_spreadsheet_text`, which takes that apostrophe away again."""

from __future__ import annotations

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
