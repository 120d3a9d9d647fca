"""Writing an import whose every row passed ``survey.importing.rows.read_rows``: the dimension
values, questionnaire and wave it needs (when missing), then the responses through
``survey.services.store_responses`` in chunks, in one transaction the caller commits.

An imported wave asks no district, service area or role (the external files have none);
its unit is the values of the mapped dimensions. A created wave has the mapping's kind
(history or benchmark, ``survey.models.KINDS``). A created wave is opened, which freezes
its questionnaire, and closed at once: it describes a past survey round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.org.models import Dimension, DimensionValue
from survey.importing.mapping import DimensionSpec, ImportMapping, ValueSpec
from survey.importing.plan import ImportPlan, question_definition
from survey.importing.rows import ParsedRows
from survey.instruments import create_instrument, freeze
from survey.models import OPEN_LINK, Instrument, Wave
from survey.services import NewResponse, store_responses
from survey.spec import instrument_spec
from survey.units import Unit, encode_extra
from survey.waves.lifecycle import close_wave, create_wave, open_wave

#: responses per call of the bulk path (and per step of the progress bar)
CHUNK_SIZE = 5000


@dataclass
class ImportResult:
    wave: Wave
    responses: int = 0
    answers: int = 0
    #: what had to be created, for the report ("dimension age-band", …)
    created: list[str] = field(default_factory=list)
    dimensions: list[Dimension] = field(default_factory=list)


def _ensure_dimension(
    db: Session, spec: DimensionSpec, dimension: Dimension | None, created: list[str]
) -> tuple[Dimension, dict[str, int]]:
    """The dimension with every value the mapping names; {value code: id}."""
    if dimension is None:
        order = db.scalar(select(func.max(Dimension.sort_order))) or 0
        dimension = Dimension(code=spec.code, name_sv=spec.name_sv,
                              name_en=spec.name_en or spec.name_sv, sort_order=order + 1)
        db.add(dimension)
        created.append(f"dimension {spec.code}")
    existing = {v.code: v for v in dimension.values}
    wanted: list[ValueSpec] = list(spec.values.values()) + [b.value for b in spec.bands]
    order = max((v.sort_order for v in dimension.values), default=0)
    for value in wanted:
        if value.code in existing:
            continue
        order += 1
        row = DimensionValue(code=value.code, name_sv=value.name_sv,
                             name_en=value.name_en or value.name_sv, sort_order=order)
        dimension.values.append(row)
        existing[value.code] = row
        created.append(f"value {spec.code}={value.code}")
    db.flush()
    return dimension, {code: row.id for code, row in existing.items()}


def _create_instrument(db: Session, mapping: ImportMapping, created: list[str]) -> Instrument:
    texts = mapping.instrument_texts
    title_sv = texts["title_sv"]
    instrument = create_instrument(db, {
        "code": mapping.instrument_code, "title_sv": title_sv,
        "title_en": texts.get("title_en", ""), "intro_sv": texts.get("intro_sv", ""),
        "intro_en": texts.get("intro_en", ""),
        "sections": [{
            "title_sv": texts.get("section_sv") or title_sv,
            "title_en": texts.get("section_en") or texts.get("title_en", ""),
            "questions": [question_definition(q) for q in mapping.questions],
        }],
    })
    created.append(f"questionnaire {instrument.code} v{instrument.version}")
    return instrument


def _create_wave(
    db: Session, plan: ImportPlan, instrument: Instrument, dimensions: list[Dimension],
    created: list[str],
) -> Wave:
    mapping = plan.mapping
    assert mapping.opens_on and mapping.closes_on  # noqa: S101  (plan_import checked)
    wave = create_wave(
        db, name=plan.wave_name, name_en=mapping.wave_name_en, instrument=instrument,
        opens_on=mapping.opens_on, closes_on=mapping.closes_on, mode=OPEN_LINK, ask_district=False,
        ask_service_area=False, ask_staff_role=False, dimensions=dimensions,
    )
    wave.kind = mapping.kind
    open_wave(db, wave)
    close_wave(db, wave)
    created.append(f"wave {wave.name!r}")
    return wave


def apply_import(
    db: Session,
    plan: ImportPlan,
    parsed: ParsedRows,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportResult:
    """Store the parsed rows (flush, no commit); ``progress`` is told how many responses
    each chunk stored."""
    mapping = plan.mapping
    created: list[str] = []
    ensured = [
        _ensure_dimension(db, spec, dimension, created)
        for spec, dimension in zip(mapping.dimensions, plan.dimensions, strict=True)
    ]
    instrument = plan.instrument or _create_instrument(db, mapping, created)
    wave = plan.wave or _create_wave(db, plan, instrument, [d for d, _ in ensured], created)
    freeze(instrument)
    db.flush()
    spec = instrument_spec(db, instrument.id)
    assert spec is not None  # noqa: S101  (just flushed)
    by_code = {q.code: q.id for q in spec.questions}
    question_ids = [by_code[q.code] for q in mapping.questions]
    dimension_ids = [(d.id, ids) for d, ids in ensured]
    submitted_on = mapping.submitted_on or wave.closes_on
    result = ImportResult(wave=wave, created=created, dimensions=[d for d, _ in ensured])
    units: dict[tuple, Unit] = {}
    batch: list[NewResponse] = []
    for values, answers in parsed.rows:
        unit = units.get(values)
        if unit is None:
            extra = {
                dim_id: ids[value.code]
                for (dim_id, ids), value in zip(dimension_ids, values, strict=True)
                if value is not None
            }
            unit = units[values] = Unit(extra_key=encode_extra(extra))
        given = {qid: v for qid, v in zip(question_ids, answers, strict=True) if v is not None}
        result.answers += len(given)
        batch.append(NewResponse(unit, given, submitted_on))
        if len(batch) >= CHUNK_SIZE:
            _store(db, wave, spec, batch, result, progress)
            batch = []
    if batch:
        _store(db, wave, spec, batch, result, progress)
    return result


def _store(db, wave, spec, batch, result: ImportResult, progress) -> None:
    store_responses(db, wave.id, spec, batch)
    result.responses += len(batch)
    progress(len(batch))
