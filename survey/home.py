"""The survey package's parts of the home page: for moderators and administrators the waves
that need attention (open now, opening later, not yet published); for every signed-in user a
way to answer a survey themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.db import get_session
from survey.catalog import waves_with_status
from survey.models import NOT_PUBLISHED, NOT_YET_OPEN, OPEN, Wave
from survey.queries import total_responses


@dataclass(frozen=True)
class WaveLine:
    wave: Wave
    status: str
    #: responses so far (the administration's waves list shows the same count)
    responses: int


def waves_context() -> dict:
    """Waves open now (closing soonest first) and those still to open."""
    db = get_session()
    today = date.today()
    open_now = sorted(waves_with_status(db, {OPEN}, today), key=lambda w: w.closes_on)
    later = sorted(waves_with_status(db, {NOT_YET_OPEN, NOT_PUBLISHED}, today),
                   key=lambda w: w.opens_on)
    return {
        "open_waves": [WaveLine(w, OPEN, total_responses(db, w.id)) for w in open_now],
        "later_waves": [WaveLine(w, w.status(today), 0) for w in later],
    }


def open_waves_context() -> dict:
    """Surveys open now: for visitors, and for staff who answer one themselves."""
    return {"survey_waves": waves_with_status(get_session(), {OPEN}, date.today())}
