"""Survey data for the steering tests: a small instrument with an index, and closed waves
filled through the survey package's bulk path with exactly the answers a test asks for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from core.org.models import District, ServiceArea, StaffRole, by_code
from survey.instruments import create_instrument
from survey.models import Instrument, Wave
from survey.services import NewResponse, store_responses
from survey.spec import build_spec
from survey.units import Unit
from survey.waves.lifecycle import close_wave, create_wave, open_wave

DEFINITION = {
    "code": "steering-test",
    "title_sv": "Styrtest",
    "title_en": "Steering test",
    "sections": [{"title_sv": "Del", "title_en": "Part", "questions": [
        {"code": "q1", "type": "agreement", "text_sv": "Fråga ett.", "text_en": "Question one.",
         "index_code": "test-index", "required": True},
        {"code": "q2", "type": "agreement", "text_sv": "Fråga två.", "text_en": "Question two.",
         "index_code": "test-index", "required": True},
        {"code": "q3", "type": "agreement", "text_sv": "Fråga tre.", "text_en": "Question three.",
         "allow_cannot_answer": True},
        {"code": "yn", "type": "yesno", "text_sv": "Hot?", "text_en": "Threats?"},
        {"code": "txt", "type": "text", "text_sv": "Övrigt?", "text_en": "Anything else?",
         "max_length": 500},
    ]}],
}


def ids(db: Session, district: str, area: str | None = None, role: str | None = None) -> Unit:
    d = by_code(db, District, district)
    a = by_code(db, ServiceArea, area) if area else None
    r = by_code(db, StaffRole, role) if role else None
    return Unit(d.id, a.id if a else None, r.id if r else None)


class Survey:
    """An instrument and its waves; ``add`` stores responses, ``close`` ends a wave."""

    def __init__(self, db: Session, instrument_id: int | None = None) -> None:
        self.db = db
        if instrument_id is None:
            self.instrument = create_instrument(db, DEFINITION)
            db.flush()
        else:
            self.instrument = db.get(Instrument, instrument_id)

    def wave(self, name: str, opens: date, closes: date) -> Wave:
        wave = create_wave(self.db, name=name, instrument=self.instrument, opens_on=opens,
                           closes_on=closes, mode="open-link")
        open_wave(self.db, wave)
        self.db.flush()
        return wave

    def question_ids(self) -> dict[str, int]:
        return {q.code: q.id for q in self.instrument.questions}

    def add(self, wave: Wave, unit: Unit, count: int, *, q1: int = 4, q2: int = 4,
            q3: int | None = 3, yn: int | None = 1, texts: Iterable[str] = ()) -> None:
        """``count`` responses of ``unit`` answering the given values; texts go to the
        first responses."""
        qid = self.question_ids()
        spec = build_spec(self.instrument)
        text_list = list(texts)
        responses = []
        for i in range(count):
            answers: dict[int, int | str] = {qid["q1"]: q1, qid["q2"]: q2}
            if q3 is not None:
                answers[qid["q3"]] = q3
            if yn is not None:
                answers[qid["yn"]] = yn
            if i < len(text_list):
                answers[qid["txt"]] = text_list[i]
            responses.append(NewResponse(unit, answers, wave.opens_on))
        store_responses(self.db, wave.id, spec, responses)
        self.db.flush()

    def add_values(self, wave: Wave, unit: Unit, q1_values: Iterable[int]) -> None:
        """One response per value of q1 (q2 the same), for tests of change markers."""
        for value in q1_values:
            self.add(wave, unit, 1, q1=value, q2=value)

    def close(self, wave: Wave) -> None:
        close_wave(self.db, wave)
        self.db.flush()


BASELINE = (date(2017, 9, 1), date(2017, 9, 30))
FOLLOW_UP = (date(2018, 9, 1), date(2018, 9, 30))
