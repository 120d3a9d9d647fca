"""HR figures from a CSV file, all or nothing.

The file has a header ``district_code,period,indicator,value`` (columns in any order; comma,
semicolon or tab as separator, as spreadsheets save it) and one figure per line, e.g.
``farsta,2018H1,turnover,"14,5"``. The district is its code or its Swedish name, the period a
half-year (``2018H1``), the indicator ``turnover``, ``consultants`` or ``sick-leave`` (or
the Swedish ``personalomsattning``, ``konsulter``, ``sjukfranvaro``); a value may use a
decimal comma. The file is read by ``core.csvfile`` (UTF-8; another encoding is refused with
a message saying how to save the file). Every line is checked before anything is stored: a
problem is reported as ``line L, column C: reason`` and then nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from core.csvfile import CsvRefused, Problem, read_csv
from core.i18n import _
from core.inputs import control_character_problem
from steering.plan.indicators import HR, check_value, hr_indicator, parse_half_year, parse_number
from steering.plan.services import HrRow

HEADER = ("district_code", "period", "indicator", "value")
#: the default of the setting HR_IMPORT_MAX_ROWS
MAX_LINES = 20000


@dataclass
class ImportResult:
    rows: list[HrRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _problem(line: int, column: int, reason: str) -> str:
    return str(Problem(line, column, reason))


def _header(names: list[str]) -> dict[str, int] | None:
    """{column name: index} when ``names`` are the expected header."""
    names = [name.strip().lower() for name in names]
    if sorted(names) == sorted(HEADER):
        return {name: names.index(name) for name in HEADER}
    return None


def parse_hr_csv(raw: bytes, districts: Mapping[str, int],
                 may_edit: Callable[[int], bool], max_lines: int = MAX_LINES) -> ImportResult:
    """Check every line of an HR figures file.

    ``districts`` maps lower-case district codes and names to ids; ``may_edit(id)`` says
    whether the importing user may enter figures for that district. A file of more than
    ``max_lines`` lines is refused without reading on. Returns the rows to store, or the
    problems (then no rows)."""
    result = ImportResult()
    line = 1
    try:
        table = read_csv(raw)
        columns = _header(table.header)
        if columns is None:
            result.errors.append(_problem(1, 1, _(
                "the first line must be the header %(header)s", header=",".join(HEADER))))
            return result
        seen: dict[tuple[int, str, str], int] = {}
        for line, cells in table.rows():
            if line > max_lines:
                result.errors.append(_problem(line, 1, _("the file has more than %(n)d lines",
                                                         n=max_lines)))
                break
            row = _check_line(line, cells, columns, districts, may_edit, result.errors)
            if row is None:
                continue
            key = (row.district_id, row.period, row.indicator)
            if key in seen:
                result.errors.append(_problem(line, columns["district_code"] + 1, _(
                    "the same district, period and indicator as on line %(other)d",
                    other=seen[key])))
                continue
            seen[key] = line
            result.rows.append(row)
    except CsvRefused as refused:
        result.errors.append(str(refused.problem))
    if not result.rows and not result.errors:
        result.errors.append(_problem(max(line, 2), 1, _("the file has no figures")))
    if result.errors:
        result.rows = []
    return result


def _check_line(line: int, cells: list[str], columns: dict[str, int],
                districts: Mapping[str, int], may_edit: Callable[[int], bool],
                errors: list[str]) -> HrRow | None:
    """One line's row, or None after adding its problems to ``errors``."""
    before = len(errors)
    width = len(columns)
    if len(cells) > width:
        errors.append(_problem(line, width + 1, _("more columns than the header has")))
        return None
    for index, text in enumerate(cells):
        if (problem := control_character_problem(text)) is not None:
            errors.append(_problem(line, index + 1, problem))
    if len(errors) > before:
        return None

    def cell(name: str) -> tuple[int, str]:
        index = columns[name]
        return index + 1, (cells[index].strip() if index < len(cells) else "")

    column, code = cell("district_code")
    district_id = districts.get(code.lower())
    if not code:
        errors.append(_problem(line, column, _("the district code is missing")))
    elif district_id is None:
        errors.append(_problem(line, column, _("unknown district “%(code)s”", code=code)))
    elif not may_edit(district_id):
        errors.append(_problem(line, column, _("you may not enter figures for “%(code)s”",
                                               code=code)))
    column, text = cell("period")
    period = parse_half_year(text)
    if period is None:
        errors.append(_problem(line, column, _("“%(text)s” is not a half-year such as 2018H1",
                                               text=text)))
    column, text = cell("indicator")
    indicator = hr_indicator(text)
    if indicator is None:
        errors.append(_problem(line, column, _(
            "unknown indicator “%(text)s”: use turnover, consultants or sick-leave",
            text=text)))
    column, text = cell("value")
    value = parse_number(text)
    if value is None:
        errors.append(_problem(line, column, _("“%(text)s” is not a number", text=text)
                               if text else _("the value is missing")))
    elif indicator is not None:
        problem = check_value(HR, indicator.code, value)
        if problem:
            errors.append(_problem(line, column, problem))
    if len(errors) > before:
        return None
    assert district_id is not None and period and indicator and value is not None  # noqa: S101
    return HrRow(district_id, period, indicator.code, value)
