"""Reads for reports and pages. Reports read the counters (``survey_rollup``,
``survey_response_count``), never the raw responses: their cost is the size of the rollup.

Shapes returned:

- ``RollupCount(district_id, service_area_id, staff_role_id, dimension_value_id,
  question_id, value, count)``: how many answered ``value`` to ``question_id``. A unit field
  is None when it is not in ``group_by`` (or was not asked in the wave);
  ``dimension_value_id`` is set only when ``dimension_id`` is given. ``value`` may be
  ``survey.models.CANNOT_ANSWER`` (-1), which statistics must leave out.
- ``CellCount(district_id, service_area_id, staff_role_id, dimension_value_id, count)``:
  responses per unit cell, same conventions.
- ``FreeTexts(texts, respondents, shown)``: free-text answers of a scope, empty unless the
  scope has at least ``MIN_GROUP_SIZE_FREE_TEXT`` respondents.

Filters (``district_ids`` …) keep only the listed ids; None means no filter.
``dimension_filter`` maps a dimension id to the value ids to keep.

Waves and instruments (``list_waves``, ``wave_by_name``, ``wave_instrument`` …) are read by
``survey.catalog``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import (
    FreeTextAnswer,
    Headcount,
    ResponseCount,
    Rollup,
    UsedSubmissionToken,
)
from survey.units import decode_extra

GROUPABLE = ("district", "service_area", "staff_role")
ALL_UNITS = GROUPABLE


class RollupCount(NamedTuple):
    district_id: int | None
    service_area_id: int | None
    staff_role_id: int | None
    dimension_value_id: int | None
    question_id: int
    value: int
    count: int


class CellCount(NamedTuple):
    district_id: int | None
    service_area_id: int | None
    staff_role_id: int | None
    dimension_value_id: int | None
    count: int


class FreeTexts(NamedTuple):
    texts: list[str]
    respondents: int
    shown: bool


def _unit_columns(model) -> dict[str, object]:
    return {
        "district": model.district_id,
        "service_area": model.service_area_id,
        "staff_role": model.staff_role_id,
    }


def _filtered(stmt, model, wave_id, district_ids, service_area_ids, staff_role_ids):
    stmt = stmt.where(model.wave_id == wave_id)
    for column, ids in (
        (model.district_id, district_ids),
        (model.service_area_id, service_area_ids),
        (model.staff_role_id, staff_role_ids),
    ):
        if ids is not None:
            stmt = stmt.where(column.in_(list(ids)))
    return stmt


def _check_group_by(group_by: Sequence[str]) -> None:
    unknown = set(group_by) - set(GROUPABLE)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}; choose from {GROUPABLE}")


def _dimension_value(
    extra_key: str, dimension_id: int | None, dimension_filter: Mapping[int, Collection[int]]
) -> tuple[bool, int | None]:
    """(keep the row?, its value of ``dimension_id``)."""
    extra = decode_extra(extra_key)
    for dim, allowed in dimension_filter.items():
        if extra.get(dim) not in allowed:
            return False, None
    return True, (extra.get(dimension_id) if dimension_id is not None else None)


def _unit_values(row, group_by: Sequence[str]) -> tuple[int | None, int | None, int | None]:
    mapping = dict(zip(group_by, row[: len(group_by)], strict=True))
    return tuple(mapping.get(name) or None for name in GROUPABLE)  # type: ignore[return-value]


def rollup_counts(
    db: Session,
    wave_id: int,
    *,
    district_ids: Iterable[int] | None = None,
    service_area_ids: Iterable[int] | None = None,
    staff_role_ids: Iterable[int] | None = None,
    question_ids: Iterable[int] | None = None,
    group_by: Sequence[str] = ALL_UNITS,
    dimension_id: int | None = None,
    dimension_filter: Mapping[int, Collection[int]] | None = None,
) -> list[RollupCount]:
    """Answer counts of a wave per (requested unit fields, question, value), summed over
    everything not grouped. ``group_by`` ⊆ ("district", "service_area", "staff_role");
    ``dimension_id`` also groups by that extra dimension's value."""
    _check_group_by(group_by)
    columns = _unit_columns(Rollup)
    keys = [columns[name] for name in group_by]
    by_extra = dimension_id is not None or bool(dimension_filter)
    if by_extra:
        keys.append(Rollup.extra_key)
    keys += [Rollup.question_id, Rollup.value]
    stmt = select(*keys, func.sum(Rollup.count)).group_by(*keys)
    stmt = _filtered(stmt, Rollup, wave_id, district_ids, service_area_ids, staff_role_ids)
    if question_ids is not None:
        stmt = stmt.where(Rollup.question_id.in_(list(question_ids)))
    rows = db.execute(stmt).all()
    if not by_extra:
        return [
            RollupCount(*_unit_values(row, group_by), None, row[-3], row[-2], int(row[-1]))
            for row in rows
        ]
    totals: dict[tuple, int] = defaultdict(int)
    for row in rows:
        keep, dim_value = _dimension_value(row[len(group_by)], dimension_id, dimension_filter or {})
        if keep:
            totals[(*_unit_values(row, group_by), dim_value, row[-3], row[-2])] += int(row[-1])
    return [RollupCount(*key, count) for key, count in sorted(totals.items(), key=_sort_key)]


def response_counts(
    db: Session,
    wave_id: int,
    *,
    district_ids: Iterable[int] | None = None,
    service_area_ids: Iterable[int] | None = None,
    staff_role_ids: Iterable[int] | None = None,
    group_by: Sequence[str] = ALL_UNITS,
    dimension_id: int | None = None,
    dimension_filter: Mapping[int, Collection[int]] | None = None,
) -> list[CellCount]:
    """Responses of a wave per requested unit fields (and extra dimension value)."""
    _check_group_by(group_by)
    columns = _unit_columns(ResponseCount)
    keys = [columns[name] for name in group_by]
    by_extra = dimension_id is not None or bool(dimension_filter)
    if by_extra:
        keys.append(ResponseCount.extra_key)
    stmt = select(*keys, func.sum(ResponseCount.count))
    if keys:
        stmt = stmt.group_by(*keys)
    stmt = _filtered(stmt, ResponseCount, wave_id, district_ids, service_area_ids, staff_role_ids)
    rows = [row for row in db.execute(stmt).all() if row[-1] is not None]
    if not by_extra:
        return [CellCount(*_unit_values(row, group_by), None, int(row[-1])) for row in rows]
    totals: dict[tuple, int] = defaultdict(int)
    for row in rows:
        keep, dim_value = _dimension_value(row[len(group_by)], dimension_id, dimension_filter or {})
        if keep:
            totals[(*_unit_values(row, group_by), dim_value)] += int(row[-1])
    return [CellCount(*key, count) for key, count in sorted(totals.items(), key=_sort_key)]


def _sort_key(item: tuple[tuple, int]) -> tuple:
    return tuple(-1 if v is None else v for v in item[0])


def total_responses(db: Session, wave_id: int, **filters) -> int:
    """All responses of a wave (within the same filters as ``response_counts``)."""
    return sum(c.count for c in response_counts(db, wave_id, group_by=(), **filters))


def free_text_answers(
    db: Session,
    wave_id: int,
    question_id: int,
    *,
    district_ids: Iterable[int] | None = None,
    service_area_ids: Iterable[int] | None = None,
    staff_role_ids: Iterable[int] | None = None,
    min_group: int | None = None,
) -> FreeTexts:
    """The masked free-text answers of a scope in random order, or none at all when the
    scope has fewer respondents than ``min_group`` (default ``MIN_GROUP_SIZE_FREE_TEXT``)."""
    threshold = min_group or current_app.config["MIN_GROUP_SIZE_FREE_TEXT"]
    respondents = total_responses(
        db, wave_id, district_ids=district_ids, service_area_ids=service_area_ids,
        staff_role_ids=staff_role_ids,
    )
    if respondents < threshold:
        return FreeTexts([], respondents, False)
    stmt = select(FreeTextAnswer.text).where(FreeTextAnswer.question_id == question_id)
    stmt = _filtered(
        stmt, FreeTextAnswer, wave_id, district_ids, service_area_ids, staff_role_ids
    ).order_by(FreeTextAnswer.id)
    return FreeTexts(list(db.scalars(stmt)), respondents, True)


def headcounts(db: Session, wave_id: int) -> dict[tuple[int, int | None], int]:
    """{(district id, service area id or None for the whole district): staff}."""
    rows = db.execute(
        select(Headcount.district_id, Headcount.service_area_id, Headcount.headcount).where(
            Headcount.wave_id == wave_id
        )
    )
    return {(d, s): n for d, s, n in rows}


def token_spent(db: Session, token: str | None) -> bool:
    """Whether a response was stored with the submission ``token`` (read now)."""
    if not token:
        return False
    found = db.scalar(
        select(UsedSubmissionToken.token).where(UsedSubmissionToken.token == token)
    )
    return found is not None


class OverHeadcount(NamedTuple):
    district_id: int
    service_area_id: int | None  #: None: the whole district
    headcount: int


def units_over_headcount(db: Session, wave_id: int, minimum: int) -> list[OverHeadcount]:
    """Units with a known headcount that have more responses than staff: a stale
    headcount, or answers sent more than once on an open link. Only units with at least
    ``minimum`` responses are named, so that the flag tells nothing about a smaller group
    (it reveals only that the count is above the headcount)."""
    known = headcounts(db, wave_id)
    if not known:
        return []
    by_area: dict[tuple[int | None, int | None], int] = {
        (c.district_id, c.service_area_id): c.count
        for c in response_counts(db, wave_id, group_by=("district", "service_area"))
    }
    by_district: dict[int | None, int] = defaultdict(int)
    for (district_id, _area), n in by_area.items():
        by_district[district_id] += n
    flagged = []
    for (district_id, area_id), staff in sorted(known.items(),
                                                key=lambda i: (i[0][0], i[0][1] or 0)):
        n = by_district.get(district_id, 0) if area_id is None else by_area.get(
            (district_id, area_id), 0)
        if n > staff and n >= minimum:
            flagged.append(OverHeadcount(district_id, area_id, staff))
    return flagged
