"""Change markers: each scale question of a unit against the previous wave that asked it.

Like is compared with like: a question is compared with the latest earlier closed wave of the
organisation (asked here, or imported as history; never a benchmark) whose questionnaire has
the same question code on the same scale (points and reverse key). Questions of one page may
so be compared with different waves; each marker names its wave.

Mann-Whitney U from the two waves' counts, p-values adjusted together across the report's
questions (Holm by default, ``CHANGE_CORRECTION = "bh"`` for Benjamini-Hochberg), and a change
is called only when it is significant AND at least ``MEANINGFUL_DIFFERENCE`` index points;
otherwise "no clear change". A question hidden in either wave gets no marker at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy.orm import Session

from core.stats.significance import (
    DOWN,
    NO_CLEAR_CHANGE,
    UP,
    Comparison,
    compare_counts,
    judge_comparisons,
)
from steering.results.data import Key, WaveResults, load_wave, valid_counts
from steering.results.figures import QuestionRow, higher_is_better, question_scale
from survey.catalog import list_waves
from survey.models import CLOSED, NOT_PUBLISHED, Wave
from survey.spec import InstrumentSpec, QuestionSpec

__all__ = ["DOWN", "NO_CLEAR_CHANGE", "UP", "Change", "benchmark_waves", "closed_waves",
           "comparable_question", "earlier_waves", "judge_pairs", "mark_changes",
           "previous_wave", "report_waves", "verdict_better"]


@dataclass(frozen=True)
class Change:
    """A verdict for one question: ``direction`` UP/DOWN/NO_CLEAR_CHANGE on the scored scale,
    ``better`` whether that direction is the good one (None for no clear change)."""

    comparison: Comparison
    direction: str
    better: bool | None
    previous_wave: str
    #: True when this question is compared with another wave than most of the page's
    named: bool = False


def report_waves(db: Session) -> list[Wave]:
    """The organisation's waves that have been published, oldest first (a trend reads left
    to right). Benchmarks are not among them: they are another organisation's results."""
    today = date.today()
    return [w for w in reversed(list_waves(db))
            if w.status(today) != NOT_PUBLISHED and not w.is_benchmark]


def benchmark_waves(db: Session) -> list[Wave]:
    """Imported benchmark waves (closed at import), newest first."""
    today = date.today()
    return [w for w in list_waves(db) if w.is_benchmark and w.status(today) == CLOSED]


def closed_waves(db: Session) -> list[Wave]:
    """Waves whose results exist (they have closed), oldest first."""
    today = date.today()
    return [w for w in report_waves(db) if w.status(today) == CLOSED]


def earlier_waves(db: Session, wave: Wave) -> list[Wave]:
    """The organisation's closed waves that opened before ``wave``, latest first."""
    return [w for w in reversed(closed_waves(db))
            if w.opens_on < wave.opens_on and w.id != wave.id]


def previous_wave(db: Session, wave: Wave) -> Wave | None:
    """The latest closed wave of the organisation that opened before ``wave``."""
    earlier = earlier_waves(db, wave)
    return earlier[0] if earlier else None


def comparable_question(spec: InstrumentSpec, question: QuestionSpec) -> QuestionSpec | None:
    """The question of ``spec`` that is ``question`` (same code, same scale), or None."""
    scale = question_scale(question)
    if scale is None:
        return None
    found = next((q for q in spec.questions if q.code == question.code), None)
    if found is None or question_scale(found) != scale:
        return None
    return found


def judge_pairs(pairs: list[Comparison]) -> list[Comparison]:
    """Adjust one page's comparisons together and call each (significant AND at least
    ``MEANINGFUL_DIFFERENCE`` index points)."""
    config = current_app.config
    return judge_comparisons(pairs, method=config.get("CHANGE_CORRECTION", "holm"),
                             meaningful=float(config["MEANINGFUL_DIFFERENCE"]))


def verdict_better(spec: InstrumentSpec, question: QuestionSpec,
                   comparison: Comparison) -> bool | None:
    """Whether the direction of a called difference is the good one (None: no clear one)."""
    if comparison.verdict == NO_CLEAR_CHANGE:
        return None
    return (comparison.verdict == UP) == higher_is_better(spec, question)


def mark_changes(db: Session, rows: list[QuestionRow], current: WaveResults, key: Key
                 ) -> WaveResults | None:
    """Set ``row.change`` on every shown scale row that an earlier wave asked the same way
    (``comparable_question``) and shows for ``key``: the latest such wave for each row.
    Returns the results of the wave most rows are compared with (None: none is)."""
    earlier = earlier_waves(db, current.wave)
    loaded: dict[int, WaveResults] = {}
    pairs: list[tuple[QuestionRow, WaveResults, Comparison]] = []
    for row in rows:
        if row.reason or question_scale(row.question) is None:
            continue
        for wave in earlier:
            if wave.id not in loaded:
                loaded[wave.id] = load_wave(db, wave)
            previous = loaded[wave.id]
            old = comparable_question(previous.spec, row.question)
            if old is None:
                continue
            if not previous.question_reason(old.id, key):
                before_counts, _ = valid_counts(previous.counts(old.id, key))
                after_counts, _ = valid_counts(current.counts(row.question.id, key))
                if before_counts and after_counts:
                    comparison = compare_counts(before_counts, after_counts,
                                                question_scale(row.question))  # type: ignore[arg-type]
                    pairs.append((row, previous, comparison))
            break  # a hidden or empty question in its latest wave gets no marker
    if not pairs:
        return None
    used = Counter(previous.wave.id for _, previous, _ in pairs)
    main_id = max(used, key=lambda wave_id: (used[wave_id], loaded[wave_id].wave.opens_on))
    judged = judge_pairs([c for _, _, c in pairs])
    for (row, previous, _), comparison in zip(pairs, judged, strict=True):
        row.change = Change(comparison, comparison.verdict,
                            verdict_better(current.spec, row.question, comparison),
                            previous.wave.name, named=previous.wave.id != main_id)
    return loaded[main_id]
