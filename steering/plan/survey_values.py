"""Survey-derived indicator values for sub-goals: an index (0–100) or a question's share of
favourable answers (percent) of a district, or of one service area of it, in a closed wave.

The answer counts and the decision what may be shown come from ``steering.results.data.load_wave``:
the survey package's counters, aggregated over the whole results scope of the wave and run
through the disclosure gate once for that scope. Using the same pattern as the dashboards
matters: a figure the dashboards withhold (a small group, or a larger one hidden so that a
small group cannot be worked out by subtraction) is withheld here too, so that reading both
pages never reveals more than either. Values and their 95 % intervals come from
``core.stats.descriptive``. Open waves are not read: their counts still change."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core.stats.descriptive import index_score, summarize_question
from steering.plan.indicators import INDEX, QUESTION, SURVEY_INDEXES, index_name
from steering.plan.progress import Reading
from steering.results.data import WaveResults, load_wave, unit_key, valid_counts
from steering.results.figures import question_scale
from survey.catalog import list_instruments, list_waves, wave_instrument
from survey.library import INDEXES
from survey.models import AGREEMENT, CLOSED, SCALE_0_10, Wave
from survey.spec import InstrumentSpec, QuestionSpec, instrument_spec

SCALE_TYPES = (AGREEMENT, SCALE_0_10)


def question_higher_is_better(question: QuestionSpec) -> bool:
    """False for items of an index where a higher value is worse (the workload index)."""
    return bool(INDEXES.get(question.index_code or "", {}).get("higher_is_better", True))


def indicator_questions(spec: InstrumentSpec, kind: str, code: str) -> list[QuestionSpec]:
    """The scale questions an indicator is computed from in one instrument (empty when the
    instrument does not have it). A composite index needs all of its parts."""
    scale_questions = [q for q in spec.questions if q.type in SCALE_TYPES]
    if kind == QUESTION:
        return [q for q in scale_questions if q.code == code]
    if kind != INDEX:
        return []
    parts = INDEXES.get(code, {}).get("parts")
    if parts:
        found = [[q for q in scale_questions if q.index_code == p] for p in parts]
        return [q for group in found for q in group] if all(found) else []
    return [q for q in scale_questions if q.index_code == code]


def closed_waves(db: Session, today: date | None = None) -> list[Wave]:
    """The organisation's closed waves (asked here or imported as history; never a
    benchmark), the most recently closed first."""
    today = today or date.today()
    waves = [w for w in list_waves(db) if w.status(today) == CLOSED and not w.is_benchmark]
    return sorted(waves, key=lambda w: (w.closes_on, w.id), reverse=True)


class SurveyReader:
    """Reads survey indicators for the sub-goals of one page, loading each wave once."""

    def __init__(self, db: Session, today: date | None = None) -> None:
        self.db = db
        self.today = today or date.today()
        self._waves: list[Wave] | None = None
        self._results: dict[int, WaveResults] = {}

    @property
    def waves(self) -> list[Wave]:
        if self._waves is None:
            self._waves = closed_waves(self.db, self.today)
        return self._waves

    def results(self, wave: Wave) -> WaveResults:
        if wave.id not in self._results:
            self._results[wave.id] = load_wave(self.db, wave, self.today)
        return self._results[wave.id]

    def reading(self, wave: Wave, kind: str, code: str, district_id: int | None,
                area_id: int | None = None) -> Reading | None:
        """The indicator of a unit in one wave; None when the wave does not ask for it.
        A reading without a value carries the disclosure reason (or none: nobody answered)."""
        questions = indicator_questions(wave_instrument(self.db, wave), kind, code)
        if not questions:
            return None
        results = self.results(wave)
        key = unit_key(district_id, area_id)
        for question in questions:
            reason = results.question_reason(question.id, key)
            if reason:
                return Reading(None, wave.closes_on, wave.name, reason=reason)
        summaries = []
        for question in questions:
            counts, cannot = valid_counts(results.counts(question.id, key))
            scale = question_scale(question)
            assert scale is not None  # noqa: S101  (only scale questions are chosen)
            summaries.append(summarize_question(counts, scale, cannot))
        if kind == INDEX:
            score = index_score(summaries)
            if score.score is None:
                return Reading(None, wave.closes_on, wave.name)
            ci = (score.ci.low, score.ci.high) if score.ci else None
            return Reading(score.score, wave.closes_on, wave.name, ci)
        summary = summaries[0]
        good = (summary.favourable if question_higher_is_better(questions[0])
                else summary.unfavourable)
        if good is None:
            return Reading(None, wave.closes_on, wave.name)
        return Reading(good.share * 100, wave.closes_on, wave.name,
                       (good.ci.low * 100, good.ci.high * 100))

    def latest(self, kind: str, code: str, district_id: int | None,
               area_id: int | None = None) -> Reading | None:
        """The reading of the most recently closed wave that asks for the indicator."""
        for wave in self.waves:
            found = self.reading(wave, kind, code, district_id, area_id)
            if found is not None:
                return found
        return None

    def series(self, kind: str, code: str, district_id: int | None,
               area_id: int | None = None) -> list[Reading]:
        """Readings of every closed wave that asks for the indicator, oldest first."""
        found = (self.reading(w, kind, code, district_id, area_id) for w in self.waves)
        return [r for r in reversed(list(found)) if r is not None]


def survey_indicator_choices(db: Session) -> tuple[list[tuple[str, str]],
                                                    list[tuple[str, str]]]:
    """(indices, questions) as (code, label) that the latest version of any instrument
    offers: the library's indices first, then other index codes; scale questions by code."""
    latest: dict[str, int] = {}
    waves = list_waves(db)
    benchmark_only = ({w.instrument.code for w in waves if w.is_benchmark}
                      - {w.instrument.code for w in waves if not w.is_benchmark})
    for instrument in list_instruments(db):
        if instrument.code not in benchmark_only:  # another organisation's questionnaire
            latest.setdefault(instrument.code, instrument.id)
    index_codes: set[str] = set()
    questions: dict[str, str] = {}
    for instrument_id in latest.values():
        spec = instrument_spec(db, instrument_id)
        if spec is None:
            continue
        for question in spec.questions:
            if question.type not in SCALE_TYPES:
                continue
            questions.setdefault(question.code, question.text)
            if question.index_code:
                index_codes.add(question.index_code)
    composites = {c for c, meta in INDEXES.items()
                  if meta.get("parts") and all(p in index_codes for p in meta["parts"])}
    available = index_codes | composites
    ordered = [c for c in SURVEY_INDEXES if c in available]
    ordered += sorted(available - set(ordered))
    return ([(c, index_name(c)) for c in ordered],
            sorted(questions.items(), key=lambda item: item[1].lower()))
