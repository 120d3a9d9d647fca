"""Change markers: each scale question of a unit against the previous wave that asked it.

Mann-Whitney U from the two waves' counts, p-values adjusted together across the report's
questions (Holm by default, ``CHANGE_CORRECTION = "bh"`` for Benjamini-Hochberg), and a change
is called only when it is significant AND at least ``MEANINGFUL_DIFFERENCE`` index points;
otherwise "no clear change". A question hidden in either wave gets no marker at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy.orm import Session

from core.stats_tests import (
    DOWN,
    NO_CLEAR_CHANGE,
    UP,
    Comparison,
    compare_counts,
    judge_comparisons,
)
from steering.data import Key, WaveResults, load_wave, valid_counts
from steering.figures import QuestionRow, higher_is_better, question_scale
from survey.models import CLOSED, NOT_PUBLISHED, Wave
from survey.queries import list_waves

__all__ = ["DOWN", "NO_CLEAR_CHANGE", "UP", "Change", "closed_waves", "mark_changes",
           "previous_wave", "report_waves"]


@dataclass(frozen=True)
class Change:
    """A verdict for one question: ``direction`` UP/DOWN/NO_CLEAR_CHANGE on the scored scale,
    ``better`` whether that direction is the good one (None for no clear change)."""

    comparison: Comparison
    direction: str
    better: bool | None
    previous_wave: str


def report_waves(db: Session) -> list[Wave]:
    """Waves that have been published, oldest first (a trend reads left to right)."""
    today = date.today()
    return [w for w in reversed(list_waves(db)) if w.status(today) != NOT_PUBLISHED]


def closed_waves(db: Session) -> list[Wave]:
    """Waves whose results exist (they have closed), oldest first."""
    today = date.today()
    return [w for w in report_waves(db) if w.status(today) == CLOSED]


def previous_wave(db: Session, wave: Wave) -> Wave | None:
    """The latest closed wave that opened before ``wave``."""
    earlier = [w for w in closed_waves(db) if w.opens_on < wave.opens_on and w.id != wave.id]
    if not earlier:
        return None
    return earlier[-1]


def mark_changes(db: Session, rows: list[QuestionRow], current: WaveResults, key: Key,
                 previous: WaveResults | None = None) -> WaveResults | None:
    """Set ``row.change`` on every shown scale row that the previous wave also shows for
    ``key``. Returns the previous wave's results (or None when there is none)."""
    if previous is None:
        before = previous_wave(db, current.wave)
        if before is None:
            return None
        previous = load_wave(db, before)
    by_code = {q.code: q for q in previous.spec.questions}
    pairs: list[tuple[QuestionRow, Comparison]] = []
    for row in rows:
        scale = question_scale(row.question)
        old = by_code.get(row.question.code)
        if row.reason or scale is None or old is None or question_scale(old) != scale:
            continue
        if previous.question_reason(old.id, key):
            continue
        before_counts, _ = valid_counts(previous.counts(old.id, key))
        after_counts, _ = valid_counts(current.counts(row.question.id, key))
        if not before_counts or not after_counts:
            continue
        pairs.append((row, compare_counts(before_counts, after_counts, scale)))
    config = current_app.config
    judged = judge_comparisons(
        [c for _, c in pairs], method=config.get("CHANGE_CORRECTION", "holm"),
        meaningful=float(config["MEANINGFUL_DIFFERENCE"]))
    for (row, _), comparison in zip(pairs, judged, strict=True):
        good_up = higher_is_better(current.spec, row.question)
        better = None if comparison.verdict == NO_CLEAR_CHANGE else (
            (comparison.verdict == UP) == good_up)
        row.change = Change(comparison, comparison.verdict, better, previous.wave.name)
    return previous
