"""The first phase of ``flask survey import``: check the mapping against the database
(the wave, its questionnaire, the dimensions and their values) without writing anything.
Problems are ``MappingError``s; what is missing and may be created is left None."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.org.models import Dimension, DimensionValue, by_code
from survey.catalog import latest_instrument, wave_by_name
from survey.importing.mapping import DimensionSpec, ImportMapping, MappingError, QuestionSpecMap
from survey.instruments import InstrumentError, check_question
from survey.models import AGREEMENT, CHOICE, NUMBER, SCALE_0_10, Instrument, Wave


@dataclass
class ImportPlan:
    """What the import will use or create; nothing here is written yet."""

    mapping: ImportMapping
    wave_name: str
    wave: Wave | None
    instrument: Instrument | None
    #: per mapped dimension: the existing Dimension (None = to be created)
    dimensions: list[Dimension | None]
    #: per mapped dimension: codes of its existing values
    value_codes: list[set[str]]


def _dimension_plan(db: Session, spec: DimensionSpec) -> tuple[Dimension | None, set[str]]:
    dimension = by_code(db, Dimension, spec.code)
    if dimension is None and not spec.name_sv:
        raise MappingError(f"dimension {spec.code!r} does not exist; give name_sv and "
                           "name_en to create it")
    codes = set() if dimension is None else set(db.scalars(
        select(DimensionValue.code).where(DimensionValue.dimension_id == dimension.id)
    ))
    wanted = list(spec.values.values()) + [band.value for band in spec.bands]
    for value in wanted:
        if value.code not in codes and not value.name_sv:
            raise MappingError(f"dimension {spec.code!r} has no value {value.code!r}; give "
                               "name_sv and name_en to create it")
    if not spec.values and not spec.bands and dimension is None:
        raise MappingError(f"dimension {spec.code!r}: list its values to create it")
    return dimension, codes


def _check_question(instrument: Instrument, spec: QuestionSpecMap) -> None:
    question = next((q for q in instrument.questions if q.code == spec.code), None)
    where = f"question {spec.code!r} of {instrument.code} v{instrument.version}"
    if question is None:
        raise MappingError(f"{where} does not exist")
    if question.type != spec.type:
        raise MappingError(f"{where} is of type {question.type}, the mapping says {spec.type}")
    if spec.type == AGREEMENT and (question.points or 5) != (spec.points or 5):
        raise MappingError(f"{where} has {question.points} points, the mapping says "
                           f"{spec.points or 5}")
    if question.reverse_scored != spec.reverse:
        raise MappingError(f"{where}: the reverse key differs from the mapping")
    if spec.cannot_answer and not question.allow_cannot_answer:
        raise MappingError(f"{where} does not offer 'cannot answer'")


def question_definition(spec: QuestionSpecMap) -> dict[str, object]:
    """The questionnaire question a mapped column becomes when the import creates it."""
    text_sv = spec.text_sv or str(spec.column)
    definition: dict[str, object] = {
        "code": spec.code, "type": spec.type, "text_sv": text_sv,
        "text_en": spec.text_en or text_sv, "reverse_scored": spec.reverse,
        "allow_cannot_answer": bool(spec.cannot_answer), "index_code": spec.index_code,
    }
    if spec.type == AGREEMENT:
        definition["points"] = spec.points or 5
    if spec.type in (AGREEMENT, SCALE_0_10):
        definition["labels_sv"] = list(spec.labels_sv) or None
        definition["labels_en"] = list(spec.labels_en) or None
    if spec.type == NUMBER:
        definition.update(min_value=spec.min_value, max_value=spec.max_value)
    if spec.type == CHOICE:
        definition["options"] = [dict(o) for o in spec.options]
    return definition


def plan_import(db: Session, mapping: ImportMapping, wave_name: str, create: bool) -> ImportPlan:
    """Check the mapping against the database; raises ``MappingError``."""
    for spec in mapping.questions:
        if spec.cannot_answer and spec.type not in (AGREEMENT, SCALE_0_10):
            raise MappingError(f"question {spec.code!r}: only scales have 'cannot answer'")
        if spec.type == CHOICE and len(spec.options) < 2:
            raise MappingError(f"question {spec.code!r}: a choice needs options")
    codes = [q.code for q in mapping.questions]
    if len(codes) != len(set(codes)):
        raise MappingError("two questions have the same code")
    wave = wave_by_name(db, wave_name)
    if wave is not None and mapping.kind and mapping.kind != wave.kind:
        raise MappingError(f"wave {wave_name!r} holds {wave.kind} results, not {mapping.kind}")
    if wave is None and not mapping.kind:
        raise MappingError("say what the results are: --kind history (the organisation's own "
                           "earlier results) or --kind benchmark (another organisation's)")
    if wave is not None:
        instrument: Instrument | None = wave.instrument
        if mapping.instrument_code and mapping.instrument_code != instrument.code:
            raise MappingError(f"wave {wave_name!r} asks {instrument.code}, not "
                               f"{mapping.instrument_code}")
        asked = {d.code for d in wave.dimensions}
        missing = [d.code for d in mapping.dimensions if d.code not in asked]
        if missing:
            raise MappingError(f"wave {wave_name!r} does not ask {', '.join(missing)}")
    else:
        if not create:
            raise MappingError(f"there is no wave {wave_name!r} (allow creating it)")
        if mapping.opens_on is None or mapping.closes_on is None:
            raise MappingError("a new wave needs opens_on and closes_on")
        if not mapping.instrument_code:
            raise MappingError("a new wave needs [instrument] code")
        instrument = latest_instrument(db, mapping.instrument_code)
        if instrument is None and not mapping.instrument_texts.get("title_sv"):
            raise MappingError(f"no questionnaire {mapping.instrument_code!r}; give "
                               "[instrument] title_sv to create it")
    for spec in mapping.questions:
        if instrument is not None:
            _check_question(instrument, spec)
            continue
        try:
            check_question(question_definition(spec))
        except InstrumentError as error:
            raise MappingError(str(error)) from None
    planned = [_dimension_plan(db, spec) for spec in mapping.dimensions]
    return ImportPlan(
        mapping=mapping, wave_name=wave_name, wave=wave, instrument=instrument,
        dimensions=[p[0] for p in planned], value_codes=[p[1] for p in planned],
    )
