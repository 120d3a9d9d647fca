"""One wave's results as the reports read them: answer counts per unit of the scope, read
from the survey package's counters (never raw responses), and the disclosure pattern that
decides what may be shown (``steering.suppression``).

Unit keys are ``(district id, service area id, staff role id)`` with ``TOTAL`` for "all" and
0 for "not stated"; a key has ``TOTAL`` for the area or the role (see ``scope_keys``).
Suppression patterns are cached per app by the counts they were computed from, so a page
view pays for them once per change of the data (a closed wave: once)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import date
from threading import Lock

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.disclosure import REASON_BELOW_MINIMUM, TOTAL, suppress_hierarchy
from core.disclosure import Unit as FreeTextUnit
from core.limits import check_results_units
from core.org import District, ServiceArea, StaffRole, list_active
from steering.suppression import Dims, Key, cube_totals, suppress_scope
from survey.models import CANNOT_ANSWER, OPEN, ResponseCount, Rollup, Wave
from survey.queries import response_counts, wave_instrument
from survey.spec import InstrumentSpec, QuestionSpec

#: the reason shown for a count withheld because the wave is still open
REASON_WAVE_OPEN = "wave_open"
CACHE_SIZE = 256
RESULTS_CACHE_SIZE = 12
_lock = Lock()

Counts = dict[int, int]


def city() -> Key:
    return (TOTAL, TOTAL, TOTAL)


def unit_key(district_id: int | None, area_id: int | None = None,
             role_id: int | None = None) -> Key:
    """The key of a district (None: the city), optionally one of its areas OR roles."""
    return (TOTAL if district_id is None else district_id,
            TOTAL if area_id is None else area_id,
            TOTAL if role_id is None else role_id)


@dataclass
class WaveResults:
    """Counts of one wave over the whole scope, with its disclosure pattern."""

    wave: Wave
    spec: InstrumentSpec
    dims: Dims
    minimum: int
    is_open: bool
    inner: dict[Key, int]  #: responses per (district, area, role)
    n: dict[Key, int]  #: responses per scope key
    answers: dict[int, dict[Key, Counts]]  #: question id -> scope key -> value -> count
    hidden: dict[Key, str]  #: scope key -> reason, for the response counts
    answered: dict[int, dict[Key, int]]  #: question id -> inner cell -> people who answered
    _question_hidden: dict[int, dict[Key, str]] = field(default_factory=dict)
    #: figures computed from these counts, shared by the copies the cache hands out
    memo: dict[Hashable, object] = field(default_factory=dict)

    def reason(self, key: Key) -> str | None:
        """Why a unit's figures are not shown, or None when they are."""
        if key in self.hidden:
            return self.hidden[key]
        if self.is_open and self.n.get(key, 0) < self.minimum:
            return REASON_WAVE_OPEN if self.n.get(key, 0) == 0 else REASON_BELOW_MINIMUM
        return None

    def count(self, key: Key) -> int | None:
        """The published response count of a unit, or None."""
        return None if self.reason(key) else self.n.get(key, 0)

    def question_reason(self, question_id: int, key: Key) -> str | None:
        """Why one question's figures of a unit are hidden (its own n may be smaller than
        the unit's: people skip questions), or None."""
        unit = self.reason(key)
        if unit:
            return unit
        hidden = self.question_hidden(question_id)
        if key in hidden:
            return hidden[key]
        answered = sum(self.answers.get(question_id, {}).get(key, {}).values())
        return REASON_BELOW_MINIMUM if 0 < answered < self.minimum else None

    def question_hidden(self, question_id: int) -> dict[Key, str]:
        """The pattern for one question's answer counts, started from the unit pattern."""
        if question_id not in self._question_hidden:
            counts = self.answered.get(question_id, {})
            if counts == {k: v for k, v in self.inner.items() if v}:
                self._question_hidden[question_id] = self.hidden
            else:
                self._question_hidden[question_id] = cached_pattern(
                    ("q", self.wave.id, question_id), counts, self.dims, self.minimum,
                    tuple(sorted(self.hidden, key=repr)))
        return self._question_hidden[question_id]

    def counts(self, question_id: int, key: Key) -> Counts:
        return self.answers.get(question_id, {}).get(key, {})

    def question(self, question_id: int) -> QuestionSpec:
        return self.spec.by_id[question_id]


def cached_pattern(tag: Hashable, counts: dict[Key, int], dims: Dims, minimum: int,
                   start: tuple = ()) -> dict[Key, str]:
    """``suppress_scope`` memoised on everything its result depends on."""
    signature = (tag, minimum, tuple(sorted(counts.items(), key=repr)),
                 tuple(tuple(d) for d in dims), start)
    cache: OrderedDict = current_app.extensions.setdefault("steering_patterns", OrderedDict())
    with _lock:
        if signature in cache:
            cache.move_to_end(signature)
            return cache[signature]
    pattern = suppress_scope(counts, dims, minimum, start)
    with _lock:
        cache[signature] = pattern
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return pattern


def _dims(db: Session, inner: dict[Key, int]) -> Dims:
    """The districts, service areas and roles of the scope; ScopeTooLarge (a page that
    says why) rather than a disclosure check too large to finish (``core.limits``)."""
    axes = []
    for pos, model in enumerate((District, ServiceArea, StaffRole)):
        ids = {row.id for row in list_active(db, model)
               if not (model is District and row.is_central)}
        ids |= {key[pos] for key, n in inner.items() if n}
        axes.append(sorted(ids))
    check_results_units(*(len(axis) for axis in axes))
    return tuple(axes)  # type: ignore[return-value]


def scope_of(key: Key) -> list[Key]:
    """The scope keys an inner cell adds to."""
    d, a, r = key
    return [(d, a, TOTAL), (d, TOTAL, r), (d, TOTAL, TOTAL),
            (TOTAL, a, TOTAL), (TOTAL, TOTAL, r), (TOTAL, TOTAL, TOTAL)]


def _rollup_rows(db: Session, wave_id: int):
    """(district, area, role, question, value, count) summed over extra dimensions: one
    grouped read of the counters (its size is the rollup's, not the responses')."""
    keys = (Rollup.district_id, Rollup.service_area_id, Rollup.staff_role_id,
            Rollup.question_id, Rollup.value)
    stmt = select(*keys, func.sum(Rollup.count)).where(Rollup.wave_id == wave_id).group_by(*keys)
    return db.execute(stmt)


def _version(db: Session, wave_id: int) -> tuple:
    """A cheap stamp that changes whenever the wave's counters do."""
    rollup = db.execute(select(func.count(), func.sum(Rollup.count))
                        .where(Rollup.wave_id == wave_id)).one()
    cells = db.execute(select(func.count(), func.sum(ResponseCount.count))
                       .where(ResponseCount.wave_id == wave_id)).one()
    return (*rollup, *cells)


def load_wave(db: Session, wave: Wave, today: date | None = None) -> WaveResults:
    """A wave's counters aggregated over the scope, with their disclosure pattern. Kept per
    app while the counters stay the same (a closed wave's report is computed once)."""
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    is_open = wave.status(today or date.today()) == OPEN
    signature = (wave.id, minimum, is_open, _version(db, wave.id))
    cache: OrderedDict = current_app.extensions.setdefault("steering_results", OrderedDict())
    with _lock:
        found = cache.get(signature)
        if found is not None:
            cache.move_to_end(signature)
            return replace(found, wave=wave)
    results = _read_wave(db, wave, minimum, is_open)
    with _lock:
        cache[signature] = results
        while len(cache) > RESULTS_CACHE_SIZE:
            cache.popitem(last=False)
    return results


def _read_wave(db: Session, wave: Wave, minimum: int, is_open: bool) -> WaveResults:
    spec = wave_instrument(db, wave)
    answers: dict[int, dict] = {}
    inner_answers: dict[int, dict[Key, int]] = {}
    for district, area, role, question_id, value, count in _rollup_rows(db, wave.id):
        key = (district or 0, area or 0, role or 0)
        by_key = answers.setdefault(question_id, {})
        for scope_key in scope_of(key):
            values = by_key.setdefault(scope_key, {})
            values[value] = values.get(value, 0) + count
        cells = inner_answers.setdefault(question_id, {})
        cells[key] = cells.get(key, 0) + count
    inner = inner_responses(db, wave)
    dims = _dims(db, inner)
    n = cube_totals(inner, dims)
    hidden = cached_pattern(("r", wave.id), {k: v for k, v in inner.items() if v}, dims,
                            minimum)
    return WaveResults(wave, spec, dims, minimum, is_open, inner, n, answers, hidden,
                       inner_answers)


def inner_responses(db: Session, wave: Wave) -> dict[Key, int]:
    """Responses per (district, area, role) of a wave."""
    inner: dict[Key, int] = {}
    for row in response_counts(db, wave.id):
        key = (row.district_id or 0, row.service_area_id or 0, row.staff_role_id or 0)
        inner[key] = inner.get(key, 0) + row.count
    return inner


def valid_counts(counts: Counts) -> tuple[Counts, int]:
    """(answers on the scale, cannot-answer count)."""
    return ({v: c for v, c in counts.items() if v != CANNOT_ANSWER},
            counts.get(CANNOT_ANSWER, 0))


def free_text_hidden(results: WaveResults) -> set[Key]:
    """Units whose free text may NOT be shown: texts are shown for a district or a district's
    service area only (never a role: role texts intersected with area texts would single out
    a cell), and the tree district -> area is suppressed with the free-text minimum so that a
    district's texts minus its areas' texts never leave a small group's texts."""
    minimum = int(current_app.config["MIN_GROUP_SIZE_FREE_TEXT"])
    districts, areas, _roles = results.dims
    signature = ("free-text", results.wave.id, minimum,
                 tuple(sorted(((k, v) for k, v in results.n.items() if k[2] is TOTAL), key=repr)))
    cache: OrderedDict = current_app.extensions.setdefault("steering_patterns", OrderedDict())
    with _lock:
        if signature in cache:
            return cache[signature]
    trees = [FreeTextUnit((d, TOTAL, TOTAL), results.n.get((d, TOTAL, TOTAL), 0),
                          tuple(FreeTextUnit((d, a, TOTAL), results.n.get((d, a, TOTAL), 0))
                                for a in areas))
             for d in districts]
    outcome = suppress_hierarchy(trees, minimum)
    hidden = {cell.key for cell in outcome if not cell.published}
    hidden |= {cell.key for cell in outcome if cell.published and (cell.n or 0) < minimum}
    with _lock:
        cache[signature] = hidden
    return hidden
