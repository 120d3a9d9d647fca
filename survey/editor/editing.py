"""Editing an instrument piece by piece (the administrator's questionnaire editor): details,
sections and questions added, changed, moved and deleted. Every change first calls
``survey.instruments.ensure_editable``, so a frozen instrument (one used by an opened wave)
is never altered; the editor offers ``survey.instruments.new_version`` instead.

Positions are kept 1, 2, 3 … within their parent. Because (parent, position) is unique,
reordering goes through negative positions first (two flushes, no transient clash)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.instruments import (
    InstrumentError,
    check_question,
    create_instrument,
    ensure_editable,
)
from survey.models import (
    AGREEMENT,
    CHOICE,
    DEFAULT_POINTS,
    DEFAULT_TEXT_LENGTH,
    FREE_TEXT,
    NUMBER,
    SCALE_0_10,
    ChoiceOption,
    Instrument,
    Question,
    Section,
    Wave,
)

#: the texts of an instrument and of a section an administrator edits
INSTRUMENT_TEXTS = ("title_sv", "title_en", "intro_sv", "intro_en")
SECTION_TEXTS = ("title_sv", "title_en", "intro_sv", "intro_en")
#: columns every question type has
COMMON_FIELDS = (
    "code", "text_sv", "text_en", "help_sv", "help_en", "required", "index_code",
    "development_area_id",
)


def waves_by_instrument(db: Session) -> dict[int, list[Wave]]:
    """{instrument id: the waves that ask it}, for the instrument list."""
    result: dict[int, list[Wave]] = defaultdict(list)
    for wave in db.scalars(select(Wave).order_by(Wave.opens_on, Wave.name)):
        result[wave.instrument_id].append(wave)
    return dict(result)


def instrument_code_taken(db: Session, code: str) -> bool:
    return db.scalar(select(Instrument.id).where(Instrument.code == code).limit(1)) is not None


def new_instrument(db: Session, code: str, texts: Mapping[str, str]) -> Instrument:
    """An empty first version of a new questionnaire."""
    if instrument_code_taken(db, code):
        raise InstrumentError(f"instrument code {code} exists already")
    definition = {"code": code, "sections": [], **{k: texts.get(k, "") for k in INSTRUMENT_TEXTS}}
    return create_instrument(db, definition)


def update_instrument(db: Session, instrument: Instrument, texts: Mapping[str, str]) -> None:
    ensure_editable(instrument)
    for key in INSTRUMENT_TEXTS:
        setattr(instrument, key, texts.get(key, ""))
    db.flush()


def _renumber(db: Session, items: Sequence[Section] | Sequence[Question]) -> None:
    """Give ``items`` the positions 1…n in list order without a transient duplicate."""
    for number, item in enumerate(items, start=1):
        item.position = -number
    db.flush()
    for number, item in enumerate(items, start=1):
        item.position = number
    db.flush()


def _ordered(items):
    return sorted(items, key=lambda item: item.position)


def _moved(items: list, item, offset: int) -> list | None:
    """``items`` with ``item`` moved ``offset`` places, or None when it cannot move."""
    index = items.index(item)
    target = index + offset
    if not 0 <= target < len(items):
        return None
    items.insert(target, items.pop(index))
    return items


def add_section(db: Session, instrument: Instrument, texts: Mapping[str, str]) -> Section:
    ensure_editable(instrument)
    last = max((s.position for s in instrument.sections), default=0)
    section = Section(position=last + 1, **{k: texts.get(k, "") for k in SECTION_TEXTS})
    instrument.sections.append(section)
    db.flush()
    return section


def update_section(db: Session, section: Section, texts: Mapping[str, str]) -> None:
    ensure_editable(section.instrument)
    for key in SECTION_TEXTS:
        setattr(section, key, texts.get(key, ""))
    db.flush()


def delete_section(db: Session, section: Section) -> None:
    """Delete a section with its questions."""
    instrument = section.instrument
    ensure_editable(instrument)
    db.delete(section)
    db.flush()
    db.expire(instrument, ["sections"])
    _renumber(db, _ordered(instrument.sections))


def move_section(db: Session, section: Section, offset: int) -> bool:
    """Move a section up (-1) or down (+1); False when it is first or last already."""
    ensure_editable(section.instrument)
    order = _moved(_ordered(section.instrument.sections), section, offset)
    if order is None:
        return False
    _renumber(db, order)
    return True


def question_code_taken(
    db: Session, instrument: Instrument, code: str, exclude_id: int | None = None
) -> bool:
    stmt = select(Question.id).where(Question.instrument_id == instrument.id, Question.code == code)
    if exclude_id is not None:
        stmt = stmt.where(Question.id != exclude_id)
    return db.scalar(stmt.limit(1)) is not None


def question_fields(qtype: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The question columns for ``qtype`` from ``data``: the type's own settings, and the
    columns other types use reset, so a question never carries settings it does not use."""
    fields: dict[str, Any] = {key: data.get(key) for key in COMMON_FIELDS}
    fields.update(
        type=qtype, required=bool(data.get("required")),
        text_en=data.get("text_en") or "", help_sv=data.get("help_sv") or "",
        help_en=data.get("help_en") or "", index_code=data.get("index_code") or None,
        points=None, labels_sv=None, labels_en=None, allow_cannot_answer=False,
        reverse_scored=False, min_value=None, max_value=None, unit_sv="", unit_en="",
        max_length=None,
    )
    if qtype in (AGREEMENT, SCALE_0_10):
        fields["allow_cannot_answer"] = bool(data.get("allow_cannot_answer"))
        fields["labels_sv"] = list(data.get("labels_sv") or ()) or None
        fields["labels_en"] = list(data.get("labels_en") or ()) or None
    if qtype == AGREEMENT:
        fields["points"] = data.get("points") or DEFAULT_POINTS
        fields["reverse_scored"] = bool(data.get("reverse_scored"))
    elif qtype == NUMBER:
        fields.update(
            min_value=data.get("min_value"), max_value=data.get("max_value"),
            unit_sv=data.get("unit_sv") or "", unit_en=data.get("unit_en") or "",
        )
    elif qtype == FREE_TEXT:
        fields["max_length"] = data.get("max_length") or DEFAULT_TEXT_LENGTH
    return fields


def _check(
    db: Session, instrument: Instrument, fields: Mapping[str, Any], options: Sequence[Mapping],
    exclude_id: int | None,
) -> None:
    check_question({**fields, "options": options if fields["type"] == CHOICE else ()})
    if question_code_taken(db, instrument, fields["code"], exclude_id):
        raise InstrumentError(f"question code {fields['code']} is used twice")
    values = [o["value"] for o in options]
    if len(values) != len(set(values)):
        raise InstrumentError(f"question {fields['code']}: two options have the same value")


def _set_options(db: Session, question: Question, options: Sequence[Mapping]) -> None:
    """Replace the options (removed first: (question, value) and positions are unique)."""
    if question.options:
        question.options.clear()
        db.flush()
    question.options = [
        ChoiceOption(position=i, value=o["value"], label_sv=o["label_sv"],
                     label_en=o.get("label_en") or "")
        for i, o in enumerate(options, start=1)
    ]


def add_question(
    db: Session, section: Section, fields: Mapping[str, Any], options: Sequence[Mapping] = ()
) -> Question:
    """A question at the end of ``section``; ``fields`` as ``question_fields`` makes them,
    ``options`` ({value, label_sv, label_en}) for a single choice."""
    instrument = section.instrument
    ensure_editable(instrument)
    _check(db, instrument, fields, options, None)
    last = max((q.position for q in section.questions), default=0)
    question = Question(instrument=instrument, position=last + 1, **fields)
    section.questions.append(question)
    db.flush()
    if fields["type"] == CHOICE:
        _set_options(db, question, options)
        db.flush()
    return question


def update_question(
    db: Session,
    question: Question,
    fields: Mapping[str, Any],
    options: Sequence[Mapping] = (),
    section: Section | None = None,
) -> None:
    """Change a question; with ``section`` (of the same instrument) it moves to its end."""
    instrument = question.instrument
    ensure_editable(instrument)
    _check(db, instrument, fields, options, question.id)
    for key, value in fields.items():
        setattr(question, key, value)
    _set_options(db, question, options if fields["type"] == CHOICE else ())
    db.flush()
    if section is not None and section.id != question.section_id:
        if section.instrument_id != instrument.id:
            raise InstrumentError("a question can only move within its questionnaire")
        old = question.section
        last = db.scalar(
            select(func.max(Question.position)).where(Question.section_id == section.id)
        )
        question.section = section
        question.position = (last or 0) + 1
        db.flush()
        db.expire(old, ["questions"])
        _renumber(db, _ordered(old.questions))


def delete_question(db: Session, question: Question) -> None:
    section = question.section
    ensure_editable(section.instrument)
    db.delete(question)
    db.flush()
    db.expire(section, ["questions"])
    _renumber(db, _ordered(section.questions))


def move_question(db: Session, question: Question, offset: int) -> bool:
    """Move a question up (-1) or down (+1) within its section."""
    ensure_editable(question.instrument)
    order = _moved(_ordered(question.section.questions), question, offset)
    if order is None:
        return False
    _renumber(db, order)
    return True
