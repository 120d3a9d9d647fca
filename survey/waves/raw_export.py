"""The raw responses of a closed wave as CSV, for central analysts and administrators: one row
per response, the unit as codes and one column per counted question (by question code).

What keeps it anonymous:

* no response id (ids are random anyway, and the rows are ordered by them, so the order
  reveals nothing about who answered when), no date (the wave names the period), no free
  text (it is stored apart from the responses and cannot be joined to them);
* the identifying columns are coarsened with the wave's published disclosure pattern, not on
  their own: a district that the results hide has its district, service area and role blanked
  (``*``) on all its rows; a district where the results hide any service area (for any
  question) has its service area blanked on *all* its rows, never only on the hidden ones,
  since a reader could subtract again; the same for staff roles. Area and role are shown
  together only where every crossing of the two holds zero or at least ``MIN_GROUP_SIZE``
  responses and, for every question, no answers or at least ``MIN_GROUP_SIZE`` valid ones
  (a "cannot answer" is not a valid answer: the rule the results use for a unit), and the
  extra background questions (tenure …) only in the combinations that meet the same rule.
  So every combination of exported identifying values covers at least the minimum number
  of rows and of valid answers to each question, and the export adds to the published
  results nothing that the pattern hides: its counts by district, area or role are
  published figures already;
* the answers themselves follow each question's pattern: the rows of hidden districts,
  which add up to the city less the districts shown and could be matched to their district
  by the answers the results publish for it, give ``*`` for every question the results
  hide for any of those districts (or for the whole city); where the results hide the
  city's response count, the export has no rows. A combination of exported values that
  would still show a question with fewer than the minimum valid answers gives ``*`` for it;
* results exist only for closed waves: an open wave has no export.

An empty cell in an identifying column means the respondent was not asked or did not say;
``*`` means the value is hidden. Answers: the value, ``na`` for "cannot answer", empty when
unanswered, ``*`` when hidden.

The disclosure pattern is built by the steering package (the one place every output reads it
from); it registers a function under ``PUBLISHED_PATTERN`` in the app's extensions. One statement
reads the rows: answers are pivoted in SQL (grouped by response); the file is written as it
streams, on a database session of its own (the request's session is closed by then), in the
spreadsheet convention of the reader's language (``core.spreadsheet``: semicolons from
Swedish pages, commas from English ones)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import TextIO

from flask import abort, current_app, render_template, stream_with_context
from sqlalchemy import String, and_, case, cast, func, select
from sqlalchemy.orm import Session

from core.access import CENTRAL, requires
from core.db import get_session
from core.disclosure.gate import TOTAL
from core.i18n import _
from core.org.models import DimensionValue, District, ServiceArea, StaffRole
from core.spreadsheet import (
    BYTE_ORDER_MARK,
    CSV_LINE_END,
    CsvConvention,
    csv_convention,
    csv_response,
    csv_row,
)
from survey.catalog import wave_instrument
from survey.models import (
    CANNOT_ANSWER,
    CLOSED,
    COUNTED_TYPES,
    Answer,
    ResponseCount,
    Rollup,
    Wave,
)
from survey.models import Response as SurveyResponse
from survey.units import decode_extra

#: how a "cannot answer" is written (the respondent form's value for it)
CANNOT_ANSWER_CELL = "na"
#: an identifying value the published results do not allow to show
HIDDEN_CELL = "*"
#: rows fetched from the database at a time
BATCH = 5000
#: joins the values inside the database; a row is used as it is where the file's delimiter
#: is the same (Swedish), else the separators are swapped (values are numbers or codes)
VALUE_SEPARATOR = ";"
#: app.extensions key of ``(db, wave) -> Hidden``: what the published results of a closed
#: wave hide (registered by the steering package)
PUBLISHED_PATTERN = "results_published_pattern"
CITY = (TOTAL, TOTAL, TOTAL)

UnitKey = tuple[int, int, int, str]  #: (district, service area, role ids, 0 = not stated; extra)
Shown = tuple[Hashable, ...]  #: exported ids, HIDDEN_CELL where blanked
#: per unit, per counted question id: (valid answers, "cannot answer" answers)
AnswerCounts = Mapping[UnitKey, Mapping[int, tuple[int, int]]]


@dataclass(frozen=True)
class Hidden:
    """What a closed wave's published results hide, by scope key (district, area, role with
    TOTAL for "all"): the response counts, and each counted question's answers."""

    units: frozenset[tuple]
    questions: Mapping[int, frozenset[tuple]]

    @property
    def anywhere(self) -> frozenset[tuple]:
        """Every key hidden by some figure: no exported column may single it out."""
        found = set(self.units)
        for keys in self.questions.values():
            found |= keys
        return frozenset(found)


def raw_rows_statement(wave_id: int, cannot_answer_ids: list[int]):
    """One row per response of the wave: its unit, then its answers as two aligned
    strings, question ids (``"21,22,…"``) and values (``"3;5;na;…"``); the aggregation is
    done by the database, so Python handles one row per response, not one per answer."""
    value = cast(Answer.value, String)
    if cannot_answer_ids:
        value = case(
            (and_(Answer.value == CANNOT_ANSWER, Answer.question_id.in_(cannot_answer_ids)),
             CANNOT_ANSWER_CELL),
            else_=value,
        )
    return (
        select(
            SurveyResponse.district_id, SurveyResponse.service_area_id,
            SurveyResponse.staff_role_id, SurveyResponse.extra_key,
            func.aggregate_strings(cast(Answer.question_id, String), ","),
            func.aggregate_strings(value, VALUE_SEPARATOR),
        )
        .outerjoin(Answer, Answer.response_id == SurveyResponse.id)
        .where(SurveyResponse.wave_id == wave_id)
        .group_by(SurveyResponse.id)
        .order_by(SurveyResponse.id)
    )


def unit_counts(db: Session, wave_id: int) -> dict[UnitKey, int]:
    """Responses per full unit (district, area, role, extra key) from the counters."""
    rows = db.execute(
        select(ResponseCount.district_id, ResponseCount.service_area_id,
               ResponseCount.staff_role_id, ResponseCount.extra_key, ResponseCount.count)
        .where(ResponseCount.wave_id == wave_id, ResponseCount.count > 0)
    )
    found: dict[UnitKey, int] = {}
    for district, area, role, extra, count in rows:
        key = (district or 0, area or 0, role or 0, extra or "")
        found[key] = found.get(key, 0) + int(count)
    return found


def answer_counts(db: Session, wave_id: int, question_ids: Collection[int],
                  cannot_answer_ids: Collection[int]) -> dict[UnitKey, dict[int, tuple[int, int]]]:
    """Valid and "cannot answer" answers per unit to the counted ``question_ids``, from the
    rollup."""
    found: dict[UnitKey, dict[int, tuple[int, int]]] = {}
    rows = db.execute(
        select(Rollup.district_id, Rollup.service_area_id, Rollup.staff_role_id,
               Rollup.extra_key, Rollup.question_id, Rollup.value, Rollup.count)
        .where(Rollup.wave_id == wave_id, Rollup.count > 0,
               Rollup.question_id.in_(list(question_ids))))
    for district, area, role, extra, question, value, count in rows:
        key = (district or 0, area or 0, role or 0, extra or "")
        valid, other = found.setdefault(key, {}).get(question, (0, 0))
        if value == CANNOT_ANSWER and question in cannot_answer_ids:
            other += int(count)
        else:
            valid += int(count)
        found[key][question] = (valid, other)
    return found


def too_few_answers(counts: Mapping[int, tuple[int, int]], minimum: int) -> set[int]:
    """The questions of summed ``counts`` that have answers but fewer than ``minimum`` valid
    ones: the results hide such a group's figures for the question."""
    return {q for q, (valid, other) in counts.items() if valid < minimum and valid + other > 0}


def _sum_counts(keys: Iterable[UnitKey], answers: AnswerCounts) -> dict[int, tuple[int, int]]:
    total: dict[int, tuple[int, int]] = {}
    for key in keys:
        for question, (valid, other) in answers.get(key, {}).items():
            v, o = total.get(question, (0, 0))
            total[question] = (v + valid, o + other)
    return total


def coarsen(units: Mapping[UnitKey, int], hidden: Collection[tuple], dimensions: Sequence[int],
            minimum: int, answers: AnswerCounts | None = None) -> dict[UnitKey, Shown | None]:
    """The identifying values each unit is exported with: (district, area, role, then one
    value per dimension in ``dimensions``), ids or ``HIDDEN_CELL``; None for units whose
    rows are left out (only when the whole wave has fewer than ``minimum`` responses).

    ``hidden`` are the scope keys some published figure hides; ``answers`` the valid and
    "cannot answer" answers per unit and question. Every combination of the returned values
    below a published unit (area x role, background questions) covers zero or at least
    ``minimum`` responses and, for every question, no answers or at least ``minimum`` valid
    ones."""
    answers = answers or {}
    hidden = set(hidden)
    area_hidden = {k[0] for k in hidden if k[1] is not TOTAL}
    role_hidden = {k[0] for k in hidden if k[2] is not TOTAL}
    by_district: dict[int, dict[UnitKey, int]] = {}
    for key, n in units.items():
        if n > 0:
            by_district.setdefault(key[0], {})[key] = n
    groups: dict[tuple, dict[UnitKey, int]] = {}
    for district, keys in by_district.items():
        show = (district, TOTAL, TOTAL) not in hidden
        show_area = show and district not in area_hidden
        show_role = show and district not in role_hidden
        if show_area and show_role:
            crossing: dict[tuple, list[UnitKey]] = {}
            for key in keys:
                crossing.setdefault((key[1], key[2]), []).append(key)
            if not all(_enough(cell, keys, answers, minimum) for cell in crossing.values()):
                show_role = False  # areas are what most analyses compare
        for key, n in keys.items():
            unit = (district if show else HIDDEN_CELL, key[1] if show_area else HIDDEN_CELL,
                    key[2] if show_role else HIDDEN_CELL)
            groups.setdefault(unit, {})[key] = n
    plan: dict[UnitKey, Shown | None] = {}
    for unit, keys in groups.items():
        if sum(keys.values()) < minimum:
            plan.update(dict.fromkeys(keys))
            continue
        values = {key: decode_extra(key[3]) for key in keys}
        kept = _dimensions_kept(keys, values, dimensions, minimum, answers)
        for key in keys:
            plan[key] = (*unit, *(values[key].get(d, 0) if d in kept else HIDDEN_CELL
                                  for d in dimensions))
    return plan


def _enough(cell: Iterable[UnitKey], units: Mapping[UnitKey, int], answers: AnswerCounts,
            minimum: int) -> bool:
    """Whether the units of ``cell`` together hold zero or at least ``minimum`` responses
    and, for every question, no answers or at least ``minimum`` valid ones."""
    cell = list(cell)
    n = sum(units.get(key, 0) for key in cell)
    if n == 0:
        return True
    return n >= minimum and not too_few_answers(_sum_counts(cell, answers), minimum)


def _dimensions_kept(keys: Mapping[UnitKey, int], values: Mapping[UnitKey, dict[int, int]],
                     dimensions: Sequence[int], minimum: int,
                     answers: AnswerCounts | None = None) -> tuple[int, ...]:
    """The most dimensions (earlier ones first) whose crossing within one unit group leaves
    every combination with zero or at least ``minimum`` responses and, for every question,
    no answers or at least ``minimum`` valid ones."""
    for size in range(len(dimensions), 0, -1):
        for chosen in combinations(dimensions, size):
            cells: dict[tuple, list[UnitKey]] = {}
            for key in keys:
                cells.setdefault(tuple(values[key].get(d, 0) for d in chosen), []).append(key)
            if all(_enough(cell, keys, answers or {}, minimum) for cell in cells.values()):
                return chosen
    return ()


@dataclass(frozen=True)
class Export:
    """Everything the streamed CSV needs, read before the response starts, as plain values."""

    wave_id: int
    header: list[str]
    question_ids: list[int]  #: in column order
    cannot_answer_ids: list[int]
    prefixes: dict[UnitKey, str | None]  #: unit -> its identifying cells, None: left out
    convention: CsvConvention  #: the reader's spreadsheet convention (delimiter)
    #: unit -> the columns (question positions) given as HIDDEN_CELL on its rows
    blank_answers: dict[UnitKey, tuple[int, ...]] = field(default_factory=dict)


def prepare(db: Session, wave: Wave, hidden: Hidden, minimum: int,
            convention: CsvConvention | None = None) -> Export:
    """The header and every unit's identifying cells for ``wave``'s export, in the
    spreadsheet convention of the reader's language unless one is given."""
    convention = convention or csv_convention()
    spec = wave_instrument(db, wave)
    questions = [q for q in spec.questions if q.type in COUNTED_TYPES]
    dimensions = list(wave.dimensions)
    codes = {name: _codes(db, model) for name, model in (
        ("district", District), ("service_area", ServiceArea), ("staff_role", StaffRole),
        ("value", DimensionValue))}
    asked = [name for name, flag in (("district", wave.ask_district),
                                     ("service_area", wave.ask_service_area),
                                     ("staff_role", wave.ask_staff_role)) if flag]
    cannot_answer_ids = [q.id for q in questions if q.allow_cannot_answer]
    answers = answer_counts(db, wave.id, [q.id for q in questions], cannot_answer_ids)
    plan = coarsen(unit_counts(db, wave.id), hidden.anywhere, [d.id for d in dimensions],
                   minimum, answers)
    if CITY in hidden.units:
        plan = dict.fromkeys(plan)  # the row count would be the hidden city count
    prefixes: dict[UnitKey, str | None] = {}
    for key, shown in plan.items():
        if shown is None:
            prefixes[key] = None
            continue
        by_name = dict(zip(("district", "service_area", "staff_role"), shown[:3], strict=True))
        cells = [_cell(codes[name], by_name[name]) for name in asked]
        cells += [_cell(codes["value"], value) for value in shown[3:]]
        prefixes[key] = csv_row(cells, convention)
    header = asked + [d.code for d in dimensions] + [q.code for q in questions]
    return Export(wave.id, header, [q.id for q in questions], cannot_answer_ids, prefixes,
                  convention,
                  _blank_answers(plan, hidden, [q.id for q in questions], answers, minimum))


def _blank_answers(plan: Mapping[UnitKey, Shown | None], hidden: Hidden,
                   question_ids: Sequence[int], answers: AnswerCounts,
                   minimum: int) -> dict[UnitKey, tuple[int, ...]]:
    """The answer columns given as ``*`` per unit. On the rows of hidden districts: every
    question the results hide for any of them, or for the whole city (their answers to a
    question the results publish for their district could tell the rows apart, and the rest
    of their answers would then be what the results withhold). On the rows of any exported
    combination: every question it has answers to but fewer than ``minimum`` valid ones."""
    blanked_districts = {key[0] for key, shown in plan.items()
                         if shown is not None and shown[0] == HIDDEN_CELL}
    pooled = {q for q in question_ids
              if any(key in hidden.questions.get(q, ()) or key in hidden.units
                     for key in [CITY, *((d, TOTAL, TOTAL) for d in blanked_districts)])}
    groups: dict[Shown, list[UnitKey]] = {}
    for key, shown in plan.items():
        if shown is not None:
            groups.setdefault(shown, []).append(key)
    blank: dict[UnitKey, tuple[int, ...]] = {}
    for shown, keys in groups.items():
        hide = too_few_answers(_sum_counts(keys, answers), minimum)
        if shown[0] == HIDDEN_CELL:
            hide |= pooled
        columns = tuple(i for i, q in enumerate(question_ids) if q in hide)
        if columns:
            blank.update(dict.fromkeys(keys, columns))
    return blank


def _codes(db: Session, model) -> dict[int, str]:
    return {row_id: code for row_id, code in db.execute(select(model.id, model.code))}


def _cell(codes: Mapping[int, str], value: Hashable) -> str:
    if value == HIDDEN_CELL:
        return HIDDEN_CELL
    return codes.get(value, "")  # type: ignore[arg-type]


def csv_lines(export: Export, db: Session) -> Iterator[str]:
    """The CSV text: a header line, then batches of rows read through ``db``."""
    delimiter = export.convention.delimiter
    yield csv_row(export.header, export.convention) + CSV_LINE_END
    by_id = sorted(export.question_ids)
    all_ids = ",".join(str(i) for i in by_id)  # the usual case: every question answered
    order = [by_id.index(q) for q in export.question_ids]
    in_id_order = order == list(range(len(order)))
    blank = delimiter * (len(export.question_ids) - 1)
    columns = [str(q) for q in export.question_ids]
    statement = raw_rows_statement(export.wave_id, export.cannot_answer_ids)
    for batch in db.execute(statement.execution_options(yield_per=BATCH)).partitions():
        lines = []
        for district_id, area_id, role_id, extra_key, ids, values in batch:
            key = (district_id or 0, area_id or 0, role_id or 0, extra_key or "")
            prefix = export.prefixes.get(key)
            if prefix is None:
                continue
            if ids is None:
                answers = blank
            elif ids == all_ids:
                answers = (values if delimiter == VALUE_SEPARATOR
                           else values.replace(VALUE_SEPARATOR, delimiter)) \
                    if in_id_order else delimiter.join(
                        [values.split(VALUE_SEPARATOR)[i] for i in order])
            else:  # some questions unanswered, or the database listed them in another order
                given = dict(zip(ids.split(","), values.split(VALUE_SEPARATOR), strict=True))
                answers = delimiter.join(given.get(c, "") for c in columns)
            hide = export.blank_answers.get(key)
            if hide:
                cells = answers.split(delimiter)
                for i in hide:
                    cells[i] = HIDDEN_CELL
                answers = delimiter.join(cells)
            lines.append(f"{prefix}{delimiter}{answers}" if prefix else answers)
        if lines:
            yield CSV_LINE_END.join(lines) + CSV_LINE_END


def hidden_units(db: Session, wave: Wave) -> Hidden:
    """What the wave's published results hide (from the registered pattern)."""
    pattern: Callable[[Session, Wave], Hidden] | None = \
        current_app.extensions.get(PUBLISHED_PATTERN)
    if pattern is None:
        raise RuntimeError("no disclosure pattern is registered for the raw export")
    return pattern(db, wave)


def write_csv(db: Session, wave: Wave, stream: TextIO, minimum: int,
              convention: CsvConvention | None = None) -> None:
    """Write the whole export of the closed ``wave`` to ``stream`` (without the byte order
    mark the download starts with)."""
    if wave.status(date.today()) != CLOSED:
        raise ValueError("results exist only for closed waves")
    export = prepare(db, wave, hidden_units(db, wave), minimum, convention)
    for chunk in csv_lines(export, db):
        stream.write(chunk)


@requires(CENTRAL)
def responses_csv(wave_id: int):
    """Download the raw responses of a closed wave, coarsened with its disclosure pattern;
    for central analysts and administrators."""
    db = get_session()
    wave = db.get(Wave, wave_id)
    if wave is None:
        abort(404)
    if wave.status(date.today()) != CLOSED:
        return render_template(
            "error.html", code=409, title=_("Not available yet"),
            text=_("The raw responses of a wave can be downloaded when it has closed: "
                   "until then it has no results.")), 409
    export = prepare(db, wave, hidden_units(db, wave), current_app.config["MIN_GROUP_SIZE"])
    make_session = current_app.extensions["db_sessionmaker"]

    def body() -> Iterator[str]:
        yield BYTE_ORDER_MARK  # so that spreadsheet programs read the file as UTF-8
        with make_session() as own:
            yield from csv_lines(export, own)

    return csv_response(stream_with_context(body()), f"responses-wave-{wave.id}.csv")
