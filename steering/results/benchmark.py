"""A unit's figures beside a benchmark (another organisation's imported results), and a
district beside the rest of the city.

Like with like, as for change markers: a question is compared only where the benchmark asks
it with the same code on the same scale, and an index only where it has the same items on
the same scales. Per question: the difference in favourable share (percentage points) and in
index points, called higher or lower with the change markers' rules (Mann-Whitney from the
two sets of counts, Holm over the page's questions, and at least ``MEANINGFUL_DIFFERENCE``
index points). Per index: the difference in index points (the counters hold no covariances,
so an index difference is given without a test). The benchmark is read as a whole, through
its own disclosure gate (``steering.results.imported``); the unit's figures are those its
page shows, so nothing is compared that is not shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy.orm import Session

from core.i18n import _
from core.stats.descriptive import summarize_question
from core.stats.significance import Comparison, compare_counts
from steering.results.changes import (
    benchmark_waves,
    comparable_question,
    judge_pairs,
    verdict_better,
)
from steering.results.data import city, valid_counts
from steering.results.figures import (
    higher_is_better,
    index_figure,
    index_items,
    question_row,
    question_scale,
    wave_indexes,
)
from steering.results.imported import load_level
from steering.results.tables import NUM, PCT, TEXT, Column, Table, Value, direction_text, hidden_or
from steering.results.unit_report import UnitReport
from survey.models import Wave


@dataclass
class QuestionComparison:
    code: str
    text: str
    ours: float | None  #: favourable share of the unit
    reference: float | None  #: favourable share of the benchmark
    comparison: Comparison | None = None
    better: bool | None = None
    reason: str | None = None  #: why the benchmark's figure is not shown


@dataclass
class IndexComparison:
    code: str
    name: str
    ours: float | None
    reference: float | None
    reason: str | None = None


@dataclass
class BenchmarkComparison:
    benchmark: Wave
    questions: list[QuestionComparison] = field(default_factory=list)
    indexes: list[IndexComparison] = field(default_factory=list)


def chosen_benchmark(db: Session, args: Mapping[str, str]) -> Wave | None:
    """``?benchmark=<wave id>`` among the imported benchmarks (404 for any other id)."""
    raw = args.get("benchmark")
    if not raw:
        return None
    found = next((w for w in benchmark_waves(db) if str(w.id) == raw), None)
    if found is None:
        abort(404)
    return found


def compare_with_benchmark(db: Session, report: UnitReport, benchmark: Wave
                           ) -> BenchmarkComparison:
    reference = load_level(db, benchmark, None)
    whole = city()
    result = BenchmarkComparison(benchmark)
    if report.reason or report.results.is_open:
        return result
    pairs: list[tuple[QuestionComparison, Comparison]] = []
    for row in report.rows:
        scale = question_scale(row.question)
        old = comparable_question(reference.spec, row.question) if scale else None
        if row.reason or old is None or row.favourable is None:
            continue
        theirs = question_row(reference, old, whole)
        if not theirs.reason and not theirs.n:
            continue  # the file had no answers to it
        good_up = higher_is_better(report.results.spec, row.question)
        ref_share = None
        if theirs.summary is not None:
            band = theirs.summary.favourable if good_up else theirs.summary.unfavourable
            ref_share = band.share if band else None
        item = QuestionComparison(row.question.code, row.question.text, row.favourable.share,
                                  ref_share, reason=theirs.reason)
        result.questions.append(item)
        if theirs.reason:
            continue
        ours_counts, _ = valid_counts(report.results.counts(row.question.id, report.key))
        ref_counts, _ = valid_counts(reference.counts(old.id, whole))
        if ours_counts and ref_counts:
            pairs.append((item, compare_counts(ref_counts, ours_counts, scale)))
    judged = judge_pairs([c for _, c in pairs])
    by_code = {q.code: q for q in report.results.spec.questions}
    for (item, _), comparison in zip(pairs, judged, strict=True):
        item.comparison = comparison
        item.better = verdict_better(report.results.spec, by_code[item.code], comparison)
    theirs_indexes = {i.code: i for i in wave_indexes(reference.spec)}
    for figure in report.indexes:
        other = theirs_indexes.get(figure.index.code)
        if figure.reason or other is None or index_items(
                reference.spec, other) != index_items(report.results.spec, figure.index):
            continue
        ref_figure = index_figure(reference, other, whole)
        result.indexes.append(IndexComparison(
            figure.index.code, figure.index.name,
            figure.score.score if figure.score else None,
            ref_figure.score.score if ref_figure.score else None, ref_figure.reason))
    return result


def attach_benchmark(db: Session, report: UnitReport, args: Mapping[str, str]) -> None:
    """Put the comparison with ``?benchmark=<id>`` (if any) on the report."""
    benchmark = chosen_benchmark(db, args)
    if benchmark is not None:
        report.benchmark = compare_with_benchmark(db, report, benchmark)


def verdict_text(item: QuestionComparison) -> str:
    """The call in words, as for change markers (never colour alone)."""
    comparison = item.comparison
    if comparison is None:
        return ""
    return direction_text(comparison.verdict, item.better, _("no clear difference"))



def _comparison_table(name: str, title: str, unit: str, reference: str) -> Table:
    """An empty table of a unit's questions beside a reference (a benchmark, the rest of the
    city): favourable shares, their differences and the verdict in words."""
    return Table(name, title, [
        Column("code", _("Code")), Column("question", _("Question")),
        Column("ours", _("Favourable, %(unit)s", unit=unit), PCT),
        Column("reference", reference, PCT),
        Column("share_difference", _("Difference, percentage points"), NUM),
        Column("index_difference", _("Difference, index points"), NUM),
        Column("verdict", _("Difference"), TEXT)])


def benchmark_table(report: UnitReport) -> Table:
    """The questions of the unit beside the chosen benchmark (empty when none is chosen)."""
    found: BenchmarkComparison | None = getattr(report, "benchmark", None)
    title = _("%(unit)s beside %(benchmark)s", unit=report.label,
              benchmark=found.benchmark.name if found else "")
    table = _comparison_table("benchmark", title, report.label, _("Favourable, benchmark"))
    if found is None:
        return table
    for index in found.indexes:
        difference = (index.ours - index.reference
                      if index.ours is not None and index.reference is not None else None)
        table.add(code=index.code, question=index.name, ours=Value(None),
                  reference=hidden_or(index.reason, None),
                  share_difference=hidden_or(index.reason, None),
                  index_difference=hidden_or(index.reason, difference),
                  verdict=hidden_or(index.reason, ""))
    for item in found.questions:
        r = item.reason
        c = item.comparison
        share = (item.ours - item.reference) * 100 if item.reference is not None else None
        table.add(code=item.code, question=item.text, ours=Value(item.ours),
                  reference=hidden_or(r, item.reference),
                  share_difference=hidden_or(r, share),
                  index_difference=hidden_or(r, c.difference if c else None),
                  verdict=hidden_or(r, verdict_text(item)))
    return table


def compare_with_rest_of_city(report: UnitReport) -> list[QuestionComparison]:
    """A whole district's questions against the rest of the city (the city's counts minus
    the district's), called with the change markers' rules, Holm over the page. Only where
    the question's figures of both the district and the city are shown: the rest is then
    what a reader could subtract anyway, and the gate leaves no rest under the minimum
    (checked again here)."""
    results = report.results
    whole = city()
    if (report.reason or results.is_open or report.area is not None
            or report.role is not None):
        return []
    found: list[QuestionComparison] = []
    pairs: list[tuple[QuestionComparison, Comparison]] = []
    for row in report.rows:
        scale = question_scale(row.question)
        if row.reason or scale is None or row.favourable is None:
            continue
        if results.question_reason(row.question.id, whole):
            continue
        ours, _ = valid_counts(results.counts(row.question.id, report.key))
        everyone, _ = valid_counts(results.counts(row.question.id, whole))
        rest = {v: everyone.get(v, 0) - ours.get(v, 0) for v in everyone}
        rest = {v: c for v, c in rest.items() if c}
        if sum(rest.values()) < results.minimum:
            continue
        summary = summarize_question(rest, scale)
        band = (summary.favourable if higher_is_better(results.spec, row.question)
                else summary.unfavourable)
        item = QuestionComparison(row.question.code, row.question.text, row.favourable.share,
                                  band.share if band else None)
        found.append(item)
        pairs.append((item, compare_counts(rest, ours, scale)))
    judged = judge_pairs([c for _, c in pairs])
    by_code = {q.code: q for q in results.spec.questions}
    for (item, _), comparison in zip(pairs, judged, strict=True):
        item.comparison = comparison
        item.better = verdict_better(results.spec, by_code[item.code], comparison)
    return found


def rest_of_city_table(report: UnitReport) -> Table:
    """A whole district's questions beside the rest of the city."""
    title = _("%(unit)s compared with the rest of the city, %(wave)s", unit=report.label,
              wave=report.wave.name)
    table = _comparison_table("rest-of-city", title, report.label,
                              _("Favourable, rest of the city"))
    for item in compare_with_rest_of_city(report):
        c = item.comparison
        table.add(code=item.code, question=item.text, ours=item.ours, reference=item.reference,
                  share_difference=(item.ours - item.reference) * 100
                  if item.reference is not None and item.ours is not None else None,
                  index_difference=c.difference if c else None, verdict=verdict_text(item))
    return table
