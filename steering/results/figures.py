"""Figures of one unit in one wave, computed from counts by ``core.stats.descriptive`` and
released only where the wave's disclosure pattern allows (``WaveResults.reason`` /
``question_reason``).

Indices: every index code the instrument's questions carry, plus the composite indices of
the survey library whose parts are all present (the HME total is Motivation + Leadership +
Governance). "Favourable" follows the good direction: on an index where a higher value is
worse (the workload index) the favourable share is the share at the other end of the scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.i18n import bilingual
from core.stats.descriptive import (
    IndexScore,
    Moments,
    Proportion,
    QuestionSummary,
    Scale,
    describe_counts,
    index_score,
    proportion,
    summarize_question,
)
from steering.results.data import Key, WaveResults, valid_counts
from survey.library import INDEXES
from survey.models import AGREEMENT, CHOICE, NUMBER, SCALE_0_10, YES_NO
from survey.spec import InstrumentSpec, QuestionSpec

SCALE_TYPES = (AGREEMENT, SCALE_0_10)


@dataclass(frozen=True)
class IndexDef:
    code: str
    name_sv: str
    name_en: str
    question_ids: tuple[int, ...]
    higher_is_better: bool = True

    @property
    def name(self) -> str:
        return bilingual(self.name_sv, self.name_en)


def wave_indexes(spec: InstrumentSpec) -> list[IndexDef]:
    """The indices a wave's instrument defines, composites first, in library order."""
    groups: dict[str, list[int]] = {}
    for q in spec.questions:
        if q.index_code and q.type in SCALE_TYPES:
            groups.setdefault(q.index_code, []).append(q.id)
    found = []
    for code, meta in INDEXES.items():
        parts = meta.get("parts")
        if parts and all(p in groups for p in parts):
            ids = tuple(i for p in parts for i in groups[p])
            found.append(IndexDef(code, meta["name_sv"], meta["name_en"], ids,
                                  meta.get("higher_is_better", True)))
    for code in [c for c in INDEXES if c in groups] + sorted(set(groups) - set(INDEXES)):
        meta = INDEXES.get(code, {})
        found.append(IndexDef(code, meta.get("name_sv", code), meta.get("name_en", code),
                              tuple(groups[code]), meta.get("higher_is_better", True)))
    return found


def index_items(spec: InstrumentSpec, index: IndexDef) -> frozenset[tuple[str, Scale | None]]:
    """What an index is made of, to tell whether two waves' indices are the same: its
    questions by code with their scales."""
    return frozenset((spec.by_id[i].code, question_scale(spec.by_id[i]))
                     for i in index.question_ids)


def higher_is_better(spec: InstrumentSpec, question: QuestionSpec) -> bool:
    """Whether a higher scored answer is the good end (False for workload items)."""
    if question.index_code:
        return bool(INDEXES.get(question.index_code, {}).get("higher_is_better", True))
    return True


def question_scale(question: QuestionSpec) -> Scale | None:
    if question.type == AGREEMENT and question.points:
        return Scale.agreement(question.points, reverse=question.reverse_scored)
    if question.type == SCALE_0_10:
        return Scale.zero_to_ten(reverse=question.reverse_scored)
    return None


@dataclass
class IndexFigure:
    index: IndexDef
    reason: str | None
    score: IndexScore | None = None


def index_figure(results: WaveResults, index: IndexDef, key: Key) -> IndexFigure:
    """An index of one unit; hidden when the unit or any of its items is hidden."""
    memo_key = ("index", index, key)
    if memo_key not in results.memo:
        results.memo[memo_key] = _index_figure(results, index, key)
    return results.memo[memo_key]  # type: ignore[return-value]


def _index_figure(results: WaveResults, index: IndexDef, key: Key) -> IndexFigure:
    summaries = []
    for qid in index.question_ids:
        reason = results.question_reason(qid, key)
        if reason:
            return IndexFigure(index, reason)
        found = summary(results, results.question(qid), key)
        if found is not None:
            summaries.append(found)
    score = index_score(summaries)
    return IndexFigure(index, None, score if score.score is not None else None)


def summary(results: WaveResults, question: QuestionSpec, key: Key) -> QuestionSummary | None:
    """``core.stats.descriptive.summarize_question`` of a scale question for a unit, computed
    once."""
    memo_key = ("summary", question.id, key)
    if memo_key not in results.memo:
        scale = question_scale(question)
        counts, cannot = valid_counts(results.counts(question.id, key))
        results.memo[memo_key] = summarize_question(counts, scale, cannot) if scale else None
    return results.memo[memo_key]  # type: ignore[return-value]


def index_value(results: WaveResults, index: IndexDef, key: Key
                ) -> tuple[float | None, str | None]:
    """(score, reason) of an index without its interval, for tables of many cells (the
    heatmap). The same score as ``core.stats.descriptive.index_score``: the mean of the items'
    0..100 means; it needs no quantiles, so a whole table costs a few milliseconds."""
    memo_key = ("index-value", index, key)
    if memo_key in results.memo:
        return results.memo[memo_key]  # type: ignore[return-value]
    values: list[float] = []
    reason = None
    for qid in index.question_ids:
        reason = results.question_reason(qid, key)
        if reason:
            values = []
            break
        scale = question_scale(results.question(qid))
        counts, _cannot = valid_counts(results.counts(qid, key))
        n = sum(counts.values())
        if scale is not None and n:
            mean = sum(scale.score(v) * c for v, c in counts.items()) / n
            values.append(scale.to_index(mean))
    result = (sum(values) / len(values) if values else None, reason)
    results.memo[memo_key] = result
    return result


@dataclass
class QuestionRow:
    """One row of a unit's question table; every figure is None when ``reason`` is set."""

    question: QuestionSpec
    reason: str | None
    n: int | None = None
    summary: QuestionSummary | None = None
    favourable: Proportion | None = None
    yes: Proportion | None = None
    moments: Moments | None = None
    choices: list[tuple[str, int, float | None]] = field(default_factory=list)
    #: filled by ``steering.results.changes``
    change: object | None = None

    @property
    def is_scale(self) -> bool:
        return self.question.type in SCALE_TYPES


def question_row(results: WaveResults, question: QuestionSpec, key: Key) -> QuestionRow:
    reason = results.question_reason(question.id, key)
    if reason:
        return QuestionRow(question, reason)
    counts, cannot = valid_counts(results.counts(question.id, key))
    row = QuestionRow(question, None, n=sum(counts.values()))
    scale = question_scale(question)
    if scale is not None:
        row.summary = summary(results, question, key)
        good = row.summary.favourable if higher_is_better(results.spec, question) \
            else row.summary.unfavourable
        row.favourable = good
    elif question.type == YES_NO:
        row.yes = proportion(counts.get(1, 0), row.n)
    elif question.type == NUMBER:
        row.moments = describe_counts(counts)
    elif question.type == CHOICE:
        total = row.n or 0
        row.choices = [(o.label, counts.get(o.value, 0),
                        counts.get(o.value, 0) / total if total else None)
                       for o in question.options]
    if row.n == 0 and cannot == 0:
        row.summary = row.favourable = None
    return row


def question_rows(results: WaveResults, key: Key) -> list[QuestionRow]:
    """Rows for every counted question of the wave (free text is shown apart)."""
    return [question_row(results, q, key) for q in results.spec.questions
            if q.type in (*SCALE_TYPES, YES_NO, NUMBER, CHOICE)]


def strongest_and_weakest(rows: list[QuestionRow], count: int = 3
                          ) -> tuple[list[QuestionRow], list[QuestionRow]]:
    """The scale questions with the highest and the lowest favourable share."""
    ranked = sorted((r for r in rows if r.favourable is not None),
                    key=lambda r: (-r.favourable.share, r.question.code))  # type: ignore[union-attr]
    count = min(count, len(ranked) // 2)
    return ranked[:count], list(reversed(ranked[-count:])) if count else []
