"""Storing responses. ``submit`` is the respondent's path: one transaction that spends the
one-time submission token, consumes the invitation code (if any), inserts the response, its
answers and free text, and bumps the counters. ``store_responses`` is the bulk path used by
``submit``, the demo and imports: a handful of statements whatever the number of answers
(executemany for rows, one upsert batch for counters). Services flush, never commit.

Answers handed to these functions must already be valid (``survey.answers``): a mapping of
question id → int (counted types, ``CANNOT_ANSWER`` allowed) or str (free text)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from core.db import new_uuid
from core.text import mask_personal_data
from survey.models import (
    FREE_TEXT,
    OPEN,
    Answer,
    FreeTextAnswer,
    InvitationCode,
    Response,
    ResponseCount,
    Rollup,
    UsedSubmissionToken,
    Wave,
)
from survey.queries import WaveInfo
from survey.spec import InstrumentSpec, instrument_spec
from survey.units import Unit

AnswerValue = int | str
#: the free-text rollup counts comments: its value is always this
FREE_TEXT_COUNTED = 1

ROLLUP_KEY = (
    "wave_id", "district_id", "service_area_id", "staff_role_id", "extra_key", "question_id",
    "value",
)
CELL_KEY = ("wave_id", "district_id", "service_area_id", "staff_role_id", "extra_key")
_codes = InvitationCode.__table__
_CONSUME_CODE = (
    update(_codes)
    .where(
        _codes.c.code == bindparam("b_code"),
        _codes.c.wave_id == bindparam("b_wave_id"),
        _codes.c.used.is_(False),
    )
    .values(used=True)
)
_INSERTS = {
    "response": insert(Response.__table__),
    "answer": insert(Answer.__table__),
    "text": insert(FreeTextAnswer.__table__),
}


class SubmissionRefused(Exception):
    """Nothing may be stored; the caller rolls back. ``reason`` is a short code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


WAVE_NOT_OPEN = "wave-not-open"
CODE_NOT_ACCEPTED = "code-not-accepted"


@dataclass(frozen=True)
class NewResponse:
    """A validated response waiting to be stored."""

    unit: Unit
    answers: Mapping[int, AnswerValue]
    submitted_on: date


def submit(
    db: Session,
    wave: Wave | WaveInfo,
    unit: Unit,
    answers: Mapping[int, AnswerValue],
    *,
    token: str | None = None,
    invitation_code: str | None = None,
    today: date | None = None,
) -> str | None:
    """Store one response; return its id, or None when ``token`` was spent already (a repeat
    of a form that was stored: nothing more is stored). Raises ``SubmissionRefused`` when the
    wave is not open or the invitation code is unknown or used (the caller must roll back).

    The code is consumed by ``UPDATE … WHERE used = false`` and the rowcount checked, so of
    two simultaneous posts with one code exactly one succeeds."""
    today = today or date.today()
    if wave.status(today) != OPEN:
        raise SubmissionRefused(WAVE_NOT_OPEN)
    if token is not None and not spend_token(db, wave.id, token):
        return None
    if invitation_code is not None and not consume_code(db, wave.id, invitation_code):
        raise SubmissionRefused(CODE_NOT_ACCEPTED)
    spec = instrument_spec(db, wave.instrument_id)
    assert spec is not None  # noqa: S101  (foreign key)
    ids = store_responses(db, wave.id, spec, [NewResponse(unit, answers, today)])
    return ids[0]


def spend_token(db: Session, wave_id: int, token: str) -> bool:
    """Record a submission token as used; False when it already was. (SQLAlchemy 2.1
    reports the rowcount of an INSERT on PostgreSQL only when asked to preserve it.)"""
    statement = _upsert_statement(db, UsedSubmissionToken.__table__, ("token",), ())
    result = db.connection().execute(statement, {"token": token, "wave_id": wave_id})
    return result.rowcount == 1


def consume_code(db: Session, wave_id: int, code: str) -> bool:
    """Mark an invitation code used; False when it is unknown, of another wave or used."""
    result = db.connection().execute(_CONSUME_CODE, {"b_code": code, "b_wave_id": wave_id})
    return result.rowcount == 1


def store_responses(
    db: Session,
    wave_id: int,
    spec: InstrumentSpec,
    responses: Iterable[NewResponse],
    *,
    make_id: Callable[[], str] = new_uuid,
) -> list[str]:
    """Insert responses with their answers and free text and add them to the counters.
    Free text is masked for personal data first. Returns the new response ids.
    ``make_id`` gives random ids (the demo passes a seeded generator)."""
    response_rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    text_rows: list[dict[str, Any]] = []
    rollups: Counter[tuple] = Counter()
    cells: Counter[tuple] = Counter()
    by_id = spec.by_id
    for item in responses:
        response_id = make_id()
        unit = item.unit
        cell = unit.cell
        response_rows.append({
            "id": response_id, "wave_id": wave_id, "district_id": unit.district_id,
            "service_area_id": unit.service_area_id, "staff_role_id": unit.staff_role_id,
            "extra_key": unit.extra_key, "submitted_on": item.submitted_on,
        })
        cells[(wave_id, *cell)] += 1
        for question_id, value in item.answers.items():
            if by_id[question_id].type == FREE_TEXT:
                text_rows.append({
                    "id": make_id(), "wave_id": wave_id, "question_id": question_id,
                    "district_id": cell[0], "service_area_id": cell[1], "staff_role_id": cell[2],
                    "extra_key": cell[3], "text": mask_personal_data(str(value)).text,
                })
                rollups[(wave_id, *cell, question_id, FREE_TEXT_COUNTED)] += 1
            else:
                answer_rows.append(
                    {"response_id": response_id, "question_id": question_id, "value": value}
                )
                rollups[(wave_id, *cell, question_id, value)] += 1
    if not response_rows:
        return []
    # Core statements on the session's connection: same transaction, no ORM overhead
    connection = db.connection()
    connection.execute(_INSERTS["response"], response_rows)
    if answer_rows:
        connection.execute(_INSERTS["answer"], answer_rows)
    if text_rows:
        connection.execute(_INSERTS["text"], text_rows)
    add_to_counters(db, rollups, cells)
    return [row["id"] for row in response_rows]


def add_to_counters(
    db: Session, rollups: Mapping[tuple, int], cells: Mapping[tuple, int]
) -> None:
    """Add counts to ``survey_rollup`` (keys as ``ROLLUP_KEY``) and ``survey_response_count``
    (keys as ``CELL_KEY``): one upsert batch each, in key order so that concurrent
    transactions lock rows in the same order (no deadlocks on PostgreSQL)."""
    for table, names, counts in (
        (Rollup.__table__, ROLLUP_KEY, rollups),
        (ResponseCount.__table__, CELL_KEY, cells),
    ):
        if counts:
            rows = [
                dict(zip(names, key, strict=True), count=n) for key, n in sorted(counts.items())
            ]
            db.connection().execute(_upsert_statement(db, table, names, ("count",)), rows)


_statements: dict[tuple, Any] = {}


def _upsert_statement(db: Session, table: Table, keys: tuple[str, ...], added: tuple[str, ...]):
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET col = col + excluded.col`` (or ``DO
    NOTHING`` when ``added`` is empty) for SQLite or PostgreSQL; built once per dialect.
    ``DO NOTHING`` keeps its rowcount (SQLAlchemy 2.1 reports -1 for an INSERT on
    PostgreSQL otherwise), so that callers can tell whether the row was new."""
    dialect = db.get_bind().dialect.name
    cache_key = (dialect, table.name, keys, added)
    statement = _statements.get(cache_key)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            raise RuntimeError(f"no upsert for the {dialect} dialect")
        statement = dialect_insert(table)
        if added:
            statement = statement.on_conflict_do_update(
                index_elements=list(keys),
                set_={name: table.c[name] + statement.excluded[name] for name in added},
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=list(keys)
            ).execution_options(preserve_rowcount=True)
        _statements[cache_key] = statement
    return statement
