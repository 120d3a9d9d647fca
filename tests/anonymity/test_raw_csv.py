"""The raw responses CSV: k-anonymous on its identifying columns for random cities, blanked
consistently with the published pattern, and complete when a real gunicorn server streams
it (the rows are read after the request's own session has closed)."""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from bench._common import Instance, start_app_server, venv_bin
from bench._load import Browser, hidden_fields
from core.disclosure.gate import TOTAL
from tests.anonymity import cities
from tests.conftest import PASSWORD

_names = itertools.count(100)


def identifying(text: str) -> tuple[list[str], list[tuple[str, ...]], int]:
    """The header, every row's identifying values (the columns before the first question)
    and how many identifying columns there are."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    width = header.index(cities.INSTRUMENT["sections"][0]["questions"][0]["code"])
    return header, [tuple(row[:width]) for row in rows[1:]], width


def assert_k_anonymous(values: list[tuple[str, ...]], minimum: int = 5) -> None:
    """Every combination of identifying values, and every value of each column alone,
    covers zero or at least ``minimum`` rows."""
    for size in range(1, len(values[0]) + 1 if values else 1):
        for columns in itertools.combinations(range(len(values[0])), size):
            groups = Counter(tuple(row[c] for c in columns) for row in values)
            small = {k: n for k, n in groups.items() if n < minimum}
            assert not small, (columns, small)


@settings(max_examples=10, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=cities.cities(max_districts=5))
def test_every_combination_of_identifying_values_covers_the_minimum(app, login, plan):
    client = login("central")
    number = next(_names)
    city = cities.build(app, plan, f"Rådata {number}", number)
    truth, _dims = cities.truth(app, city.wave_id)
    response = client.get(f"/survey/{city.wave_id}/responses.csv")
    assert response.status_code == 200
    header, values, width = identifying(response.get_data(as_text=True))
    assert header[:3] == ["district", "service_area", "staff_role"]
    total = sum(plan["cells"].values())
    assert len(values) == (total if total >= 5 else 0), "rows are blanked, never dropped"
    assert_k_anonymous(values)
    # consistent with the pattern: a district shows an area only where the published
    # results hide none of its areas, for any question (the same for roles and districts)
    hidden = set(truth.unit_reasons)
    for reasons in truth.question_reasons.values():
        hidden |= set(reasons)
    with app.app_context():
        from core.db import get_session
        from core.org.models import District, ServiceArea, StaffRole, by_code

        db = get_session()
        for district, area, role, *_dims_values in values:
            if district in ("*", ""):
                continue
            d = by_code(db, District, district).id
            assert (d, TOTAL, TOTAL) not in hidden
            if area not in ("*", ""):
                assert not any(k[0] == d and k[1] is not TOTAL for k in hidden), district
                assert by_code(db, ServiceArea, area) is not None
            if role not in ("*", ""):
                assert not any(k[0] == d and k[2] is not TOTAL for k in hidden), district
                assert by_code(db, StaffRole, role) is not None


def test_an_open_wave_has_no_raw_responses(app, login):
    plan = {"shape": (2, 2, 1), "cells": {(0, 0, 0): 9, (0, 1, 0): 8, (1, 0, 0): 7,
                                          (1, 1, 0): 6}, "seed": 3, "district": 0}
    city = cities.build(app, plan, "Öppen rådata", 0)
    from datetime import date, timedelta

    from core.db import get_session
    from survey.models import STATE_OPEN, Wave

    with app.app_context():
        db = get_session()
        wave = db.get(Wave, city.wave_id)
        wave.state, wave.closes_on = STATE_OPEN, date.today() + timedelta(days=3)
        wave.results_shown = False
        db.commit()
    client = login("central")
    client.set_cookie("lang", "en")
    response = client.get(f"/survey/{city.wave_id}/responses.csv")
    assert response.status_code == 409
    assert "when it has closed" in response.get_data(as_text=True)
    assert client.get("/survey/999999/responses.csv").status_code == 404


@pytest.mark.skipif(not venv_bin("gunicorn").startswith("/"), reason="gunicorn is not installed")
def test_served_by_gunicorn_the_download_has_every_row(app, users, tmp_path, app_config):
    plan = {"shape": (3, 2, 2), "seed": 7, "district": 0, "cells": {
        (0, 0, 0): 12, (0, 0, 1): 3, (0, 1, 0): 9, (0, 1, 1): 2, (1, 0, 0): 20,
        (1, 0, 1): 6, (1, 1, 0): 1, (1, 1, 1): 0, (2, 0, 0): 8, (2, 0, 1): 5,
        (2, 1, 0): 11, (2, 1, 1): 4}}
    city = cities.build(app, plan, "Serverad rådata", 0)
    (tmp_path / "config.py").write_text("SECRET_KEY = 'served-test'\n", encoding="utf-8")
    instance = Instance(tmp_path, app_config["DATABASE_URL"], "served-test")
    server = start_app_server(instance, workers=1)
    try:
        browser = Browser("127.0.0.1", server.port)
        login_page = browser.get("/login")
        reply = browser.post("/login", {**hidden_fields(login_page.body),
                                        "username": "central", "password": PASSWORD})
        assert reply.status == 302, reply.body[:300]
        reply = browser.get(f"/survey/{city.wave_id}/responses.csv")
        assert reply.status == 200, server.log_tail()
        assert reply.headers["content-type"].startswith("text/csv")
        assert reply.body.startswith("\ufeffdistrict;service_area;staff_role;")
        header, values, _width = identifying(reply.body)
        assert len(values) == sum(plan["cells"].values())
        assert_k_anonymous(values)
        assert "Error" not in server.log_tail(200)
    finally:
        server.stop()
