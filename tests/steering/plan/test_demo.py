"""The action plan demo: HR figures consistent with the committee minutes and sub-goals in
several districts and for the whole city (survey sub-goals need the survey demo's waves,
which this test leaves out to stay fast: they are skipped)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from core.demo_dates import story_year
from steering import demo as steering_demo
from steering.plan.models import HrFigure, ProgressNote, SubGoal
from steering.plan.queries import hr_series


def test_demo_hr_figures_follow_the_minutes_and_goals_are_made(app, db):
    steering_demo.load(db, random.Random(2017))
    db.commit()
    consultants = {r.on.isoformat()[:7]: r.value for r in hr_series(db, "consultants", None)}
    first = story_year(2016)  # the story is moved forward to end before today
    assert consultants == {f"{first}-06": 104, f"{first}-12": 96, f"{first + 1}-06": 81,
                           f"{first + 1}-12": 63, f"{first + 2}-06": 47, f"{first + 2}-12": 34}
    assert date(first + 2, 7, 1) <= date.today()
    turnover = [r.value for r in hr_series(db, "turnover", None)]
    assert turnover == sorted(turnover, reverse=True) and turnover[0] - turnover[-1] > 4
    # 14 districts and Socialförvaltningen, six half-years, three figures
    assert db.scalar(select(func.count()).select_from(HrFigure)) == 15 * 6 * 3
    goals = list(db.scalars(select(SubGoal)))
    places = {g.district.code if g.district else "city" for g in goals}
    assert {"farsta", "rinkeby-kista", "skarholmen", "socialforvaltningen", "city"} <= places
    assert all(g.indicator_kind == "hr" for g in goals)
    assert db.scalar(select(func.count()).select_from(ProgressNote)) > 0


def test_demo_is_deterministic(app, db):
    steering_demo.load(db, random.Random(5))
    first = sorted(db.execute(select(HrFigure.district_id, HrFigure.period,
                                     HrFigure.indicator, HrFigure.value)).all())
    db.rollback()
    steering_demo.load(db, random.Random(5))
    assert sorted(db.execute(select(HrFigure.district_id, HrFigure.period,
                                    HrFigure.indicator, HrFigure.value)).all()) == first
