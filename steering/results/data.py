"""One wave's results as the reports read them: answer counts per unit of the scope, read
from the survey package's counters (never raw responses), and the disclosure patterns that
decide what may be shown (``steering.results.suppression``). This is the one place the patterns are
built: pages, CSV/XLSX, the print report, the JSON API, sub-goal indicators and the raw
responses export all read them from here.

Results exist only for closed waves. While a wave is open (or not yet open) nothing but
participation is read: response counts per unit, under a pattern that hides every count under
the minimum, zero included, so that watching the counts grow cannot tell who just answered.
Open-wave participation is a snapshot of the responses stored before today (Stockholm time),
so every read of one day shows the same figures, and it is published in bands of the minimum
(``participation.band``). An open wave's pattern starts from the pattern the same counts would
have once closed, so that a read on the last open day hides everything a read after the close
hides, and the two cannot be combined.

Unit keys are ``(district id, service area id, staff role id)`` with ``TOTAL`` for "all" and
0 for "not stated"; a key has ``TOTAL`` for the area or the role (see ``scope_keys``).
Results are cached per app by a stamp of the wave's counters, so a page view pays for the
patterns once per change of the data (a closed wave: once)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from threading import Lock
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.caches import worker_cache
from core.disclosure.engine import RelationSystem, protect
from core.disclosure.gate import REASON_BELOW_MINIMUM, TOTAL, hierarchy_cells
from core.disclosure.gate import Unit as FreeTextUnit
from core.limits import check_results_units
from core.org.models import District, ServiceArea, StaffRole, list_active
from steering.results import stored_patterns
from steering.results.suppression import Dims, Key, cube_totals, suppress_question, suppress_scope
from survey.catalog import wave_instrument
from survey.models import (
    AGREEMENT,
    CANNOT_ANSWER,
    CHOICE,
    CLOSED,
    COUNTED_TYPES,
    NUMBER,
    SCALE_0_10,
    YES_NO,
    Response,
    ResponseCount,
    Rollup,
    Wave,
)
from survey.queries import headcounts, response_counts
from survey.spec import InstrumentSpec, QuestionSpec
from survey.waves.lifecycle import mark_results_shown
from survey.waves.raw_export import Hidden

#: the reason shown for every figure of a wave that is still open
REASON_WAVE_OPEN = "wave_open"
RESULTS_CACHE_SIZE = 12
#: the day of an open wave's participation snapshot turns at midnight in this time zone
SNAPSHOT_ZONE = ZoneInfo("Europe/Stockholm")
#: guards the figures a cached WaveResults works out on first use
_lock = Lock()

Counts = dict[int, int]


def snapshot_day() -> date:
    """Today in Stockholm: an open wave's participation counts the responses stored before it."""
    return datetime.now(SNAPSHOT_ZONE).date()


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
    """Counts of one wave over the whole scope, with its disclosure patterns. For a wave
    that is not closed, ``answers`` is empty, the counts are the snapshot of the responses
    stored before ``snapshot`` and ``hidden`` is their participation pattern (the counts are
    published in bands, never as they are)."""

    wave: Wave
    spec: InstrumentSpec
    dims: Dims
    minimum: int
    closed: bool
    inner: dict[Key, int]  #: responses per (district, area, role)
    n: dict[Key, int]  #: responses per scope key
    answers: dict[int, dict[Key, Counts]]  #: question id -> scope key -> value -> count
    hidden: dict[Key, str]  #: scope key -> reason, for the response counts
    staff: dict[Key, int]  #: headcounts by scope key (a reader's bounds)
    _question_hidden: dict[int, dict[Key, str]] = field(default_factory=dict)
    #: figures computed from these counts, shared by the copies the cache hands out
    memo: dict[Hashable, object] = field(default_factory=dict)
    #: an open wave: the responses counted are those stored before this day
    snapshot: date | None = None

    @property
    def is_open(self) -> bool:
        """True until the wave has closed: only participation is shown."""
        return not self.closed

    def reason(self, key: Key) -> str | None:
        """Why a unit's response count is not shown, or None when it is."""
        return self.hidden.get(key)

    def count(self, key: Key) -> int | None:
        """The published exact response count of a unit, or None (always None while the
        wave is open: its counts are published in bands, ``participation.band``)."""
        return None if self.reason(key) or not self.closed else self.n.get(key, 0)

    def question_reason(self, question_id: int, key: Key) -> str | None:
        """Why one question's figures of a unit are hidden (its own n may be smaller than
        the unit's: people skip questions, or cannot answer), or None."""
        if not self.closed:
            return REASON_WAVE_OPEN
        unit = self.reason(key)
        if unit:
            return unit
        return self.question_hidden(question_id).get(key)

    def question_hidden(self, question_id: int) -> dict[Key, str]:
        """The pattern for one question's answers, started from the unit pattern."""
        if not self.closed:
            raise ValueError("an open wave has no answer figures")
        with _lock:
            found = self._question_hidden.get(question_id)
        if found is None:
            found = _question_pattern(self, question_id)
            with _lock:
                self._question_hidden[question_id] = found
        return found

    def hidden_units(self) -> Hidden:
        """What the wave's figures hide: the unit pattern and the pattern of every counted
        question (what the raw responses export must follow)."""
        return Hidden(frozenset(self.hidden),
                      {q.id: frozenset(self.question_hidden(q.id)) for q in self.spec.questions
                       if q.type in COUNTED_TYPES})

    def counts(self, question_id: int, key: Key) -> Counts:
        return self.answers.get(question_id, {}).get(key, {})

    def question(self, question_id: int) -> QuestionSpec:
        return self.spec.by_id[question_id]


def _question_pattern(results: WaveResults, question_id: int) -> dict[Key, str]:
    question = results.spec.by_id.get(question_id)
    by_key = results.answers.get(question_id, {})
    valid: dict[Key, dict[Hashable, int]] = {}
    cannot: dict[Key, int] = {}
    measures: dict[Key, dict[Hashable, float]] = {}
    for key, counts in by_key.items():
        valid[key] = {v: c for v, c in counts.items() if v != CANNOT_ANSWER}
        cannot[key] = counts.get(CANNOT_ANSWER, 0)
    numeric = question is not None and question.type == NUMBER
    if numeric:
        # a numeric question publishes a mean and a spread, not its distribution: the sums
        # of the answers and of their squares add up like counts
        for key, counts in valid.items():
            measures[key] = {"sum": float(sum(v * c for v, c in counts.items())),
                             "squares": float(sum(v * v * c for v, c in counts.items()))}
            valid[key] = {"answers": sum(counts.values())}
    allows_cannot = question is None or question.allow_cannot_answer or any(cannot.values())
    return suppress_question(
        valid, results.dims, results.minimum, units=results.n, unit_hidden=results.hidden,
        other=cannot if allows_cannot else None, measures=measures if numeric else None,
        upper=results.staff, values=_answer_values(question))


def _answer_values(question: QuestionSpec | None) -> list[int]:
    """Every answer a question offers (its distribution lists them all)."""
    if question is None:
        return []
    if question.type == AGREEMENT:
        return list(range(1, (question.points or 5) + 1))
    if question.type == SCALE_0_10:
        return list(range(0, 11))
    if question.type == YES_NO:
        return [0, 1]
    if question.type == CHOICE:
        return [o.value for o in question.options]
    return []


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
    """A wave's counters aggregated over the scope, with their disclosure patterns. Kept per
    app while the counters stay the same. A closed wave's patterns are computed once, when
    its results are first read, and stored (``steering.results.stored_patterns``); that first read
    also records that the results have been shown (the wave cannot be reopened)."""
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    closed = wave.status(today or date.today()) == CLOSED
    day = None if closed else snapshot_day()
    version = _version(db, wave.id) if closed else snapshot_version(db, wave.id, day)
    signature = (wave.id, minimum, closed, day, version)
    cache = worker_cache("steering_results", maxsize=RESULTS_CACHE_SIZE)
    found = cache.get(signature)
    if found is not None and (wave.results_shown or not closed):
        return replace(found, wave=wave)
    stamp = repr(version)
    stored = stored_patterns.read(db, wave.id, minimum, stamp) if closed else None
    results = found or _read_wave(db, wave, minimum, closed, stored, day)
    if closed and (stored is None or not wave.results_shown):
        _record(db, wave, results, stamp, store=stored is None)
    cache.put(signature, results)
    return replace(results, wave=wave)


def _record(db: Session, wave: Wave, results: WaveResults, stamp: str, store: bool) -> None:
    """Store the closed wave's patterns (every counted question's too) and remember that
    its results are being shown. A page or a download (GET) writes in a transaction of its
    own, as the request's session is never committed; any other caller writes with its own
    session and commits it with its work."""
    questions = {}
    if store:
        questions = {q.id: results.question_hidden(q.id) for q in results.spec.questions
                     if q.type in COUNTED_TYPES}

    def write(session: Session) -> None:
        if store:
            stored_patterns.write(session, wave.id, results.minimum, stamp, results.hidden,
                                  questions)
        if not wave.results_shown:
            mark_results_shown(session, wave)

    if has_request_context() and request.method in ("GET", "HEAD"):
        own = current_app.extensions["db_sessionmaker"]()
        try:
            write(own)
            own.commit()
        finally:
            own.close()
    else:
        write(db)


def snapshot_version(db: Session, wave_id: int, day: date) -> tuple:
    """A stamp of an open wave's snapshot: the responses stored before ``day``."""
    return db.execute(select(func.count()).select_from(Response)
                      .where(Response.wave_id == wave_id, Response.submitted_on < day)).one()


def responses_before(db: Session, wave_id: int, day: date) -> dict[Key, int]:
    """Responses per (district, area, role) of a wave stored before ``day``."""
    keys = (Response.district_id, Response.service_area_id, Response.staff_role_id)
    inner: dict[Key, int] = {}
    stmt = (select(*keys, func.count()).where(Response.wave_id == wave_id,
                                              Response.submitted_on < day).group_by(*keys))
    for district, area, role, count in db.execute(stmt):
        key = (district or 0, area or 0, role or 0)
        inner[key] = inner.get(key, 0) + count
    return inner


def _read_wave(db: Session, wave: Wave, minimum: int, closed: bool,
               stored: tuple[dict[Key, str], dict[int, dict[Key, str]]] | None = None,
               day: date | None = None) -> WaveResults:
    spec = wave_instrument(db, wave)
    answers: dict[int, dict] = {}
    if closed:  # an open wave's answers are not even read
        for district, area, role, question_id, value, count in _rollup_rows(db, wave.id):
            key = (district or 0, area or 0, role or 0)
            by_key = answers.setdefault(question_id, {})
            for scope_key in scope_of(key):
                values = by_key.setdefault(scope_key, {})
                values[value] = values.get(value, 0) + count
    inner = inner_responses(db, wave) if closed else responses_before(db, wave.id, day)
    dims = _dims(db, inner_responses(db, wave) if not closed else inner)
    n = cube_totals(inner, dims)
    staff = staff_by_key(db, wave)
    if stored is not None:
        return WaveResults(wave, spec, dims, minimum, closed, inner, n, answers, stored[0],
                           staff, dict(stored[1]))
    present = {k: v for k, v in inner.items() if v}
    # the closed wave's pattern of these counts; an open wave's participation starts from it,
    # so a snapshot that equals the final counts hides at least what the results will hide
    hidden = suppress_scope(present, dims, minimum, upper=staff)
    if not closed:
        hidden = suppress_scope(present, dims, minimum, hide_zeros=True, upper=staff,
                                start=hidden)
    return WaveResults(wave, spec, dims, minimum, closed, inner, n, answers, hidden, staff,
                       snapshot=None if closed else day)


def staff_by_key(db: Session, wave: Wave) -> dict[Key, int]:
    """Headcounts by scope key: a district, and a district's service area."""
    found: dict[Key, int] = {}
    parts: dict[int, int] = {}
    for (district, area), count in headcounts(db, wave.id).items():
        found[unit_key(district, area)] = count
        if area is not None:
            parts[district] = parts.get(district, 0) + count
    for district, total in parts.items():
        found.setdefault(unit_key(district), total)
    return found


def inner_responses(db: Session, wave: Wave) -> dict[Key, int]:
    """Responses per (district, area, role) of a wave."""
    inner: dict[Key, int] = {}
    for row in response_counts(db, wave.id):
        key = (row.district_id or 0, row.service_area_id or 0, row.staff_role_id or 0)
        inner[key] = inner.get(key, 0) + row.count
    return inner


def hidden_units(db: Session, wave: Wave) -> Hidden:
    """What the published figures of the closed ``wave`` hide."""
    results = load_wave(db, wave)
    if not results.closed:
        raise ValueError("results exist only for closed waves")
    return results.hidden_units()


def valid_counts(counts: Counts) -> tuple[Counts, int]:
    """(answers on the scale, cannot-answer count)."""
    return ({v: c for v, c in counts.items() if v != CANNOT_ANSWER},
            counts.get(CANNOT_ANSWER, 0))


def free_text_hidden(results: WaveResults) -> set[Key]:
    """Units whose free text may NOT be shown: texts are shown for a district or a district's
    service area only (never a role: role texts intersected with area texts would single out
    a cell), never for a unit whose response count is hidden, and the tree district -> area
    is suppressed with the free-text minimum, starting from the units hidden already, so that
    a district's texts minus its areas' texts never leave a small group's texts."""
    minimum = int(current_app.config["MIN_GROUP_SIZE_FREE_TEXT"])
    districts, areas, _roles = results.dims
    signature = ("free-text", results.wave.id, minimum)
    with _lock:
        if signature in results.memo:
            return results.memo[signature]  # type: ignore[return-value]
    trees = [FreeTextUnit((d, TOTAL, TOTAL), results.n.get((d, TOTAL, TOTAL), 0),
                          tuple(FreeTextUnit((d, a, TOTAL), results.n.get((d, a, TOTAL), 0))
                                for a in areas))
             for d in districts]
    cells, relations = hierarchy_cells(trees)
    index = {c.key: i for i, c in enumerate(cells)}
    system = RelationSystem([c.n for c in cells],
                            [(index[r.total], [index[p] for p in r.parts]) for r in relations],
                            minimum)
    primary = {i for i, c in enumerate(cells) if 0 < c.n < minimum}
    start = {index[k]: reason for k, reason in results.hidden.items() if k in index}
    # what a reader knows of a unit hidden for its response count
    bounds = {i: (1, results.minimum - 1) if reason == REASON_BELOW_MINIMUM
              else (results.minimum, None) for i, reason in start.items()}
    extra = protect(system, primary, start=set(start) - primary,
                    bounds={i: b for i, b in bounds.items() if i not in primary})
    hidden = {cells[i].key for i in primary | set(start) | extra}
    hidden |= {c.key for c in cells if c.n < minimum}
    with _lock:
        results.memo[signature] = hidden
    return hidden
