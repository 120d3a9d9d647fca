"""Test data for the survey tests: an instrument with every question type and waves."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.org.models import Dimension, District, ServiceArea, StaffRole, by_code
from survey.instruments import create_instrument
from survey.models import (
    Answer,
    FreeTextAnswer,
    Instrument,
    Response,
    ResponseCount,
    Rollup,
    Wave,
)
from survey.waves.lifecycle import create_wave, open_wave

DEFINITION = {
    "code": "test",
    "title_sv": "Testenkät",
    "title_en": "Test survey",
    "sections": [
        {"title_sv": "Del ett", "title_en": "Part one", "questions": [
            {"code": "agree", "type": "agreement", "text_sv": "Jag trivs.",
             "text_en": "I am happy.", "required": True, "allow_cannot_answer": True},
            {"code": "agree4", "type": "agreement", "points": 4, "reverse_scored": True,
             "text_sv": "Jag är stressad.", "text_en": "I am stressed."},
            {"code": "s10", "type": "scale10", "text_sv": "Betyg?", "text_en": "Rating?",
             "allow_cannot_answer": True},
        ]},
        {"title_sv": "Del två", "title_en": "Part two", "questions": [
            {"code": "num", "type": "number", "text_sv": "Antal ärenden?",
             "text_en": "Number of cases?", "min_value": 0, "max_value": 200,
             "unit_sv": "ärenden", "unit_en": "cases"},
            {"code": "choice", "type": "choice", "text_sv": "Arbetstid?",
             "text_en": "Working hours?", "options": [
                 {"value": 1, "label_sv": "Heltid", "label_en": "Full time"},
                 {"value": 2, "label_sv": "Deltid", "label_en": "Part time"},
                 {"value": 3, "label_sv": "Timanställd", "label_en": "Hourly"}]},
            {"code": "yn", "type": "yesno", "text_sv": "Hot?", "text_en": "Threats?",
             "required": True},
            {"code": "txt", "type": "text", "text_sv": "Övrigt?", "text_en": "Anything else?",
             "max_length": 50},
        ]},
    ],
}


def make_instrument(db: Session) -> Instrument:
    instrument = create_instrument(db, DEFINITION)
    db.flush()
    return instrument


def make_wave(
    db: Session,
    instrument: Instrument | None = None,
    *,
    name: str = "Testvåg",
    mode: str = "open-link",
    opens_in: int = -1,
    closes_in: int = 10,
    publish: bool = True,
    tenure: bool = False,
) -> Wave:
    instrument = instrument or make_instrument(db)
    today = date.today()
    dimensions = [by_code(db, Dimension, "tenure")] if tenure else []
    wave = create_wave(
        db, name=name, instrument=instrument, opens_on=today + timedelta(days=opens_in),
        closes_on=today + timedelta(days=closes_in), mode=mode, dimensions=dimensions,
    )
    if publish:
        open_wave(db, wave)
    db.commit()
    return wave


def qid(db: Session, wave: Wave, code: str) -> int:
    return next(q.id for q in wave.instrument.questions if q.code == code)


def valid_form(db: Session, wave: Wave, **overrides: str) -> dict[str, str]:
    """A complete, valid one-page form (open link, Farsta, economic aid, social worker)."""
    form = {
        "district": "farsta", "service_area": "ekonomiskt-bistand",
        "staff_role": "socialsekreterare",
        f"q{qid(db, wave, 'agree')}": "4", f"q{qid(db, wave, 'agree4')}": "2",
        f"q{qid(db, wave, 's10')}": "7", f"q{qid(db, wave, 'num')}": "35",
        f"q{qid(db, wave, 'choice')}": "2", f"q{qid(db, wave, 'yn')}": "0",
        f"q{qid(db, wave, 'txt')}": "Mer tid.",
    }
    form.update(overrides)
    return form


def counts(db: Session) -> dict[str, int]:
    """Rows in every table a response writes to."""
    db.expire_all()
    return {
        model.__tablename__: db.scalar(select(func.count()).select_from(model))
        for model in (Response, Answer, FreeTextAnswer, Rollup, ResponseCount)
    }


def unit_ids(db: Session) -> tuple[int, int, int]:
    return (
        by_code(db, District, "farsta").id,
        by_code(db, ServiceArea, "ekonomiskt-bistand").id,
        by_code(db, StaffRole, "socialsekreterare").id,
    )
