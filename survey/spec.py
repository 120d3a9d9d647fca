"""Immutable, cacheable views of an instrument: what the respondent pages, the validation of
answers and the reports need, without ORM objects. A frozen instrument never changes, so its
spec is cached per application (the hot path of a submission reads no question rows)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.caches import worker_cache
from core.i18n import bilingual
from survey.models import AGREEMENT, CANNOT_ANSWER, Instrument, Question, Section


@dataclass(frozen=True)
class OptionSpec:
    value: int
    label_sv: str
    label_en: str

    @property
    def label(self) -> str:
        return bilingual(self.label_sv, self.label_en)


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    code: str
    type: str
    text_sv: str
    text_en: str
    help_sv: str = ""
    help_en: str = ""
    required: bool = False
    points: int | None = None
    labels_sv: tuple[str, ...] = ()
    labels_en: tuple[str, ...] = ()
    allow_cannot_answer: bool = False
    reverse_scored: bool = False
    min_value: int | None = None
    max_value: int | None = None
    unit_sv: str = ""
    unit_en: str = ""
    max_length: int | None = None
    index_code: str | None = None
    development_area_id: int | None = None
    options: tuple[OptionSpec, ...] = ()

    @property
    def field_name(self) -> str:
        """The form field carrying this question's answer."""
        return f"q{self.id}"

    @property
    def text(self) -> str:
        return bilingual(self.text_sv, self.text_en)

    @property
    def help(self) -> str:
        return bilingual(self.help_sv, self.help_en)

    @property
    def unit(self) -> str:
        return bilingual(self.unit_sv, self.unit_en)

    @property
    def labels(self) -> tuple[str, ...]:
        return bilingual(self.labels_sv, self.labels_en)

    def score(self, value: int) -> float | None:
        """An agreement answer on 0–100 (1 → 0, top → 100; reversed when reverse-scored),
        None for "cannot answer" and for other types. HME's 1→0, 2→25 … 5→100 is this."""
        if self.type != AGREEMENT or value == CANNOT_ANSWER or not self.points:
            return None
        position = self.points + 1 - value if self.reverse_scored else value
        return (position - 1) * 100.0 / (self.points - 1)


@dataclass(frozen=True)
class SectionSpec:
    id: int
    position: int
    title_sv: str
    title_en: str
    intro_sv: str = ""
    intro_en: str = ""
    questions: tuple[QuestionSpec, ...] = ()

    @property
    def title(self) -> str:
        return bilingual(self.title_sv, self.title_en)

    @property
    def intro(self) -> str:
        return bilingual(self.intro_sv, self.intro_en)


@dataclass(frozen=True)
class InstrumentSpec:
    id: int
    code: str
    version: int
    title_sv: str
    title_en: str
    intro_sv: str = ""
    intro_en: str = ""
    sections: tuple[SectionSpec, ...] = ()
    by_id: dict[int, QuestionSpec] = field(default_factory=dict, compare=False, hash=False)

    @property
    def title(self) -> str:
        return bilingual(self.title_sv, self.title_en)

    @property
    def intro(self) -> str:
        return bilingual(self.intro_sv, self.intro_en)

    @property
    def questions(self) -> tuple[QuestionSpec, ...]:
        return tuple(q for s in self.sections for q in s.questions)


def question_spec(q: Question) -> QuestionSpec:
    return QuestionSpec(
        id=q.id, code=q.code, type=q.type, text_sv=q.text_sv, text_en=q.text_en or "",
        help_sv=q.help_sv or "", help_en=q.help_en or "", required=bool(q.required),
        points=q.points, labels_sv=tuple(q.labels_sv or ()), labels_en=tuple(q.labels_en or ()),
        allow_cannot_answer=bool(q.allow_cannot_answer), reverse_scored=bool(q.reverse_scored),
        min_value=q.min_value, max_value=q.max_value, unit_sv=q.unit_sv or "",
        unit_en=q.unit_en or "", max_length=q.max_length, index_code=q.index_code,
        development_area_id=q.development_area_id,
        options=tuple(OptionSpec(o.value, o.label_sv, o.label_en or "") for o in q.options),
    )


def build_spec(instrument: Instrument) -> InstrumentSpec:
    sections = tuple(
        SectionSpec(
            id=s.id, position=s.position, title_sv=s.title_sv, title_en=s.title_en or "",
            intro_sv=s.intro_sv or "", intro_en=s.intro_en or "",
            questions=tuple(question_spec(q) for q in s.questions),
        )
        for s in instrument.sections
    )
    by_id = {q.id: q for s in sections for q in s.questions}
    return InstrumentSpec(
        id=instrument.id, code=instrument.code, version=instrument.version,
        title_sv=instrument.title_sv, title_en=instrument.title_en or "",
        intro_sv=instrument.intro_sv or "", intro_en=instrument.intro_en or "",
        sections=sections, by_id=by_id,
    )


#: how many frozen instruments' specs a worker keeps
SPECS_KEPT = 256


def instrument_spec(db: Session, instrument_id: int) -> InstrumentSpec | None:
    """The spec of an instrument; frozen instruments (which never change) are cached."""
    cache = worker_cache("survey_specs", maxsize=SPECS_KEPT)
    spec = cache.get(instrument_id)
    if spec is not None:
        return spec
    stmt = (
        select(Instrument)
        .where(Instrument.id == instrument_id)
        .options(
            selectinload(Instrument.sections)
            .selectinload(Section.questions)
            .selectinload(Question.options)
        )
    )
    instrument = db.scalar(stmt)
    if instrument is None:
        return None
    spec = build_spec(instrument)
    if instrument.frozen:
        cache.put(instrument_id, spec)
    return spec
