"""Survey-derived indicators of sub-goals: an index or a question's favourable share of a
district (or one of its service areas) from the latest closed wave, with its interval, and
no figure at all where the disclosure gate withholds it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.org.models import DevelopmentArea, District, by_code
from core.stats.descriptive import Scale, index_score, summarize_question
from steering.plan.models import SubGoal
from steering.plan.progress import NO_DATA, ON_TRACK, REACHED
from steering.plan.queries import PlanReader
from tests.steering.plan.goals import BASELINE, FOLLOW_UP, HmeSurvey, make_goal, unit

#: answers per unit and wave (every respondent gives the same value to all nine items)
FARSTA_EB = {"2017": [3] * 12 + [2] * 8, "2018": [4] * 12 + [3] * 8}
FARSTA_BU = {"2017": [4] * 10 + [5] * 5, "2018": [4] * 10 + [5] * 5}
RINKEBY_EB = {"2017": [3] * 9, "2018": [3] * 6 + [4] * 3}
BROMMA = {"2017": [5] * 3, "2018": [5] * 3}  # under the minimum group size


@pytest.fixture
def waves(db):
    survey = HmeSurvey(db)
    made = {}
    for key, (name, opens, closes) in (("2017", BASELINE), ("2018", FOLLOW_UP)):
        wave = survey.wave(name, opens, closes)
        survey.add(wave, unit(db, "farsta", "ekonomiskt-bistand"), FARSTA_EB[key])
        survey.add(wave, unit(db, "farsta", "barn-och-unga"), FARSTA_BU[key])
        survey.add(wave, unit(db, "rinkeby-kista", "ekonomiskt-bistand"), RINKEBY_EB[key])
        survey.add(wave, unit(db, "bromma", "aldreomsorg", "bistandshandlaggare"),
                   BROMMA[key])
        survey.close(wave)
        made[key] = wave
    db.commit()
    return made


def expected_index(answers: list[int]) -> tuple[float, tuple[float, float]]:
    """The HME index of respondents who gave one value to every item, computed here from
    the answers with ``core.stats.descriptive`` (the three Leadership items are alike)."""
    counts: dict[int, int] = {}
    for value in answers:
        counts[value] = counts.get(value, 0) + 1
    summary = summarize_question(counts, Scale.agreement(5))
    score = index_score([summary] * 3)
    return score.score, (score.ci.low, score.ci.high)


def test_district_index_comes_from_the_latest_closed_wave_with_its_interval(app, db, waves):
    goal = make_goal(db, district="farsta", indicator="index:hme-ledarskap",
                     wave=waves["2017"], target=70)
    value_2017, _ci = expected_index(FARSTA_EB["2017"] + FARSTA_BU["2017"])
    assert goal.baseline_value == pytest.approx(round(value_2017, 1))  # taken from the data
    with app.test_request_context():
        row = PlanReader(db).row(goal)
    value, ci = expected_index(FARSTA_EB["2018"] + FARSTA_BU["2018"])
    assert row.reading.period == "Hösten 2018"
    assert row.reading.value == pytest.approx(value)
    assert row.reading.ci == (pytest.approx(ci[0]), pytest.approx(ci[1]))
    assert row.progress.status == REACHED
    assert row.progress.uncertain == (ci[0] <= 70 <= ci[1])


def test_service_area_and_question_indicators(app, db, waves):
    area = make_goal(db, district="farsta", indicator="index:hme-motivation",
                     wave=waves["2017"], service_area="ekonomiskt-bistand", target=80)
    question = make_goal(db, district="farsta", indicator="question:hme-uppskattning",
                         wave=waves["2017"], target=90)
    with app.test_request_context():
        reader = PlanReader(db)
        area_row, question_row = reader.row(area), reader.row(question)
    assert area.baseline_value == pytest.approx(round(expected_index(FARSTA_EB["2017"])[0], 1))
    assert area_row.reading.value == pytest.approx(expected_index(FARSTA_EB["2018"])[0])
    # favourable = 4 or 5: 2017 15 of 35, 2018 27 of 35
    assert question.baseline_value == pytest.approx(round(100 * 15 / 35, 1))
    assert question_row.reading.value == pytest.approx(100 * 27 / 35)
    low, high = question_row.reading.ci
    assert low < 100 * 27 / 35 < high
    assert question_row.progress.status == ON_TRACK
    assert len(reader.series(question)) == 2


def test_below_the_minimum_group_size_no_figure_is_shown(app, db, waves, login):
    goal = make_goal(db, district="bromma", indicator="index:hme", baseline=60.0,
                     wave=waves["2017"], target=70)
    with app.test_request_context():
        row = PlanReader(db).row(goal)
    assert row.reading.value is None and row.reading.ci is None
    assert row.reading.reason == "below_minimum"
    assert row.progress.status == NO_DATA
    client = login("central")
    for url in (f"/action-plan/subgoals/{goal.id}", "/action-plan/district/bromma"):
        page = client.get(url).get_data(as_text=True)
        assert "färre än 5 svar" in page  # Swedish is the default
        assert "100,0" not in page and "100.0" not in page  # Bromma's index is 100


def test_empty_baseline_is_refused_when_the_figure_is_withheld(login, db, waves):
    data = {
        "district": "bromma",
        "development_area": str(by_code(db, DevelopmentArea, "ledarskap").id),
        "title_sv": "Bättre ledarskap", "title_en": "", "indicator": "index:hme",
        "service_area": "", "baseline_period": f"wave:{waves['2017'].id}",
        "baseline_value": "", "target_value": "80", "deadline": "2019-12-31", "direction": "",
    }
    client = login("central")
    page = client.post("/action-plan/subgoals/new", data=data).get_data(as_text=True)
    assert 'id="baseline_value-error"' in page
    assert "färre än 5 svar" in page or "fewer than 5 answers" in page
    page = client.post("/action-plan/subgoals/new",
                       data={**data, "baseline_period": "2017H2", "baseline_value": "60"}
                       ).get_data(as_text=True)
    assert 'id="baseline_period-error"' in page  # a survey index is measured per wave
    assert db.scalar(select(func.count()).select_from(SubGoal)) == 0
    data.update(district="farsta", baseline_value="")
    assert client.post("/action-plan/subgoals/new", data=data).status_code == 302
    assert db.scalars(select(SubGoal)).one().district_id == by_code(db, District, "farsta").id


def test_a_small_unit_inside_a_district_stays_hidden(app, db, waves):
    """Rinkeby-Kista's economic aid has 9 answers but is alone in its district: the
    district total equals it, so both are shown; Bromma's 3 are withheld at every level."""
    rinkeby = make_goal(db, district="rinkeby-kista", indicator="index:hme",
                        wave=waves["2017"], target=60)
    hidden = make_goal(db, district="bromma", indicator="index:hme", baseline=50.0,
                       service_area="aldreomsorg", wave=waves["2017"], target=60)
    with app.test_request_context():
        reader = PlanReader(db)
        assert reader.row(rinkeby).reading.value is not None
        assert reader.row(hidden).reading.value is None
