"""Tables as the reports publish them, one shape for the page, CSV, XLSX and JSON.

A table cell is a :class:`Value`: a figure, or no figure and the reason it is hidden. The
exports write a hidden cell as empty and list the reasons of the row in a last column, so
that a number withheld by the disclosure gate can never travel in a file. Every text in a
file (cells, headers, the reasons) goes through ``core.spreadsheet.spreadsheet_text``:
formulas defused with a leading apostrophe, characters XLSX cannot hold taken out."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from core.disclosure.gate import REASON_BELOW_MINIMUM, REASON_COMPLEMENTARY
from core.i18n import _, fmt_number, fmt_percent
from core.spreadsheet import csv_convention, csv_document, spreadsheet_text
from core.stats.significance import NO_CLEAR_CHANGE, UP
from steering.results.data import REASON_WAVE_OPEN

TEXT, INT, NUM, PCT = "text", "int", "num", "pct"
#: a coefficient read to two decimals (Cronbach's alpha)
COEF = "coef"


def reason_text(reason: str | None) -> str:
    """The words shown instead of a hidden figure."""
    minimum = current_app.config["MIN_GROUP_SIZE"]
    if reason == REASON_BELOW_MINIMUM:
        return _("fewer than %(n)d answers", n=minimum)
    if reason == REASON_COMPLEMENTARY:
        return _("hidden to protect a small group")
    if reason == REASON_WAVE_OPEN:
        return _("not shown while the wave is open")
    if reason == "too_few_for_alpha":
        return _("fewer than %(n)d respondents answered every item",
                 n=max(int(current_app.config["RELIABILITY_MIN_RESPONDENTS"]),
                       int(current_app.config["MIN_GROUP_SIZE"])))
    if reason == "free_text":
        return _("fewer than %(n)d answers",
                 n=current_app.config["MIN_GROUP_SIZE_FREE_TEXT"])
    return _("not available")


@dataclass(frozen=True)
class Range:
    """A figure published as the range it lies in (both ends included), never as itself."""

    low: float
    high: float


def range_text(value: Range, kind: str) -> str:
    """``35–39`` or ``70–79 %`` in the active locale."""
    if kind == PCT:
        return f"{fmt_number(round(value.low * 100))}–{fmt_percent(value.high)}"
    return f"{fmt_number(int(value.low))}–{fmt_number(int(value.high))}"


@dataclass(frozen=True)
class Value:
    """A figure (``value``) or, when ``reason`` is set, none."""

    value: Any = None
    reason: str | None = None

    @property
    def hidden(self) -> bool:
        return self.reason is not None


def hidden_or(reason: str | None, value: Any) -> Value:
    """No figure when the row's ``reason`` hides it, else ``value``."""
    return Value(None, reason) if reason else Value(value)


def direction_text(direction: str, better: bool | None, unclear: str) -> str:
    """A change or a difference in words (never colour alone): ``unclear`` when no clear
    direction, else "higher (better)" and so on."""
    if direction == NO_CLEAR_CHANGE:
        return unclear
    word = _("higher") if direction == UP else _("lower")
    judged = _("better") if better else _("worse")
    return f"{word} ({judged})"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT  #: text, int, num (one decimal), pct (share 0..1)


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **cells: Any) -> None:
        self.rows.append(cells)

    def cell(self, row: dict[str, Any], key: str) -> Value:
        raw = row.get(key)
        return raw if isinstance(raw, Value) else Value(raw)


def export_value(value: Value, kind: str) -> Any:
    """The figure as written into a file: numbers rounded, text defused, hidden empty."""
    if value.hidden or value.value is None:
        return None
    if isinstance(value.value, Range):
        return spreadsheet_text(range_text(value.value, kind))
    if kind == INT:
        return int(value.value)
    if kind == NUM:
        return round(float(value.value), 1)
    if kind == COEF:
        return round(float(value.value), 2)
    if kind == PCT:
        return round(float(value.value) * 100, 1)
    return spreadsheet_text(str(value.value))


def export_header(table: Table) -> list[str]:
    labels = [f"{c.label} (%)" if c.kind == PCT else c.label for c in table.columns]
    return [spreadsheet_text(str(label)) for label in (*labels, _("Hidden figures"))]


def export_rows(table: Table) -> Iterable[list[Any]]:
    for row in table.rows:
        cells = [table.cell(row, c.key) for c in table.columns]
        notes = [f"{c.label}: {reason_text(v.reason)}"
                 for c, v in zip(table.columns, cells, strict=True) if v.hidden]
        yield [*(export_value(v, c.kind) for c, v in zip(table.columns, cells, strict=True)),
               spreadsheet_text("; ".join(notes))]


def to_csv(table: Table, language: str | None = None) -> str:
    """CSV with a header row, written as a spreadsheet of the reader's language opens it
    (Swedish pages give semicolons and decimal commas, see ``core.spreadsheet``)."""
    return "".join(csv_document([export_header(table), *export_rows(table)],
                                csv_convention(language)))


def to_xlsx(table: Table) -> bytes:
    """One worksheet with the same header and values as the CSV, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append(export_header(table))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(table):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(table: Table) -> dict[str, Any]:
    """``{name, title, columns, rows}``; a hidden cell is ``{"value": null, "hidden":
    reason}``, a shown one its value (percentages as shares 0..1)."""
    rows = []
    for row in table.rows:
        item = {}
        for c in table.columns:
            v = table.cell(row, c.key)
            item[c.key] = ({"value": None, "hidden": v.reason} if v.hidden
                           else _json_value(v.value, c.kind))
        rows.append(item)
    return {"name": table.name, "title": table.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
            "rows": rows}


def _json_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if isinstance(value, Range):
        return {"low": _json_value(value.low, kind), "high": _json_value(value.high, kind)}
    if kind == INT:
        return int(value)
    if kind in (NUM, PCT, COEF):
        return round(float(value), 4 if kind in (PCT, COEF) else 2)
    return str(value)
