"""Writing instruments: building one from a plain definition (the built-in library, an
import), freezing it when a wave opens, and making a new version of a frozen one.

A definition is a dict::

    {"code": "hme", "title_sv": …, "title_en": …, "intro_sv": …, "intro_en": …,
     "sections": [{"title_sv": …, "title_en": …, "intro_sv": …, "intro_en": …,
                   "questions": [{"code": …, "type": …, "text_sv": …, "text_en": …,
                                  …any other Question column…,
                                  "development_area": "<code>" (optional),
                                  "options": [{"value": 1, "label_sv": …, "label_en": …}]}]}]}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.org.models import DevelopmentArea, by_code
from survey.models import (
    AGREEMENT,
    CHOICE,
    DEFAULT_POINTS,
    DEFAULT_TEXT_LENGTH,
    FREE_TEXT,
    MAX_POINTS,
    MIN_POINTS,
    QUESTION_TYPES,
    SCALE_0_10,
    ChoiceOption,
    Instrument,
    Question,
    Section,
)


class InstrumentError(ValueError):
    """A definition or an edit that cannot be accepted (message for the administrator)."""


class InstrumentFrozen(InstrumentError):
    """The instrument has been used by an opened wave; edit a new version instead."""


def ensure_editable(instrument: Instrument) -> None:
    if instrument.frozen:
        raise InstrumentFrozen(
            f"{instrument.code} v{instrument.version} is in use by a wave; make a new version"
        )


def freeze(instrument: Instrument) -> None:
    """Called when a wave using the instrument opens: from now on it never changes."""
    instrument.frozen = True


def next_version(db: Session, code: str) -> int:
    latest = db.scalar(select(func.max(Instrument.version)).where(Instrument.code == code))
    return (latest or 0) + 1


def new_version(db: Session, instrument: Instrument) -> Instrument:
    """A copy of ``instrument`` (sections, questions, options) as the next version of its
    code, not frozen, ready to be edited. Question codes stay, so waves can be compared."""
    copy = Instrument(
        code=instrument.code,
        version=next_version(db, instrument.code),
        title_sv=instrument.title_sv,
        title_en=instrument.title_en,
        intro_sv=instrument.intro_sv,
        intro_en=instrument.intro_en,
        frozen=False,
    )
    for section in instrument.sections:
        new_section = Section(
            position=section.position, title_sv=section.title_sv, title_en=section.title_en,
            intro_sv=section.intro_sv, intro_en=section.intro_en,
        )
        copy.sections.append(new_section)
        for question in section.questions:
            new_question = Question(**question.copy_fields(), instrument=copy)
            new_question.options = [
                ChoiceOption(position=o.position, value=o.value, label_sv=o.label_sv,
                             label_en=o.label_en)
                for o in question.options
            ]
            new_section.questions.append(new_question)
    db.add(copy)
    db.flush()
    return copy


QUESTION_FIELDS = frozenset(
    c.key for c in Question.__table__.columns if c.key not in {"id", "section_id", "instrument_id"}
)


def check_question(fields: Mapping[str, Any]) -> None:
    """Raise ``InstrumentError`` when a question's settings do not fit its type."""
    qtype = fields.get("type")
    code = fields.get("code", "?")
    if qtype not in QUESTION_TYPES:
        raise InstrumentError(f"question {code}: unknown type {qtype!r}")
    if qtype == AGREEMENT:
        points = fields.get("points") or DEFAULT_POINTS
        if not MIN_POINTS <= points <= MAX_POINTS:
            raise InstrumentError(f"question {code}: {points} points (allowed 4–7)")
        for key in ("labels_sv", "labels_en"):
            labels = fields.get(key)
            if labels and len(labels) != points:
                raise InstrumentError(f"question {code}: {key} needs {points} labels")
    if fields.get("allow_cannot_answer") and qtype not in (AGREEMENT, SCALE_0_10):
        raise InstrumentError(f"question {code}: only scales offer 'cannot answer'")
    low, high = fields.get("min_value"), fields.get("max_value")
    if low is not None and high is not None and low > high:
        raise InstrumentError(f"question {code}: min_value is above max_value")
    if qtype == CHOICE and len(fields.get("options") or ()) < 2:
        raise InstrumentError(f"question {code}: a single choice needs at least two options")


def create_instrument(db: Session, definition: Mapping[str, Any]) -> Instrument:
    """Build an instrument from a definition (see the module docstring) as the next version
    of its code."""
    code = definition["code"]
    instrument = Instrument(
        code=code,
        version=next_version(db, code),
        title_sv=definition["title_sv"],
        title_en=definition.get("title_en", ""),
        intro_sv=definition.get("intro_sv", ""),
        intro_en=definition.get("intro_en", ""),
    )
    seen: set[str] = set()
    for s_pos, section_def in enumerate(definition["sections"], start=1):
        section = Section(
            position=s_pos,
            title_sv=section_def["title_sv"],
            title_en=section_def.get("title_en", ""),
            intro_sv=section_def.get("intro_sv", ""),
            intro_en=section_def.get("intro_en", ""),
        )
        instrument.sections.append(section)
        for q_pos, question_def in enumerate(section_def["questions"], start=1):
            check_question(question_def)
            if question_def["code"] in seen:
                raise InstrumentError(f"question code {question_def['code']} is used twice")
            seen.add(question_def["code"])
            section.questions.append(_question(db, instrument, q_pos, question_def))
    db.add(instrument)
    db.flush()
    return instrument


def _question(
    db: Session, instrument: Instrument, position: int, definition: Mapping[str, Any]
) -> Question:
    fields = {k: v for k, v in definition.items() if k in QUESTION_FIELDS}
    unknown = set(definition) - QUESTION_FIELDS - {"options", "development_area"}
    if unknown:
        raise InstrumentError(f"question {definition['code']}: unknown fields {sorted(unknown)}")
    if fields["type"] == AGREEMENT:
        fields.setdefault("points", DEFAULT_POINTS)
    if fields["type"] == FREE_TEXT:
        fields.setdefault("max_length", DEFAULT_TEXT_LENGTH)
    question = Question(position=position, instrument=instrument, **fields)
    area_code = definition.get("development_area")
    if area_code:
        area = by_code(db, DevelopmentArea, area_code)
        if area is None:
            raise InstrumentError(f"unknown development area {area_code!r}")
        question.development_area = area
    question.options = [
        ChoiceOption(position=i, value=o["value"], label_sv=o["label_sv"],
                     label_en=o.get("label_en", ""))
        for i, o in enumerate(definition.get("options") or (), start=1)
    ]
    return question
