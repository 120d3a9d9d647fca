"""Change markers: Mann-Whitney from counts, Holm across the report's questions, and "no
clear change" unless the change is significant AND at least MEANINGFUL_DIFFERENCE points."""

from __future__ import annotations

from core.db import get_session
from core.org.models import District, ServiceArea, by_code
from steering.results.changes import NO_CLEAR_CHANGE, UP
from steering.results.unit_report import build_unit_report
from survey.models import Wave
from tests.steering.results.survey_data import BASELINE, FOLLOW_UP, Survey, ids


def report(app, wave_id: int, district: str, area: str | None = None):
    with app.test_request_context("/"):
        db = get_session()
        unit = build_unit_report(db, db.get(Wave, wave_id), by_code(db, District, district),
                                 by_code(db, ServiceArea, area) if area else None)
        return {row.question.code: row.change for row in unit.rows}, unit.previous


def test_large_significant_change_is_marked(app, city):
    changes, previous = report(app, city.follow_up_id, "farsta", "ekonomiskt-bistand")
    assert previous is not None and previous.id == city.baseline_id
    assert changes["q1"].direction == UP and changes["q1"].better is True
    assert changes["q1"].comparison.p_adjusted < 0.05
    assert changes["q3"].direction == NO_CLEAR_CHANGE  # the same answers in both waves
    assert changes["yn"] is None  # yes/no questions have no ordinal test


def test_significant_but_small_change_is_no_clear_change(app, city):
    app.config["MEANINGFUL_DIFFERENCE"] = 60.0
    changes, _ = report(app, city.follow_up_id, "farsta", "ekonomiskt-bistand")
    comparison = changes["q1"].comparison
    assert comparison.p_adjusted < 0.05 and abs(comparison.difference) < 60
    assert changes["q1"].direction == NO_CLEAR_CHANGE


def test_large_but_uncertain_change_is_no_clear_change(app, users):
    with app.app_context():
        db = get_session()
        survey = Survey(db)
        before = survey.wave("Före", *BASELINE)
        after = survey.wave("Efter", *FOLLOW_UP)
        unit = ids(db, "skarholmen", "vuxna-missbruk", "socialsekreterare")
        survey.add_values(before, unit, [2, 3, 3, 4, 4, 5])
        survey.add_values(after, unit, [3, 4, 4, 4, 5, 5])
        for wave in (before, after):
            survey.close(wave)
        db.commit()
        after_id = after.id
    changes, _ = report(app, after_id, "skarholmen")
    comparison = changes["q1"].comparison
    assert comparison.difference >= 5  # big enough to matter ...
    assert comparison.p_adjusted >= 0.05  # ... but six answers cannot show it
    assert changes["q1"].direction == NO_CLEAR_CHANGE


def test_page_says_no_clear_change_in_words(city, login):
    client = login("local")
    client.set_cookie("lang", "en")
    page = client.get(f"/results/unit/farsta?area=ekonomiskt-bistand&wave={city.follow_up_id}")
    text = page.get_data(as_text=True)
    assert "no clear change" in text
    assert "higher (better)" in text
