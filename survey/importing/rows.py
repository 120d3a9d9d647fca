"""Importing historical or external results from a CSV file (``flask survey import``).

Two phases, so that a bad file changes nothing: ``survey.importing.plan.plan_import`` checks
the mapping against what exists, and ``read_rows`` checks EVERY row, collecting each
problem with its line and column. Only a file without problems is stored, by
``survey.importing.store`` through the same bulk path as web submissions
(``survey.services.store_responses``), so the counters stay exact.

Line numbers are those of the file (the header is line 1; a quoted value spanning lines
counts from its first line); column numbers start at 1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from core.csvfile import CsvRefused, Problem, read_csv
from survey.importing.mapping import Column, DimensionSpec, QuestionSpecMap, ValueSpec
from survey.importing.plan import ImportPlan
from survey.models import CANNOT_ANSWER, CHOICE

MAX_SHOWN = 20
Converter = Callable[[str], tuple[object, str | None]]


@dataclass
class Problems:
    """The first ``MAX_SHOWN`` problems and how many there were in all."""

    shown: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.shown) < MAX_SHOWN:
            self.shown.append(problem)


@dataclass
class ParsedRows:
    """Valid rows: per row the dimension values (ValueSpec or None) and the answers (stored
    value or None), both in mapping order."""

    rows: list[tuple[tuple[ValueSpec | None, ...], tuple[int | None, ...]]]
    problems: Problems


def whole_number(text: str) -> tuple[int | None, str | None]:
    """'4', '4.0', ' 4 ' → 4; otherwise a reason."""
    try:
        return int(text), None
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None, f"{text!r} is not a number"
    if not number.is_integer():
        return None, f"{text!r} is not a whole number"
    return int(number), None


def answer_converter(spec: QuestionSpecMap) -> Converter:
    """raw text → (stored value or None for no answer, reason or None)."""
    low, high = spec.scale()
    allowed = {o.get("value") for o in spec.options} if spec.type == CHOICE else None

    def convert(raw: str) -> tuple[object, str | None]:
        text = raw.strip()
        if text in spec.missing:
            return None, None
        if text in spec.cannot_answer:
            return CANNOT_ANSWER, None
        if text in spec.recode:
            value: int | None = spec.recode[text]
        else:
            value, reason = whole_number(text)
            if reason:
                return None, reason
        if allowed is not None and value not in allowed:
            return None, f"{text!r} is not one of the options {sorted(allowed)}"
        if (low is not None and value < low) or (high is not None and value > high):
            scale = f"{'' if low is None else low}–{'' if high is None else high}"
            return None, f"{text!r} is outside the scale {scale}"
        return value, None

    return convert


def dimension_converter(spec: DimensionSpec, existing_codes: set[str]) -> Converter:
    """raw text → (ValueSpec or None when missing, reason or None)."""

    def convert(raw: str) -> tuple[object, str | None]:
        text = raw.strip()
        if text in spec.missing:
            return None, None
        if text in spec.values:
            return spec.values[text], None
        if spec.bands:
            number, reason = whole_number(text)
            if reason is None:
                band = next((b for b in spec.bands if b.holds(number)), None)
                if band is not None:
                    return band.value, None
                return None, f"{text!r} is in no band of dimension {spec.code!r}"
        if not spec.values and not spec.bands and text in existing_codes:
            return ValueSpec(text), None
        return None, f"unknown value {text!r} for dimension {spec.code!r}"

    return convert


def _cached(convert: Converter) -> Converter:
    """Answers repeat a handful of raw texts: convert each once."""
    memo: dict[str, tuple[object, str | None]] = {}

    def cached(raw: str) -> tuple[object, str | None]:
        result = memo.get(raw)
        if result is None:
            result = memo[raw] = convert(raw)
        return result

    return cached


def resolve_columns(header: list[str], plan: ImportPlan, problems: Problems) -> list[int]:
    """Column indexes of the mapped dimensions then questions; every other column must be
    ignored explicitly, so that a column is never dropped by mistake."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip(), []).append(index)
    mapping = plan.mapping

    def find(column: Column) -> int | None:
        if isinstance(column, int):
            if column > len(header):
                problems.add(Problem(1, column, f"the file has {len(header)} columns"))
                return None
            return column - 1
        found = positions.get(column.strip(), [])
        if len(found) != 1:
            reason = "no such column" if not found else "the header repeats it; use its number"
            problems.add(Problem(1, (found or [0])[0] + 1, reason, column))
            return None
        return found[0]

    indexes = [find(s.column) for s in (*mapping.dimensions, *mapping.questions)]
    ignored = {find(column) for column in mapping.ignore}
    for index in sorted(i for i in ignored & set(indexes) if i is not None):
        problems.add(Problem(1, index + 1, "both mapped and ignored", header[index]))
    for index, name in enumerate(header):
        if index not in indexes and index not in ignored:
            problems.add(Problem(1, index + 1, "neither mapped nor ignored", name))
    return [i if i is not None else -1 for i in indexes]


def read_rows(data: bytes | str, plan: ImportPlan, max_rows: int | None = None) -> ParsedRows:
    """Check every row of the CSV file (``core.csvfile``: UTF-8 unless the mapping names
    an encoding, the delimiter detected unless it names one); valid rows are returned only
    when there is no problem at all. A file of more than ``max_rows`` rows is refused at the
    first row beyond, without reading on (the setting SURVEY_IMPORT_MAX_ROWS)."""
    mapping = plan.mapping
    problems = Problems()
    try:
        table = read_csv(data, delimiter=mapping.delimiter, encoding=mapping.encoding)
        return _check_rows(table.header, table.rows(), plan, problems, max_rows)
    except CsvRefused as refused:
        problems.add(refused.problem)
        return ParsedRows([], problems)


def _check_rows(header: list[str], records: Iterator[tuple[int, list[str]]], plan: ImportPlan,
                problems: Problems, max_rows: int | None) -> ParsedRows:
    mapping = plan.mapping
    if not header:
        problems.add(Problem(1, 1, "the file is empty"))
        return ParsedRows([], problems)
    indexes = resolve_columns(header, plan, problems)
    if problems.total:
        return ParsedRows([], problems)
    converters = [
        _cached(dimension_converter(spec, codes))
        for spec, codes in zip(mapping.dimensions, plan.value_codes, strict=True)
    ] + [_cached(answer_converter(spec)) for spec in mapping.questions]
    columns = list(zip(indexes, converters, strict=True))
    dimension_count = len(mapping.dimensions)
    width = len(header)
    rows = []
    for count, (line, values) in enumerate(records, start=1):
        if max_rows is not None and count > max_rows:
            problems.add(Problem(line, 0, f"the file has more than {max_rows:,} rows "
                                          "(the setting SURVEY_IMPORT_MAX_ROWS)"))
            break
        if len(values) != width:
            column = min(len(values), width) + 1
            name = header[column - 1] if column <= width else ""
            problems.add(Problem(line, column, f"the line has {len(values)} values, "
                                               f"the header {width}", name))
            continue
        parsed = []
        for index, convert in columns:
            value, reason = convert(values[index])
            if reason is not None:
                problems.add(Problem(line, index + 1, reason, header[index]))
            parsed.append(value)
        if not problems.total:
            rows.append((tuple(parsed[:dimension_count]), tuple(parsed[dimension_count:])))
    return ParsedRows(rows if not problems.total else [], problems)
