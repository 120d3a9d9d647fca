"""Sub-goal pages: validation errors on the field, scoping of local steering groups,
deletion after confirmation, progress notes, the overview and the navigation item."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.org.models import DevelopmentArea, District, by_code
from steering.plan.models import ProgressNote, SubGoal
from steering.plan.services import HrRow, store_hr_figures
from tests.steering.plan.goals import make_goal


@pytest.fixture
def hr(db):
    """Turnover of Farsta and Rinkeby-Kista, 2016H1 and 2018H1."""
    ids = {code: by_code(db, District, code).id for code in ("farsta", "rinkeby-kista")}
    store_hr_figures(db, [HrRow(ids["farsta"], "2016H1", "turnover", 22.0),
                          HrRow(ids["farsta"], "2018H1", "turnover", 17.0),
                          HrRow(ids["rinkeby-kista"], "2016H1", "turnover", 26.0)])
    db.commit()
    return ids


def form(db, **changes) -> dict:
    data = {
        "district": "farsta",
        "development_area": str(by_code(db, DevelopmentArea, "introduktion").id),
        "title_sv": "Lägre personalomsättning", "title_en": "Lower staff turnover",
        "indicator": "hr:turnover", "service_area": "", "baseline_period": "2016H1",
        "baseline_value": "22", "target_value": "15", "deadline": "2018-12-31",
        "direction": "",
    }
    data.update(changes)
    return data


def goals(db) -> int:
    return db.scalar(select(func.count()).select_from(SubGoal))


def test_a_valid_sub_goal_is_saved_with_its_defaults(login, db, hr):
    response = login("local").post("/action-plan/subgoals/new",
                                   data=form(db, baseline_value="22,0"))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    goal = db.scalars(select(SubGoal)).one()
    assert (goal.indicator, goal.baseline_value, goal.target_value) == ("hr:turnover", 22, 15)
    assert goal.direction == "lower" and goal.baseline_half_year == "2016H1"
    assert not goal.owner_is_central
    page = login("local").get(response.headers["Location"]).get_data(as_text=True)
    assert "Lägre personalomsättning" in page
    assert "17,0&nbsp;%" in page


def test_an_empty_baseline_is_taken_from_the_data(login, db, hr):
    response = login("local").post("/action-plan/subgoals/new",
                                   data=form(db, baseline_value=""))
    assert response.status_code == 302
    assert db.scalars(select(SubGoal)).one().baseline_value == 22.0


@pytest.mark.parametrize(("changes", "field"), [
    ({"title_sv": ""}, "title_sv"),
    ({"target_value": ""}, "target_value"),
    ({"target_value": "femton"}, "target_value"),
    ({"baseline_value": "1,2,3"}, "baseline_value"),
    ({"target_value": "22"}, "target_value"),  # equal to the baseline
    ({"target_value": "25"}, "target_value"),  # lower is better: must be below
    ({"direction": "higher"}, "target_value"),  # now it must be above
    ({"target_value": "120"}, "target_value"),  # a percentage
    ({"service_area": "1"}, "service_area"),  # only for survey indicators
    ({"baseline_period": "2018H1", "deadline": "2018-05-01"}, "deadline"),
    ({"baseline_period": "2017H1", "baseline_value": ""}, "baseline_value"),  # no figure
    ({"indicator": "hr:salary"}, "indicator"),
    ({"deadline": "31/12/2018"}, "deadline"),
    ({"district": "rinkeby-kista"}, "district"),  # not the local user's
])
def test_errors_are_shown_on_the_field_and_nothing_is_saved(login, db, hr, changes, field):
    response = login("local").post("/action-plan/subgoals/new", data=form(db, **changes))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page, page[page.find("<main"):][:3000]
    assert goals(db) == 0


def test_a_local_group_cannot_see_or_change_another_districts_plan(login, db, hr):
    farsta = make_goal(db, district="farsta", indicator="hr:turnover", half_year="2016H1",
                       target=15)
    other = make_goal(db, district="rinkeby-kista", indicator="hr:turnover",
                      half_year="2016H1", target=18)
    city = make_goal(db, district=None, indicator="hr:turnover", half_year="2016H1",
                     target=18)
    client = login("local")
    assert client.get("/action-plan/district/farsta").status_code == 200
    assert client.get(f"/action-plan/subgoals/{farsta.id}/edit").status_code == 200
    for goal in (other, city):
        for url in (f"/action-plan/subgoals/{goal.id}", f"/action-plan/subgoals/{goal.id}/edit"):
            assert client.get(url).status_code == 403, url
        assert client.post(f"/action-plan/subgoals/{goal.id}/edit",
                           data=form(db, district="farsta")).status_code == 403
        assert client.post(f"/action-plan/subgoals/{goal.id}/delete",
                           data={"confirm": "yes"}).status_code == 403
        assert client.post(f"/action-plan/subgoals/{goal.id}/notes",
                           data={"text": "Hej"}).status_code == 403
    for url in ("/action-plan/district/rinkeby-kista", "/action-plan/city",
                "/action-plan/hr/district/rinkeby-kista"):
        assert client.get(url).status_code == 403, url
    assert goals(db) == 3
    assert db.scalar(select(func.count()).select_from(ProgressNote)) == 0
    # moving one's own sub-goal to another district is not a valid choice
    response = client.post(f"/action-plan/subgoals/{farsta.id}/edit",
                           data=form(db, district="rinkeby-kista"))
    assert 'id="district-error"' in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(SubGoal, farsta.id).district.code == "farsta"


def test_central_sees_every_plan_and_the_overview(login, db, hr):
    make_goal(db, district="farsta", indicator="hr:turnover", half_year="2016H1", target=15)
    make_goal(db, district=None, indicator="hr:turnover", half_year="2016H1", target=18)
    client = login("central")
    for url in ("/action-plan/district/rinkeby-kista", "/action-plan/city",
                "/action-plan/hr/district/rinkeby-kista"):
        assert client.get(url).status_code == 200, url
    overview = client.get("/action-plan/").get_data(as_text=True)
    assert "/action-plan/district/farsta" in overview and "/action-plan/city" in overview
    city = client.get("/action-plan/city").get_data(as_text=True)
    assert "centrala styrgruppen" in city or "central steering group" in city


def test_local_index_leads_to_the_own_district_and_nav_shows_the_item(login):
    client = login("local")
    response = client.get("/action-plan/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/action-plan/district/farsta")
    assert 'href="/action-plan/"' in client.get("/").get_data(as_text=True)


def test_other_roles_get_403(login):
    for role in ("moderator", "facilitator"):
        client = login(role)
        assert client.get("/action-plan/").status_code == 403
        client.post("/logout")


def test_edit_keeps_the_values_and_saves_changes(login, db, hr):
    goal = make_goal(db, district="farsta", indicator="hr:turnover", half_year="2016H1",
                     target=15)
    client = login("local")
    page = client.get(f"/action-plan/subgoals/{goal.id}/edit").get_data(as_text=True)
    assert 'value="22"' in page and '<option selected value="2016H1">' in page
    response = client.post(f"/action-plan/subgoals/{goal.id}/edit",
                           data=form(db, target_value="16,5", title_sv="Ny rubrik"))
    assert response.status_code == 302
    db.expire_all()
    assert (db.get(SubGoal, goal.id).target_value, db.get(SubGoal, goal.id).title_sv) == (
        16.5, "Ny rubrik")


def test_delete_asks_first_and_takes_the_notes_along(login, db, hr):
    goal = make_goal(db, district="farsta", indicator="hr:turnover", half_year="2016H1",
                     target=15)
    client = login("local")
    assert client.post(f"/action-plan/subgoals/{goal.id}/notes",
                       data={"text": "Mentorer till alla nyanställda."}).status_code == 302
    assert client.post(f"/action-plan/subgoals/{goal.id}/notes",
                       data={"text": "  "}).status_code == 400
    asked = client.post(f"/action-plan/subgoals/{goal.id}/delete")
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(
        as_text=True)
    assert goals(db) == 1
    assert client.post(f"/action-plan/subgoals/{goal.id}/delete",
                       data={"confirm": "yes"}).status_code == 302
    assert goals(db) == 0
    assert db.scalar(select(func.count()).select_from(ProgressNote)) == 0


def test_a_note_is_deleted_after_confirmation(login, db, hr):
    goal = make_goal(db, district="farsta", indicator="hr:turnover", half_year="2016H1",
                     target=15)
    client = login("local")
    client.post(f"/action-plan/subgoals/{goal.id}/notes", data={"text": "Första noten."})
    note = db.scalars(select(ProgressNote)).one()
    assert note.written_on == date.today()
    page = client.get(f"/action-plan/subgoals/{goal.id}").get_data(as_text=True)
    assert "Första noten." in page
    url = f"/action-plan/subgoals/{goal.id}/notes/{note.id}/delete"
    assert client.post(url).status_code == 200
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert db.scalar(select(func.count()).select_from(ProgressNote)) == 0


def test_city_figures_add_up_consultants_and_average_percentages(login, db, hr):
    store_hr_figures(db, [HrRow(hr["farsta"], "2018H1", "consultants", 3),
                          HrRow(hr["rinkeby-kista"], "2018H1", "consultants", 4),
                          HrRow(hr["rinkeby-kista"], "2018H1", "turnover", 19.0)])
    db.commit()
    make_goal(db, district=None, indicator="hr:turnover", half_year="2016H1", target=15)
    page = login("central").get("/action-plan/city").get_data(as_text=True)
    assert "18,0&nbsp;%" in page  # (17 + 19) / 2
    assert "2 districts" in page or "2 förvaltningar" in page or "2 stadsdelar" in page


def test_every_problem_is_shown_at_once(login, db, hr):
    response = login("local").post("/action-plan/subgoals/new", data=form(
        db, title_sv="", service_area="1", target_value="25"))
    page = response.get_data(as_text=True)
    for field in ("title_sv", "service_area", "target_value"):
        assert f'id="{field}-error"' in page, field
    assert goals(db) == 0
