"""The mapping file of ``flask survey import``: which CSV column is which dimension or
question, and how raw values become stored ones. TOML, read with the standard library::

    [csv]                       # delimiter (detected: , ; or tab), encoding (UTF-8)
    ignore = ["", "rownames"]   # columns not imported (header text, or 1-based number)

    [wave]                      # name (or --wave), name_en, opens_on, closes_on, submitted_on,
                                # kind = "history" or "benchmark" (or --kind)
    [instrument]                # code, title_sv, title_en, section_sv, section_en
    [answers]                   # defaults of every [[question]]: type, points, missing, …

    [[dimension]]
    column = "1. What is your gender?"   # header text; a number means a position
    code = "gender"                      # a Dimension code (created when name_sv is given)
    missing = [""]
    values = { Female = "woman", Male = "man" }  # raw → value code, or a table
                                                 # {code, name_sv, name_en} to create it
    bands = [{ below = 40, code = "lt40", name_sv = …, name_en = … }, …]  # numeric ranges

    [[question]]
    column = "A1"
    code = "bfi-a1"
    type = "agreement"          # or scale10, number, yesno, choice
    points = 6
    reverse = true
    missing = [""]              # raw values meaning "no answer"
    cannot_answer = []          # raw values meaning "cannot answer"
    recode = { Yes = 1, No = 0 }
    text_sv = …, text_en = …, index_code = …, labels_sv = […], labels_en = […]

Errors are ``MappingError`` with a message naming the table and key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from survey.models import AGREEMENT, CHOICE, IMPORT_KINDS, NUMBER, SCALE_0_10, YES_NO

IMPORTABLE_TYPES = (AGREEMENT, SCALE_0_10, NUMBER, YES_NO, CHOICE)
Column = str | int


class MappingError(ValueError):
    """The mapping cannot be used (message for the person running the import)."""


@dataclass(frozen=True)
class ValueSpec:
    code: str
    name_sv: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Band:
    """Numbers ``at_least`` ≤ x < ``below`` (either end open) give ``value``."""

    value: ValueSpec
    at_least: float | None = None
    below: float | None = None

    def holds(self, number: float) -> bool:
        return (self.at_least is None or number >= self.at_least) and (
            self.below is None or number < self.below
        )


@dataclass(frozen=True)
class DimensionSpec:
    column: Column
    code: str
    name_sv: str = ""
    name_en: str = ""
    missing: frozenset[str] = frozenset({""})
    values: dict[str, ValueSpec] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class QuestionSpecMap:
    column: Column
    code: str
    type: str = AGREEMENT
    points: int | None = None
    reverse: bool = False
    missing: frozenset[str] = frozenset({""})
    cannot_answer: frozenset[str] = frozenset()
    recode: dict[str, int] = field(default_factory=dict)
    min_value: int | None = None
    max_value: int | None = None
    options: tuple[dict[str, Any], ...] = ()
    text_sv: str = ""
    text_en: str = ""
    index_code: str | None = None
    labels_sv: tuple[str, ...] = ()
    labels_en: tuple[str, ...] = ()

    def scale(self) -> tuple[int | None, int | None]:
        """The allowed range of stored values (None = open)."""
        if self.type == AGREEMENT:
            return 1, self.points or 5
        if self.type == SCALE_0_10:
            return 0, 10
        if self.type == YES_NO:
            return 0, 1
        return self.min_value, self.max_value


@dataclass(frozen=True)
class ImportMapping:
    wave_name: str | None = None
    wave_name_en: str = ""
    #: "history" (the organisation's own earlier results) or "benchmark" (another's)
    kind: str | None = None
    opens_on: date | None = None
    closes_on: date | None = None
    submitted_on: date | None = None
    instrument_code: str | None = None
    instrument_texts: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None  #: None: detected from the header line
    encoding: str | None = None  #: None: UTF-8, with or without a byte order mark
    ignore: tuple[Column, ...] = ()
    dimensions: tuple[DimensionSpec, ...] = ()
    questions: tuple[QuestionSpecMap, ...] = ()


TABLE_KEYS = {
    "csv": {"delimiter", "encoding", "ignore"},
    "wave": {"name", "name_en", "kind", "opens_on", "closes_on", "submitted_on"},
    "instrument": {"code", "title_sv", "title_en", "intro_sv", "intro_en", "section_sv",
                   "section_en"},
    "dimension": {"column", "code", "name_sv", "name_en", "missing", "values", "bands"},
    "question": {"column", "code", "type", "points", "reverse", "missing", "cannot_answer",
                 "recode", "min_value", "max_value", "options", "text_sv", "text_en",
                 "index_code", "labels_sv", "labels_en"},
}
TOP_KEYS = {"csv", "wave", "instrument", "answers", "dimension", "question"}


def _check_keys(where: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise MappingError(f"{where}: unknown keys {', '.join(sorted(unknown))}")


def _date(where: str, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise MappingError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _strings(where: str, value: Any) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MappingError(f"{where}: give a list of texts")
    return frozenset(v.strip() for v in value)


def _column(where: str, value: Any) -> Column:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise MappingError(f"{where}: column must be a header text or a column number")
    if isinstance(value, int) and value < 1:
        raise MappingError(f"{where}: column numbers start at 1")
    return value


def _value_spec(where: str, value: Any) -> ValueSpec:
    if isinstance(value, str):
        return ValueSpec(value)
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        _check_keys(where, value, {"code", "name_sv", "name_en"})
        return ValueSpec(value["code"], value.get("name_sv", ""), value.get("name_en", ""))
    raise MappingError(f"{where}: give a value code, or a table with code, name_sv, name_en")


def _dimension(index: int, table: dict[str, Any]) -> DimensionSpec:
    where = f"[[dimension]] {index}"
    _check_keys(where, table, TABLE_KEYS["dimension"])
    if "column" not in table or not isinstance(table.get("code"), str):
        raise MappingError(f"{where}: column and code are required")
    values = {
        str(raw).strip(): _value_spec(f"{where} values.{raw}", spec)
        for raw, spec in (table.get("values") or {}).items()
    }
    bands = []
    for band in table.get("bands") or ():
        if not isinstance(band, dict):
            raise MappingError(f"{where}: each band is a table")
        _check_keys(f"{where} band", band, {"at_least", "below", "code", "name_sv", "name_en"})
        spec = _value_spec(f"{where} band", {k: band[k] for k in band
                                              if k in ("code", "name_sv", "name_en")})
        bands.append(Band(spec, band.get("at_least"), band.get("below")))
    return DimensionSpec(
        column=_column(where, table["column"]), code=table["code"],
        name_sv=table.get("name_sv", ""), name_en=table.get("name_en", ""),
        missing=_strings(f"{where} missing", table.get("missing", [""])),
        values=values, bands=tuple(bands),
    )


def _question(index: int, table: dict[str, Any], defaults: dict[str, Any]) -> QuestionSpecMap:
    where = f"[[question]] {index}"
    merged = {**defaults, **table}
    _check_keys(where, merged, TABLE_KEYS["question"])
    if "column" not in table or not isinstance(merged.get("code"), str):
        raise MappingError(f"{where}: column and code are required")
    qtype = merged.get("type", AGREEMENT)
    if qtype not in IMPORTABLE_TYPES:
        raise MappingError(f"{where}: type must be one of {', '.join(IMPORTABLE_TYPES)}")
    recode = merged.get("recode") or {}
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in recode.values()):
        raise MappingError(f"{where}: recode maps raw texts to whole numbers")
    return QuestionSpecMap(
        column=_column(where, merged["column"]), code=merged["code"], type=qtype,
        points=merged.get("points") if qtype == AGREEMENT else None,
        reverse=bool(merged.get("reverse", False)),
        missing=_strings(f"{where} missing", merged.get("missing", [""])),
        cannot_answer=_strings(f"{where} cannot_answer", merged.get("cannot_answer", [])),
        recode={str(k).strip(): v for k, v in recode.items()},
        min_value=merged.get("min_value"), max_value=merged.get("max_value"),
        options=tuple(merged.get("options") or ()),
        text_sv=merged.get("text_sv", ""), text_en=merged.get("text_en", ""),
        index_code=merged.get("index_code"),
        labels_sv=tuple(merged.get("labels_sv") or ()),
        labels_en=tuple(merged.get("labels_en") or ()),
    )


def parse_mapping(data: dict[str, Any]) -> ImportMapping:
    """An ``ImportMapping`` from parsed TOML."""
    _check_keys("mapping", data, TOP_KEYS)
    tables = {name: data.get(name) or {} for name in ("csv", "wave", "instrument")}
    for name, table in tables.items():
        _check_keys(f"[{name}]", table, TABLE_KEYS[name])
    csv_table, wave, instrument = tables["csv"], tables["wave"], tables["instrument"]
    defaults = data.get("answers") or {}
    _check_keys("[answers]", defaults, TABLE_KEYS["question"] - {"column", "code"})
    questions = tuple(
        _question(i, t, defaults) for i, t in enumerate(data.get("question") or (), start=1)
    )
    if not questions:
        raise MappingError("the mapping has no [[question]]")
    kind = wave.get("kind")
    if kind is not None and kind not in IMPORT_KINDS:
        raise MappingError(f"[wave] kind: {kind!r} is neither {' nor '.join(IMPORT_KINDS)}")
    return ImportMapping(
        wave_name=wave.get("name"), kind=kind,
        wave_name_en=str(wave.get("name_en") or ""),
        opens_on=_date("[wave] opens_on", wave.get("opens_on")),
        closes_on=_date("[wave] closes_on", wave.get("closes_on")),
        submitted_on=_date("[wave] submitted_on", wave.get("submitted_on")),
        instrument_code=instrument.get("code"),
        instrument_texts={k: v for k, v in instrument.items() if k != "code"},
        delimiter=csv_table.get("delimiter"),
        encoding=csv_table.get("encoding"),
        ignore=tuple(_column("[csv] ignore", c) for c in csv_table.get("ignore", [])),
        dimensions=tuple(_dimension(i, t) for i, t in enumerate(data.get("dimension") or (), 1)),
        questions=questions,
    )


def load_mapping(path: Path | str) -> ImportMapping:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path}: {error}") from None
    return parse_mapping(data)


def with_overrides(
    mapping: ImportMapping,
    *,
    points: int | None = None,
    reverse: tuple[str, ...] = (),
    missing: tuple[str, ...] = (),
    **fields: Any,
) -> ImportMapping:
    """The mapping with command-line options applied: ``fields`` replace mapping fields when
    given (not None); ``points`` applies to every agreement question; ``reverse`` names
    question codes (or columns) to reverse-key; ``missing`` adds raw "no answer" values."""
    known = {q.code for q in mapping.questions} | {str(q.column) for q in mapping.questions}
    unknown = set(reverse) - known
    if unknown:
        raise MappingError(f"--reverse: no question {', '.join(sorted(unknown))}")
    questions = []
    for q in mapping.questions:
        changes: dict[str, Any] = {}
        if points is not None and q.type == AGREEMENT:
            changes["points"] = points
        if q.code in reverse or str(q.column) in reverse:
            changes["reverse"] = True
        if missing:
            changes["missing"] = q.missing | {m.strip() for m in missing}
        questions.append(replace(q, **changes))
    given = {k: v for k, v in fields.items() if v is not None and v != ()}
    if "ignore" in given:
        given["ignore"] = mapping.ignore + tuple(given["ignore"])
    return replace(mapping, questions=tuple(questions), **given)
