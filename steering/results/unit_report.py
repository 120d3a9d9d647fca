"""The unit page: a district, or one of its service areas or staff roles, in one wave.

Indices with intervals and a trend over the waves, the question table with change markers
against the previous wave, strongest and weakest questions, the response rate where a
headcount is known, and free-text answers with a word cloud where the group is large
enough. Everything is read from counters and passes the wave's disclosure pattern. A wave
that has not closed has no results: the report then holds participation only."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import Session

from core.i18n import _, fmt_number
from core.org.models import District, ServiceArea, StaffRole
from core.stats.descriptive import ResponseRate
from core.text import MARKERS, word_frequencies
from steering import charts
from steering.results.changes import closed_waves, mark_changes
from steering.results.data import (
    REASON_WAVE_OPEN,
    Key,
    WaveResults,
    free_text_hidden,
    load_wave,
    unit_key,
)
from steering.results.figures import (
    IndexDef,
    IndexFigure,
    QuestionRow,
    index_figure,
    index_items,
    question_rows,
    strongest_and_weakest,
    wave_indexes,
)
from steering.results.participation import district_keys, participation_table, rate
from steering.results.tables import Table
from survey.models import FREE_TEXT, Wave
from survey.queries import free_text_answers

#: words of the masking markers ("[namn]" …) are not words anyone wrote
MARKER_WORDS = tuple(m.strip("[]") for m in MARKERS.values())


@dataclass
class TrendRow:
    wave: Wave
    figures: dict[str, IndexFigure]  #: index code -> figure (absent: not asked)


@dataclass
class FreeTextBlock:
    question_text: str
    texts: list[str]


@dataclass
class UnitReport:
    wave: Wave
    results: WaveResults
    district: District
    area: ServiceArea | None
    role: StaffRole | None
    key: Key
    reason: str | None  #: why the whole unit shows nothing, or None
    n: int | None
    rate: ResponseRate | None
    indexes: list[IndexFigure]
    rows: list[QuestionRow]
    strongest: list[QuestionRow]
    weakest: list[QuestionRow]
    previous: Wave | None
    trend: list[TrendRow]
    trend_index: IndexDef | None
    trend_chart: Markup
    free_text_reason: str | None
    participation: Table
    free_texts: list[FreeTextBlock] = field(default_factory=list)
    cloud: Markup = field(default_factory=Markup)
    cloud_words: list[tuple[str, int]] = field(default_factory=list)
    #: the unit beside a chosen benchmark (``steering.results.benchmark``), or None
    benchmark: object | None = None

    @property
    def label(self) -> str:
        part = self.area or self.role
        return f"{self.district.name} – {part.name}" if part else self.district.name


def build_unit_report(db: Session, wave: Wave, district: District,
                      area: ServiceArea | None = None, role: StaffRole | None = None,
                      *, with_texts: bool = True) -> UnitReport:
    """Everything the unit page, its exports and the API show for one unit."""
    if area is not None and role is not None:
        raise ValueError("a unit is split by service area or by staff role, not both")
    results = load_wave(db, wave)
    key = unit_key(district.id, area.id if area else None, role.id if role else None)
    reason = results.reason(key)
    keys = district_keys(results, district.id) if area is None and role is None else [key]
    participation = participation_table(
        db, results, keys, _("Participation, %(wave)s", wave=wave.name))
    if results.is_open:
        return UnitReport(
            wave=wave, results=results, district=district, area=area, role=role, key=key,
            reason=reason, n=results.count(key), rate=rate(results, key), indexes=[],
            rows=[], strongest=[], weakest=[], previous=None, trend=[], trend_index=None,
            trend_chart=Markup(""), free_text_reason=REASON_WAVE_OPEN,
            participation=participation)
    rows = question_rows(results, key)
    previous_results = mark_changes(db, rows, results, key) if not reason else None
    strongest, weakest = strongest_and_weakest(rows)
    indexes = [index_figure(results, i, key) for i in wave_indexes(results.spec)]
    trend, trend_index = _trend(db, wave, key, results, previous_results)
    report = UnitReport(
        wave=wave, results=results, district=district, area=area, role=role, key=key,
        reason=reason, n=results.count(key), rate=rate(results, key), indexes=indexes,
        rows=rows, strongest=strongest, weakest=weakest,
        previous=previous_results.wave if previous_results else None, trend=trend,
        trend_index=trend_index, trend_chart=_trend_chart(trend, trend_index, district.name),
        free_text_reason=None, participation=participation)
    if with_texts:
        _free_texts(db, report)
    return report


def _trend(db: Session, wave: Wave, key: Key, current: WaveResults,
           previous: WaveResults | None) -> tuple[list[TrendRow], IndexDef | None]:
    """Index figures of the unit in every closed wave up to ``wave``."""
    rows = []
    current_indexes = wave_indexes(current.spec)
    first_index = current_indexes[0] if current_indexes else None
    asked = {i.code: index_items(current.spec, i) for i in current_indexes}
    for w in closed_waves(db):
        if w.opens_on > wave.opens_on:
            continue
        loaded = current if w.id == wave.id else (
            previous if previous is not None and previous.wave.id == w.id else load_wave(db, w))
        # like with like: an index joins the trend only where it has the same items on the
        # same scales as in ``wave``
        indexes = [i for i in wave_indexes(loaded.spec)
                   if asked.get(i.code) == index_items(loaded.spec, i)]
        rows.append(TrendRow(w, {i.code: index_figure(loaded, i, key) for i in indexes}))
    return rows, first_index


def _trend_chart(trend: list[TrendRow], index: IndexDef | None, name: str) -> Markup:
    if index is None or not trend:
        return Markup("")
    points = []
    for row in trend:
        figure = row.figures.get(index.code)
        score = figure.score if figure and not figure.reason else None
        value = score.score if score else None
        ci = score.ci if score else None
        points.append(charts.TrendPoint(
            row.wave.name, value, ci.low if ci else None, ci.high if ci else None,
            fmt_number(value, 0) if value is not None else ""))
    return charts.trend(points, _("%(index)s over the waves, %(unit)s", index=index.name,
                                  unit=name), _("Index 0–100"))


def _free_texts(db: Session, report: UnitReport) -> None:
    """Masked free-text answers in random order, without dates, and their word cloud."""
    results = report.results
    if report.role is not None:
        report.free_text_reason = "free_text_role"
        return
    if report.key in free_text_hidden(results):
        report.free_text_reason = "free_text"
        return
    shuffle = random.SystemRandom().shuffle
    words: list[str] = []
    for q in results.spec.questions:
        if q.type != FREE_TEXT:
            continue
        found = free_text_answers(
            db, results.wave.id, q.id, district_ids=[report.district.id],
            service_area_ids=[report.area.id] if report.area else None)
        if not found.shown or not found.texts:
            continue
        texts = list(found.texts)
        shuffle(texts)
        report.free_texts.append(FreeTextBlock(q.text, texts))
        words.extend(texts)
    report.cloud_words = word_frequencies(words, top=60, extra_stopwords=MARKER_WORDS)
    if report.cloud_words:
        title = _("Common words in the answers, %(unit)s", unit=report.label)
        memo_key = ("cloud", title, tuple(report.cloud_words))
        if memo_key not in results.memo:  # the layout is the slow part; words decide it
            results.memo[memo_key] = charts.word_cloud(report.cloud_words, title)
        report.cloud = results.memo[memo_key]  # type: ignore[assignment]
