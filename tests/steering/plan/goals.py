"""Test data of the action plan tests: the library's HME questionnaire asked in two closed
waves (autumn 2017 and 2018), filled through the survey package's bulk path with exactly
the answers a test asks for, and sub-goals made through the service."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.orm import Session

from core.org.models import DevelopmentArea, District, ServiceArea, StaffRole, by_code
from steering.plan.models import SubGoal
from steering.plan.queries import PlanReader
from steering.plan.services import SubGoalInput, save_subgoal
from survey.catalog import latest_instrument
from survey.library import load_library
from survey.models import STATE_CLOSED, Wave
from survey.services import NewResponse, store_responses
from survey.spec import build_spec
from survey.units import Unit
from survey.waves.lifecycle import create_wave, open_wave

BASELINE = ("Hösten 2017", date(2017, 9, 11), date(2017, 10, 6))
FOLLOW_UP = ("Hösten 2018", date(2018, 9, 10), date(2018, 10, 5))


def unit(db: Session, district: str, area: str, role: str = "socialsekreterare") -> Unit:
    return Unit(by_code(db, District, district).id, by_code(db, ServiceArea, area).id,
                by_code(db, StaffRole, role).id)


class HmeSurvey:
    """The HME instrument and its waves; ``add`` stores responses, ``close`` ends a wave."""

    def __init__(self, db: Session) -> None:
        self.db = db
        load_library(db)
        self.instrument = latest_instrument(db, "hme")
        self._ids = itertools.count()

    def wave(self, name: str, opens: date, closes: date) -> Wave:
        wave = create_wave(self.db, name=name, instrument=self.instrument, opens_on=opens,
                           closes_on=closes, mode="open-link")
        open_wave(self.db, wave)
        self.db.flush()
        return wave

    def add(self, wave: Wave, where: Unit, answers: list[int]) -> None:
        """One response per value in ``answers``; each answers that value to all nine."""
        spec = build_spec(self.instrument)
        responses = [NewResponse(where, {q.id: value for q in spec.questions}, wave.opens_on)
                     for value in answers]
        store_responses(self.db, wave.id, spec, responses,
                        make_id=lambda: f"{next(self._ids):032x}")

    def close(self, wave: Wave) -> None:
        wave.state = STATE_CLOSED
        self.db.flush()


def make_goal(db: Session, *, district: str | None, indicator: str, target: float,
              baseline: float | None = None, wave: Wave | None = None,
              half_year: str | None = None, area: str = "ledarskap",
              service_area: str | None = None, deadline: date = date(2019, 12, 31),
              direction: str | None = None, title: str = "Delmål") -> SubGoal:
    """A sub-goal through the service (so it is checked like one entered in the form)."""
    kind, _sep, code = indicator.partition(":")
    district_id = by_code(db, District, district).id if district else None
    area_id = by_code(db, ServiceArea, service_area).id if service_area else None
    data = SubGoalInput(
        development_area_id=by_code(db, DevelopmentArea, area).id, district_id=district_id,
        service_area_id=area_id, title_sv=title, title_en="", indicator_kind=kind,
        indicator_code=code, baseline_value=baseline, baseline_wave=wave,
        baseline_half_year=half_year, target_value=target, deadline=deadline,
        direction=direction)
    goal = save_subgoal(db, None, data, PlanReader(db))
    db.commit()
    return goal
