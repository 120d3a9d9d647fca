"""Storing responses. ``submit`` is the respondent's path: one transaction that spends the
one-time submission token, inserts the response, its answers and free text, and bumps the
counters. It never touches an invitation code: a code is exchanged for an answering
session earlier, in a transaction of its own (``survey.waves.codes.exchange_code``), so nothing
in this transaction was written by that one. ``store_responses`` is the bulk path used by
``submit``, the demo and imports: a handful of statements whatever the number of answers
(executemany for rows, one upsert batch for counters), prepared once per dialect and run on
the session's connection (``survey.fastsql``). Services flush, never commit.

Answers handed to these functions must already be valid (``survey.respond.answers``): a mapping of
question id → int (counted types, ``CANNOT_ANSWER`` allowed) or str (free text)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    String,
    Table,
    bindparam,
    exists,
    insert,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from core.db import dialect_insert, new_uuid
from core.text import mask_personal_data
from survey.catalog import WaveInfo
from survey.fastsql import Prepared
from survey.models import (
    FREE_TEXT,
    OPEN,
    STATE_OPEN,
    Answer,
    FreeTextAnswer,
    Response,
    ResponseCount,
    Rollup,
    UsedSubmissionToken,
    Wave,
)
from survey.spec import InstrumentSpec
from survey.units import Unit

AnswerValue = int | str
#: the free-text rollup counts comments: its value is always this
FREE_TEXT_COUNTED = 1

ROLLUP_KEY = (
    "wave_id", "district_id", "service_area_id", "staff_role_id", "extra_key", "question_id",
    "value",
)
CELL_KEY = ("wave_id", "district_id", "service_area_id", "staff_role_id", "extra_key")
RESPONSE_COLUMNS = (
    "id", "wave_id", "district_id", "service_area_id", "staff_role_id", "extra_key",
    "submitted_on",
)
TEXT_COLUMNS = (
    "id", "wave_id", "question_id", "district_id", "service_area_id", "staff_role_id",
    "extra_key", "text",
)



def upsert(table: Table, keys: tuple[str, ...], added: tuple[str, ...]):
    """A function of the dialect name giving ``INSERT … ON CONFLICT (keys) DO UPDATE SET
    col = col + excluded.col`` (``DO NOTHING`` when ``added`` is empty), for SQLite or
    PostgreSQL."""

    def build(dialect: str):
        statement = dialect_insert(dialect)(table)
        if not added:
            return statement.on_conflict_do_nothing(index_elements=list(keys))
        return statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: table.c[name] + statement.excluded[name] for name in added},
        )

    return build


_waves = Wave.__table__


def _spend_token_if_open(dialect: str):
    """Insert the token only while the wave takes answers, checked in the same statement
    (and so in the same transaction) as everything the response writes."""
    tokens = UsedSubmissionToken.__table__
    today = bindparam("today", type_=Date)
    wave_open = exists().where(
        _waves.c.id == bindparam("wave_id"),
        _waves.c.state == literal_column(f"'{STATE_OPEN}'"),
        _waves.c.opens_on <= today,
        _waves.c.closes_on >= today,
    )
    source = select(bindparam("token", type_=String), bindparam("wave_id", type_=Integer))
    statement = dialect_insert(dialect)(tokens).from_select(
        ["token", "wave_id"], source.where(wave_open)
    )
    return statement.on_conflict_do_nothing(index_elements=["token"])


SPEND_TOKEN = Prepared(_spend_token_if_open, ("token", "wave_id", "today"))
INSERT_RESPONSE = Prepared(insert(Response.__table__), RESPONSE_COLUMNS)
INSERT_ANSWER = Prepared(insert(Answer.__table__), ("response_id", "question_id", "value"))
INSERT_TEXT = Prepared(insert(FreeTextAnswer.__table__), TEXT_COLUMNS)
BUMP_ROLLUP = Prepared(upsert(Rollup.__table__, ROLLUP_KEY, ("count",)), (*ROLLUP_KEY, "count"))
BUMP_CELL = Prepared(
    upsert(ResponseCount.__table__, CELL_KEY, ("count",)), (*CELL_KEY, "count")
)


class SubmissionRefused(Exception):
    """Nothing may be stored; the caller rolls back. ``reason`` is a short code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


WAVE_NOT_OPEN = "wave-not-open"


@dataclass(frozen=True)
class NewResponse:
    """A validated response waiting to be stored."""

    unit: Unit
    answers: Mapping[int, AnswerValue]
    submitted_on: date


def submit(
    db: Session,
    wave: Wave | WaveInfo,
    spec: InstrumentSpec,
    unit: Unit,
    answers: Mapping[int, AnswerValue],
    *,
    token: str | None = None,
    today: date | None = None,
) -> str | None:
    """Store one response to ``wave`` (asking the questionnaire ``spec``, which the page
    validated the answers against); return its id, or None when ``token`` was spent already
    (a repeat of a form that was stored: nothing more is stored). Raises ``SubmissionRefused``
    when the wave is not open (the caller must roll back). ``wave`` may be a cached
    ``WaveInfo``: with a token, whether the wave is open is checked again by the statement
    that spends it."""
    today = today or date.today()
    if wave.status(today) != OPEN:
        raise SubmissionRefused(WAVE_NOT_OPEN)
    # all the work in Python first: the first write takes SQLite's write lock, which is
    # then held only for the statements and the commit
    rows = prepare_rows(wave.id, spec, [NewResponse(unit, answers, today)])
    if token is not None and not spend_token(db, wave.id, token, today):
        if not wave_takes_answers(db, wave.id, today):
            raise SubmissionRefused(WAVE_NOT_OPEN)
        return None
    write_rows(db, rows)
    return rows.response_ids[0]


def spend_token(db: Session, wave_id: int, token: str, today: date) -> bool:
    """Record a submission token as used; False when it already was, or when the wave does
    not take answers ``today`` (its state is read in the same statement)."""
    return SPEND_TOKEN.run(db, (token, wave_id, today)) == 1


def wave_takes_answers(db: Session, wave_id: int, today: date) -> bool:
    """The wave's status read now (not from any cache)."""
    wave = db.get(Wave, wave_id, populate_existing=True)
    return wave is not None and wave.status(today) == OPEN


@dataclass
class Rows:
    """What storing some responses writes, as tuples in the columns' order."""

    responses: list[tuple] = field(default_factory=list)  # RESPONSE_COLUMNS
    answers: list[tuple] = field(default_factory=list)  # response_id, question_id, value
    texts: list[tuple] = field(default_factory=list)  # TEXT_COLUMNS
    rollups: Counter[tuple] = field(default_factory=Counter)  # ROLLUP_KEY → count
    cells: Counter[tuple] = field(default_factory=Counter)  # CELL_KEY → count

    @property
    def response_ids(self) -> list[str]:
        return [row[0] for row in self.responses]


def prepare_rows(
    wave_id: int,
    spec: InstrumentSpec,
    responses: Iterable[NewResponse],
    make_id: Callable[[], str] = new_uuid,
) -> Rows:
    """The rows and counter increments of ``responses``, free text masked for personal data.
    Pure Python, no database."""
    rows = Rows()
    by_id = spec.by_id
    for item in responses:
        response_id = make_id()
        unit = item.unit
        cell = unit.cell
        rows.responses.append((
            response_id, wave_id, unit.district_id, unit.service_area_id, unit.staff_role_id,
            unit.extra_key, item.submitted_on,
        ))
        rows.cells[(wave_id, *cell)] += 1
        for question_id, value in item.answers.items():
            if by_id[question_id].type == FREE_TEXT:
                text = mask_personal_data(str(value)).text
                rows.texts.append((make_id(), wave_id, question_id, *cell, text))
                rows.rollups[(wave_id, *cell, question_id, FREE_TEXT_COUNTED)] += 1
            else:
                rows.answers.append((response_id, question_id, value))
                rows.rollups[(wave_id, *cell, question_id, value)] += 1
    return rows


def write_rows(db: Session, rows: Rows) -> None:
    """Insert prepared rows and add their counts: five statements at most."""
    if not rows.responses:
        return
    INSERT_RESPONSE.run_many(db, rows.responses)
    INSERT_ANSWER.run_many(db, rows.answers)
    INSERT_TEXT.run_many(db, rows.texts)
    add_to_counters(db, rows.rollups, rows.cells)


def store_responses(
    db: Session,
    wave_id: int,
    spec: InstrumentSpec,
    responses: Iterable[NewResponse],
    *,
    make_id: Callable[[], str] = new_uuid,
) -> list[str]:
    """Insert responses with their answers and free text and add them to the counters (the
    bulk path of the demo and imports). Free text is masked for personal data first.
    Returns the new response ids. ``make_id`` gives random ids (the demo passes a seeded
    generator)."""
    rows = prepare_rows(wave_id, spec, responses, make_id)
    write_rows(db, rows)
    return rows.response_ids


def add_to_counters(
    db: Session, rollups: Mapping[tuple, int], cells: Mapping[tuple, int]
) -> None:
    """Add counts to ``survey_rollup`` (keys as ``ROLLUP_KEY``) and ``survey_response_count``
    (keys as ``CELL_KEY``): one upsert batch each, in key order so that concurrent
    transactions lock rows in the same order (no deadlocks on PostgreSQL)."""
    BUMP_ROLLUP.run_many(db, [(*key, n) for key, n in sorted(rollups.items())])
    BUMP_CELL.run_many(db, [(*key, n) for key, n in sorted(cells.items())])
