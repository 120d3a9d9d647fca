"""The steering package's part of the home page for steering groups: the latest results to
read, the surveys open now, and the sub-goals of their action plan that are behind."""

from __future__ import annotations

from datetime import date

from flask import g

from core.db import get_session
from steering.plan.progress import BEHIND
from steering.plan.queries import GoalRow, PlanReader, goals_of
from steering.results.changes import report_waves
from steering.results.scope import visible_districts
from survey.models import CLOSED, OPEN

#: how many sub-goals the panel lists before it links to the action plan
SHOWN = 5


def steering_context() -> dict:
    db = get_session()
    today = date.today()
    user = g.user
    districts = visible_districts(db, user, include_central=user.sees_all_districts)
    waves = report_waves(db)
    closed = [w for w in waves if w.status(today) == CLOSED]
    open_now = [w for w in waves if w.status(today) == OPEN]
    reader = PlanReader(db, today)
    places = ([None] if user.sees_all_districts else []) + [d.id for d in districts]
    rows = [reader.row(goal) for place in places for goal in goals_of(db, place)]
    behind: list[GoalRow] = [r for r in rows if r.progress.status == BEHIND]
    return {
        "latest_wave": closed[-1] if closed else None,
        "open_waves": open_now,
        "own_district": districts[0] if len(districts) == 1 else None,
        "goal_count": len(rows),
        "behind": behind[:SHOWN],
        "behind_count": len(behind),
    }
