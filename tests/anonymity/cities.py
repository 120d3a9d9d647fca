"""Random cities for the attacker: an organisation of a few districts, service areas and
staff roles (the rest of the seeded organisation switched off), unit cells from empty to
large, and answers drawn per cell so that small groups often answer alike."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st
from sqlalchemy import select, update

from core.auth.accounts import User, issue_token
from core.db import get_session
from core.org.models import Dimension, District, ServiceArea, StaffRole, by_code
from steering.results.data import load_wave
from survey.instruments import create_instrument
from survey.models import Instrument
from survey.services import NewResponse, store_responses
from survey.spec import build_spec
from survey.units import Unit, encode_extra
from survey.waves.lifecycle import close_wave, create_wave, open_wave
from tests.anonymity.attacker import Truth

INSTRUMENT = {
    "code": "attacker", "title_sv": "Angripare", "title_en": "Attacker",
    "sections": [{"title_sv": "Del", "title_en": "Part", "questions": [
        {"code": "a1", "type": "agreement", "text_sv": "Ett.", "text_en": "One.",
         "index_code": "test-index", "required": True},
        {"code": "a2", "type": "agreement", "text_sv": "Två.", "text_en": "Two.",
         "index_code": "test-index", "allow_cannot_answer": True},
        {"code": "hot", "type": "yesno", "text_sv": "Hot?", "text_en": "Threats?"},
        {"code": "antal", "type": "number", "text_sv": "Antal?", "text_en": "How many?",
         "min_value": 0, "max_value": 60},
    ]}],
}

#: a unit cell's size: often empty, often under the minimum, sometimes large
CELL = st.sampled_from([0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 9, 12, 20])


@dataclass
class City:
    wave_id: int
    shape: tuple[int, int, int]
    cells: dict[tuple[int, int, int], int]
    district_codes: list[str]


def instrument(db) -> Instrument:
    found = db.scalar(select(Instrument).where(Instrument.code == INSTRUMENT["code"]))
    if found is None:
        found = create_instrument(db, INSTRUMENT)
        db.flush()
    return found


@st.composite
def cities(draw, max_districts: int = 4) -> dict:
    """A plan: how many districts, areas and roles, the size of every (district, area,
    role) cell and a seed for the answers."""
    shape = (draw(st.integers(2, max_districts)), draw(st.integers(1, 3)),
             draw(st.integers(1, 2)))
    cells = {(d, a, r): draw(CELL) for d in range(shape[0]) for a in range(shape[1])
             for r in range(shape[2])}
    return {"shape": shape, "cells": cells, "seed": draw(st.integers(0, 2**31)),
            "district": draw(st.integers(0, shape[0] - 1)), "tenure": draw(st.booleans())}


def answers(rng: random.Random, spec, lean: float) -> dict[int, int]:
    """One respondent's answers: cells lean to one end, some skip, some cannot answer."""
    out: dict[int, int] = {}
    for q in spec.questions:
        if q.type == "agreement":
            if q.allow_cannot_answer and rng.random() < 0.15:
                out[q.id] = -1
            elif q.required or rng.random() < 0.8:
                out[q.id] = min(5, max(1, round(3 + 2 * lean + rng.gauss(0, 0.8))))
        elif q.type == "yesno" and rng.random() < 0.9:
            out[q.id] = 1 if rng.random() < 0.5 + 0.4 * lean else 0
        elif q.type == "number" and rng.random() < 0.7:
            out[q.id] = max(0, min(60, round(20 + 15 * lean + rng.gauss(0, 6))))
    return out


def build(app, plan: dict, name: str, number: int = 0) -> City:
    """Switch the organisation to the plan's shape, store its responses in a new wave and
    close it. Each ``number`` opens earlier than the one before, so that the trend and the
    change markers of a wave do not reach back into the waves of other examples."""
    rng = random.Random(plan["seed"])
    with app.app_context():
        db = get_session()
        units = []
        for model, count in zip((District, ServiceArea, StaffRole), plan["shape"], strict=True):
            rows = list(db.scalars(select(model).where(
                *([model.is_central.is_(False)] if model is District else [])).order_by(model.id)))
            db.execute(update(model).values(active=False))
            chosen = rows[:count]
            db.execute(update(model).where(model.id.in_([r.id for r in chosen]))
                       .values(active=True))
            units.append([r.id for r in chosen])
            if model is District:
                codes = [r.code for r in chosen]
        found = instrument(db)
        today = date.today()
        opens = today - timedelta(days=30 + 30 * number)
        tenure = by_code(db, Dimension, "tenure") if plan.get("tenure") else None
        wave = create_wave(db, name=name, instrument=found, opens_on=opens,
                           closes_on=opens + timedelta(days=20), mode="open-link",
                           dimensions=[tenure] if tenure else [])
        open_wave(db, wave)
        spec = build_spec(found)
        responses = []
        for (d, a, r), size in plan["cells"].items():
            lean = rng.uniform(-1, 1)
            for _ in range(size):
                extra = encode_extra({tenure.id: rng.choice(tenure.values).id}) if tenure else ""
                unit = Unit(units[0][d], units[1][a], units[2][r], extra)
                responses.append(NewResponse(unit, answers(rng, spec, lean), today))
        store_responses(db, wave.id, spec, responses)
        close_wave(db, wave)
        db.commit()
        return City(wave.id, plan["shape"], plan["cells"], codes)


def truth(app, wave_id: int) -> tuple[Truth, tuple]:
    """The true counts of the wave (the counters), and its scope's dimensions."""
    from survey.models import Wave

    with app.test_request_context("/", method="POST"):
        db = get_session()
        results = load_wave(db, db.get(Wave, wave_id))
        db.commit()
        dims = tuple(list(d) for d in results.dims)
        reasons = {q.id: dict(results.question_hidden(q.id)) for q in results.spec.questions
                   if q.type != "text"}
        return Truth(dict(results.n), {q: dict(v) for q, v in results.answers.items()},
                     dict(results.hidden), reasons), dims


def token(app, username: str) -> str:
    with app.app_context():
        db = get_session()
        user = db.scalar(select(User).where(User.username == username))
        raw = issue_token(db, user, "attacker")
        db.commit()
        return raw
