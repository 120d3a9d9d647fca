"""The raw responses of a wave as CSV, for central analysts and administrators: one row per
response, the unit as codes and one column per counted question (by question code).

What keeps it anonymous: no response id (ids are random anyway, and the rows are ordered by
them, so the order reveals nothing about who answered when), no date (the wave names the
period), no free text (it is stored apart from the responses and cannot be joined to them;
reports show it only for large groups). Units — the full combination of district, service
area, role and extra dimensions — with fewer responses than ``MIN_GROUP_SIZE`` are left out
altogether, so every exported row shares its unit with at least that many others. Rare
answer combinations inside an exported unit remain the analyst's responsibility.

One statement reads the rows: answers are pivoted in SQL (``MAX(CASE …)`` per question,
grouped by response), joined to the counters to leave small units out; the file is written
as it streams."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TextIO

from flask import Response, abort, current_app, stream_with_context
from sqlalchemy import String, and_, case, cast, func, select
from sqlalchemy.orm import Session

from core.access import CENTRAL, requires
from core.db import get_session
from core.org import DimensionValue, District, ServiceArea, StaffRole
from survey.models import CANNOT_ANSWER, COUNTED_TYPES, Answer, ResponseCount, Wave
from survey.models import Response as SurveyResponse
from survey.queries import wave_instrument
from survey.units import decode_extra
from survey.views import bp

#: how a "cannot answer" is written (the respondent form's value for it)
CANNOT_ANSWER_CELL = "na"
#: rows fetched from the database at a time
BATCH = 5000
DELIMITER = ";"
#: joins the values inside the database; equal to DELIMITER so a row can be used as it is
VALUE_SEPARATOR = DELIMITER


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


def large_units(db: Session, wave_id: int, minimum: int) -> set[tuple]:
    """Unit keys (district, service area, role ids, 0 = not asked; extra key) with at
    least ``minimum`` responses."""
    rows = db.execute(
        select(ResponseCount.district_id, ResponseCount.service_area_id,
               ResponseCount.staff_role_id, ResponseCount.extra_key)
        .where(ResponseCount.wave_id == wave_id, ResponseCount.count >= minimum)
    )
    return {tuple(row) for row in rows}


def _codes(db: Session, model) -> dict[int, str]:
    return {row_id: code for row_id, code in db.execute(select(model.id, model.code))}


class _Units:
    """The CSV cells of a unit, made once per unit; None for a unit too small to show."""

    def __init__(self, db: Session, wave: Wave, allowed: set[tuple]) -> None:
        self.wave, self.allowed = wave, allowed
        self.dimensions = list(wave.dimensions)
        self.codes = {
            "district": _codes(db, District), "service_area": _codes(db, ServiceArea),
            "staff_role": _codes(db, StaffRole), "value": _codes(db, DimensionValue),
        }
        self.cache: dict[tuple, str | None] = {}
        self.out = io.StringIO()
        self.writer = csv.writer(self.out, delimiter=DELIMITER, lineterminator="")

    def header(self) -> list[str]:
        return self.asked() + [d.code for d in self.dimensions]

    def asked(self) -> list[str]:
        """The unit fields the wave asks, in column order."""
        wave = self.wave
        flags = (("district", wave.ask_district), ("service_area", wave.ask_service_area),
                 ("staff_role", wave.ask_staff_role))
        return [name for name, asked in flags if asked]

    def prefix(self, district_id, area_id, role_id, extra_key) -> str | None:
        key = (district_id or 0, area_id or 0, role_id or 0, extra_key)
        if key not in self.cache:
            self.cache[key] = self._make(key) if key in self.allowed else None
        return self.cache[key]

    def _make(self, key: tuple) -> str:
        ids = dict(zip(("district", "service_area", "staff_role"), key[:3], strict=True))
        cells = [self.codes[name].get(ids[name], "") for name in self.asked()]
        extra = decode_extra(key[3])
        cells += [self.codes["value"].get(extra.get(d.id, 0), "") for d in self.dimensions]
        self.out.seek(0)
        self.out.truncate()
        self.writer.writerow(cells)
        return self.out.getvalue()


def csv_lines(db: Session, wave: Wave, minimum: int) -> Iterator[str]:
    """The CSV text of ``wave``'s raw responses: a header line, then batches of rows."""
    spec = wave_instrument(db, wave)
    questions = [q for q in spec.questions if q.type in COUNTED_TYPES]
    units = _Units(db, wave, large_units(db, wave.id, minimum))
    header = units.header() + [q.code for q in questions]
    yield DELIMITER.join(_quote(name) for name in header) + "\n"
    by_id = sorted(q.id for q in questions)
    all_ids = ",".join(str(i) for i in by_id)  # the usual case: every question answered
    order = [by_id.index(q.id) for q in questions]
    in_id_order = order == list(range(len(order)))
    blank = DELIMITER * (len(questions) - 1)
    columns = [str(q.id) for q in questions]
    na_ids = [q.id for q in questions if q.allow_cannot_answer]
    statement = raw_rows_statement(wave.id, na_ids).execution_options(yield_per=BATCH)
    for batch in db.execute(statement).partitions():
        lines = []
        for district_id, area_id, role_id, extra_key, ids, values in batch:
            prefix = units.prefix(district_id, area_id, role_id, extra_key)
            if prefix is None:
                continue
            if ids is None:
                answers = blank
            elif ids == all_ids:
                answers = values if in_id_order else DELIMITER.join(
                    [values.split(VALUE_SEPARATOR)[i] for i in order])
            else:  # some questions unanswered, or the database listed them in another order
                given = dict(zip(ids.split(","), values.split(VALUE_SEPARATOR), strict=True))
                answers = DELIMITER.join(given.get(c, "") for c in columns)
            lines.append(f"{prefix}{DELIMITER}{answers}" if prefix else answers)
        if lines:
            yield "\n".join(lines) + "\n"


def _quote(cell: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=DELIMITER, lineterminator="").writerow([cell])
    return out.getvalue()


def write_csv(db: Session, wave: Wave, stream: TextIO, minimum: int) -> None:
    """Write the whole export of ``wave`` to ``stream``."""
    for chunk in csv_lines(db, wave, minimum):
        stream.write(chunk)


@bp.get("/<int:wave_id>/responses.csv")
@requires(CENTRAL)
def responses_csv(wave_id: int):
    """Download the raw responses of a wave (units below the minimum group size left out);
    for central analysts and administrators."""
    db = get_session()
    wave = db.get(Wave, wave_id)
    if wave is None:
        abort(404)
    minimum = current_app.config["MIN_GROUP_SIZE"]
    filename = f"responses-wave-{wave.id}.csv"
    body = stream_with_context(_with_bom(csv_lines(db, wave, minimum)))
    return Response(
        body, mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
    yield from lines
