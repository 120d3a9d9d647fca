"""Scoping: a local steering group member sees their own districts only. Another district's
unit page, print report, export and API answer 403, never an empty page."""

from __future__ import annotations

import pytest

from core.auth import accounts as auth
from core.db import get_session


@pytest.mark.parametrize("url", [
    "/results/unit/rinkeby-kista",
    "/results/unit/rinkeby-kista?area=ekonomiskt-bistand",
    "/results/report/rinkeby-kista",
    "/results/export?table=questions&format=csv&district=rinkeby-kista",
    "/results/export?table=indices&format=xlsx&district=rinkeby-kista",
    "/results/export?table=ideas&format=csv&district=rinkeby-kista",
    "/results/export?table=goals&format=csv&district=rinkeby-kista",
    "/results/export?table=goals&format=xlsx",
])
def test_local_user_gets_403_for_another_district(city, login, url):
    client = login("local")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [
    "/results/unit/farsta", "/results/unit/farsta?role=socialsekreterare",
    "/results/report/farsta", "/results/export?table=questions&format=csv&district=farsta",
])
def test_local_user_sees_own_district(city, login, url):
    assert login("local").get(url).status_code == 200


def test_overview_lists_only_own_districts_for_local(city, login):
    client = login("local")
    client.set_cookie("lang", "en")
    page = client.get(f"/results/?wave={city.follow_up_id}").get_data(as_text=True)
    assert "Farsta" in page
    assert "Rinkeby-Kista" not in page
    assert "Whole city" not in page


def test_central_sees_every_district_and_the_city(city, login):
    client = login("central")
    client.set_cookie("lang", "en")
    page = client.get(f"/results/?wave={city.follow_up_id}").get_data(as_text=True)
    assert "Farsta" in page and "Rinkeby-Kista" in page and "Whole city" in page
    assert client.get("/results/unit/rinkeby-kista").status_code == 200


def test_roles_without_results_are_refused(city, login):
    assert login("facilitator").get("/results/").status_code == 403


def test_api_scoping(app, city, users):
    with app.app_context():
        db = get_session()
        token = auth.issue_token(db, db.get(auth.User, users["local"]), "test")
        db.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    wave = city.follow_up_id
    assert client.get(f"/api/v1/waves/{wave}/results/farsta", headers=headers).status_code == 200
    other = client.get(f"/api/v1/waves/{wave}/results/rinkeby-kista", headers=headers)
    assert other.status_code == 403
    assert other.get_json()["error"]
    assert client.get("/api/v1/ideas?district=rinkeby-kista", headers=headers).status_code == 403
    units = client.get("/api/v1/units", headers=headers).get_json()
    assert [d["code"] for d in units["districts"]] == ["farsta"]
    overview = client.get(f"/api/v1/waves/{wave}/overview", headers=headers).get_json()
    assert [r["district"] for r in overview["rows"]] == ["farsta"]


def test_results_over_the_cap_answer_with_a_page_that_says_why(app, city, login):
    client = login("central")
    assert client.get(f"/results/?wave={city.follow_up_id}").status_code == 200
    app.config["RESULTS_MAX_UNITS"] = 100
    app.extensions.pop("steering_results", None)
    client.set_cookie("lang", "en")
    for url in (f"/results/?wave={city.follow_up_id}", "/results/unit/farsta",
                f"/results/export?table=overview&format=xlsx&wave={city.follow_up_id}"):
        response = client.get(url)
        assert response.status_code == 409, url
        assert "would cover 165 units" in response.get_data(as_text=True)
