"""Cronbach's alpha of each index, with Feldt's 95 % interval, for the city and each
district (and for the groups of an imported wave's level), from closed waves.

Alpha needs each respondent's answers to all items of an index, which the counters do not
hold, so it is computed from the stored answers: once per wave and level, kept per app
while the wave's counters stay the same (a closed wave: once). Missing answers are handled
pairwise, as ``psych::alpha`` does by default; the interval and the minimum count the
respondents who answered every item of the index.

Where it is shown. Alpha describes a group, so it passes the same gate as the group's other
figures: only for a unit whose response count and index are shown. On top of that it needs
``RELIABILITY_MIN_RESPONDENTS`` (default 30) respondents who answered every item: with fewer,
the estimate is so uncertain (Feldt's interval for a five-item index of alpha 0.8 from 10
respondents runs from about 0.5 to 0.94) that it says nothing about the index, and a page
would invite reading noise."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.caches import worker_cache
from core.i18n import _
from core.stats.reliability import cronbach_alpha, feldt_interval
from steering.results.data import Key, WaveResults, _version, city, unit_key
from steering.results.figures import IndexDef, index_figure, wave_indexes
from steering.results.tables import COEF, INT, Column, Table, hidden_or
from survey.models import CANNOT_ANSWER, Answer, Response

#: the reason shown when too few respondents answered every item of an index
REASON_TOO_FEW_FOR_ALPHA = "too_few_for_alpha"
CACHE_SIZE = 12

#: (district id, extra key) of a response -> the group keys it belongs to
Grouping = Callable[[int | None, str], list[Key]]


@dataclass(frozen=True)
class Estimate:
    alpha: float | None
    low: float | None
    high: float | None
    n_complete: int


@dataclass(frozen=True)
class AlphaFigure:
    """Alpha of one index for one unit; every figure None when ``reason`` is set."""

    index: IndexDef
    label: str
    reason: str | None
    alpha: float | None = None
    low: float | None = None
    high: float | None = None
    n: int | None = None


def minimum_respondents() -> int:
    """Respondents who answered every item an alpha needs (never below MIN_GROUP_SIZE)."""
    config = current_app.config
    return max(int(config["RELIABILITY_MIN_RESPONDENTS"]), int(config["MIN_GROUP_SIZE"]))


def by_district(district_id: int | None, _extra_key: str) -> list[Key]:
    """A wave's own grouping: the city and the response's district."""
    return [city(), unit_key(district_id or 0)]


def estimates(db: Session, results: WaveResults, grouping: Grouping, label: Hashable
              ) -> dict[tuple[Key, str], Estimate]:
    """{(group key, index code): estimate} of every index of the closed wave, computed once
    per wave, grouping (``label``) and state of its counters."""
    if not results.closed:
        raise ValueError("results exist only for closed waves")
    signature = (results.wave.id, label, _version(db, results.wave.id))
    cache = worker_cache("steering_alpha", maxsize=CACHE_SIZE)
    found = cache.get(signature)
    if found is None:
        found = _estimate(db, results, grouping)
        cache.put(signature, found)
    return found


def _estimate(db: Session, results: WaveResults, grouping: Grouping
              ) -> dict[tuple[Key, str], Estimate]:
    indexes = [i for i in wave_indexes(results.spec) if len(i.question_ids) >= 2]
    question_ids = sorted({q for i in indexes for q in i.question_ids})
    if not question_ids:
        return {}
    column = {q: c for c, q in enumerate(question_ids)}
    rows: dict[str, int] = {}
    groups: list[list[Key]] = []
    cells: list[tuple[int, int, float]] = []
    stmt = (select(Response.id, Response.district_id, Response.extra_key, Answer.question_id,
                   Answer.value)
            .join(Answer, Answer.response_id == Response.id)
            .where(Response.wave_id == results.wave.id, Answer.question_id.in_(question_ids),
                   Answer.value != CANNOT_ANSWER))
    for response_id, district_id, extra_key, question_id, value in db.execute(stmt):
        row = rows.get(response_id)
        if row is None:
            row = rows[response_id] = len(rows)
            groups.append(grouping(district_id, extra_key or ""))
        cells.append((row, column[question_id], float(value)))
    matrix = np.full((len(rows), len(question_ids)), np.nan)
    if cells:
        at = np.array(cells)
        matrix[at[:, 0].astype(int), at[:, 1].astype(int)] = at[:, 2]
    members: dict[Key, list[int]] = {}
    for row, keys in enumerate(groups):
        for key in keys:
            members.setdefault(key, []).append(row)
    found: dict[tuple[Key, str], Estimate] = {}
    for index in indexes:
        columns = [column[q] for q in index.question_ids]
        keys = [-1 if results.question(q).reverse_scored else 1 for q in index.question_ids]
        for key, member_rows in members.items():
            items = matrix[np.ix_(member_rows, columns)]
            complete = int((~np.isnan(items).any(axis=1)).sum())
            try:
                alpha = cronbach_alpha(items, keys).raw_alpha
            except ValueError:  # fewer than two answers in common, or no variance
                alpha = float("nan")
            interval = feldt_interval(alpha, complete, len(columns))
            found[(key, index.code)] = Estimate(
                alpha if np.isfinite(alpha) else None,
                interval[0] if interval else None, interval[1] if interval else None,
                complete)
    return found


def alpha_figures(db: Session, results: WaveResults, units: list[tuple[Key, str]],
                  grouping: Grouping = by_district, label: Hashable = "districts"
                  ) -> list[AlphaFigure]:
    """Alpha per index (in order) and unit, gated: the unit's count and index must be shown
    and enough respondents must have answered every item."""
    minimum = minimum_respondents()
    indexes = [i for i in wave_indexes(results.spec) if len(i.question_ids) >= 2]
    if not indexes:
        return []
    found = estimates(db, results, grouping, label)
    figures = []
    for index in indexes:
        for key, name in units:
            reason = results.reason(key) or index_figure(results, index, key).reason
            estimate = found.get((key, index.code))
            if reason is None and (estimate is None or estimate.n_complete < minimum):
                reason = REASON_TOO_FEW_FOR_ALPHA
            if reason is not None or estimate is None:
                figures.append(AlphaFigure(index, name, reason))
                continue
            figures.append(AlphaFigure(index, name, None, estimate.alpha, estimate.low,
                                       estimate.high, estimate.n_complete))
    return figures



def reliability_table(name: str, title: str, figures: list[AlphaFigure]) -> Table:
    table = Table(name, title, [
        Column("code", _("Code")), Column("index", _("Index")), Column("unit", _("Group")),
        Column("alpha", _("Cronbach's alpha"), COEF),
        Column("low", _("95% CI low"), COEF), Column("high", _("95% CI high"), COEF),
        Column("n", _("Respondents who answered every item"), INT)])
    for f in figures:
        table.add(code=f.index.code, index=f.index.name, unit=f.label,
                  alpha=hidden_or(f.reason, f.alpha), low=hidden_or(f.reason, f.low),
                  high=hidden_or(f.reason, f.high), n=hidden_or(f.reason, f.n))
    return table
