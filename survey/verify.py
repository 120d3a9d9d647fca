"""Recompute the counters of a wave from the raw rows and compare them with the stored
ones (``flask survey verify-rollups``). Only this check and the import read raw responses."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Answer, FreeTextAnswer, Response, ResponseCount, Rollup
from survey.services import FREE_TEXT_COUNTED


class Difference(NamedTuple):
    table: str
    key: tuple
    stored: int
    recomputed: int


def _unit(model):
    return (
        func.coalesce(model.district_id, 0),
        func.coalesce(model.service_area_id, 0),
        func.coalesce(model.staff_role_id, 0),
        model.extra_key,
    )


def recomputed_rollups(db: Session, wave_id: int) -> dict[tuple, int]:
    """{(district, service area, role, extra key, question, value): count} from raw rows."""
    unit = _unit(Response)
    answers = (
        select(*unit, Answer.question_id, Answer.value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.wave_id == wave_id)
        .group_by(*unit, Answer.question_id, Answer.value)
    )
    text_unit = _unit(FreeTextAnswer)
    texts = (
        select(*text_unit, FreeTextAnswer.question_id, func.count())
        .where(FreeTextAnswer.wave_id == wave_id)
        .group_by(*text_unit, FreeTextAnswer.question_id)
    )
    result = {tuple(row[:-1]): row[-1] for row in db.execute(answers)}
    for row in db.execute(texts):
        result[(*row[:-1], FREE_TEXT_COUNTED)] = row[-1]
    return result


def recomputed_cells(db: Session, wave_id: int) -> dict[tuple, int]:
    """{(district, service area, role, extra key): responses} from raw rows."""
    unit = _unit(Response)
    stmt = select(*unit, func.count()).where(Response.wave_id == wave_id).group_by(*unit)
    return {tuple(row[:-1]): row[-1] for row in db.execute(stmt)}


def stored_rollups(db: Session, wave_id: int) -> dict[tuple, int]:
    stmt = select(
        Rollup.district_id, Rollup.service_area_id, Rollup.staff_role_id, Rollup.extra_key,
        Rollup.question_id, Rollup.value, Rollup.count,
    ).where(Rollup.wave_id == wave_id, Rollup.count != 0)
    return {tuple(row[:-1]): row[-1] for row in db.execute(stmt)}


def stored_cells(db: Session, wave_id: int) -> dict[tuple, int]:
    stmt = select(
        ResponseCount.district_id, ResponseCount.service_area_id, ResponseCount.staff_role_id,
        ResponseCount.extra_key, ResponseCount.count,
    ).where(ResponseCount.wave_id == wave_id, ResponseCount.count != 0)
    return {tuple(row[:-1]): row[-1] for row in db.execute(stmt)}


def _compare(table: str, stored: dict, recomputed: dict) -> list[Difference]:
    return [
        Difference(table, key, stored.get(key, 0), recomputed.get(key, 0))
        for key in sorted(set(stored) | set(recomputed), key=repr)
        if stored.get(key, 0) != recomputed.get(key, 0)
    ]


def rollup_differences(db: Session, wave_id: int) -> list[Difference]:
    """Every counter whose stored value differs from a recomputation (empty = all good)."""
    return _compare(
        "survey_rollup", stored_rollups(db, wave_id), recomputed_rollups(db, wave_id)
    ) + _compare("survey_response_count", stored_cells(db, wave_id), recomputed_cells(db, wave_id))
