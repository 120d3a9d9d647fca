"""The attacker against the demonstration city (``flask demo load``): the closed waves as a
central analyst downloads them (API for every unit, files and pages of the districts with the
smallest units, the raw responses CSV), a local steering group's view of its own district,
and the wave that is still open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from core.db import get_session
from survey.models import OPEN_LINK, STATE_CLOSED, STATE_OPEN, Wave
from tests.anonymity import cities
from tests.anonymity.attacker import Attacker
from tests.anonymity.downloads import check_outputs_agree, collect, grant_city_cells, knowledge
from tests.demo_site import ROLE_USERS, app_for, demo_copy, session_workdir, sign_in

#: districts of the demo whose smallest units fall under the minimum
SMALL_UNITS = ("ostermalm", "alvsjo")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Flask]:
    app = app_for(demo_copy(session_workdir(tmp_path_factory), "anonymity"),
                  WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["db_engine"].dispose()


def _waves(app: Flask) -> tuple[list[int], int]:
    with app.app_context():
        db = get_session()
        closed = list(db.scalars(select(Wave.id).where(Wave.state == STATE_CLOSED)
                                 .order_by(Wave.opens_on)))
        current = db.scalar(select(Wave.id).where(Wave.state == STATE_OPEN,
                                                  Wave.mode == OPEN_LINK))
    return closed, current


def test_closed_waves_give_no_small_group_away(demo):
    closed, _current = _waves(demo)
    client = sign_in(demo.test_client(), demo, "central")
    token = cities.token(demo, ROLE_USERS["central"])
    for wave_id in closed[-1:]:
        truth, dims = cities.truth(demo, wave_id)
        got = collect(demo, client, token, wave_id,
                      files_for=lambda unit: unit[0] in SMALL_UNITS)
        assert got.raw_csv and got.raw_csv.count("\n") > 2000
        assert check_outputs_agree(got) > 500
        know = knowledge(demo, got, dims, demo.config["MIN_GROUP_SIZE"])
        grant_city_cells(know, truth)
        attacker = Attacker(know, truth)
        findings = attacker.run()
        assert attacker.checks > 30
        assert not findings, "\n".join(findings)


def test_a_local_steering_group_sees_a_part_of_the_same_publication(demo):
    closed, _current = _waves(demo)
    wave_id = closed[-1]
    central = sign_in(demo.test_client(), demo, "central")
    local = sign_in(demo.test_client(), demo, "local")
    token = cities.token(demo, ROLE_USERS["local"])
    mine = collect(demo, local, token, wave_id, files_for=lambda unit: False, raw=False)
    assert {d for d, _a, _r in mine.api} == {"farsta"}
    assert local.get(f"/results/unit/rinkeby-kista?wave={wave_id}").status_code == 403
    assert local.get(f"/survey/{wave_id}/responses.csv").status_code == 403
    everything = collect(demo, central, cities.token(demo, ROLE_USERS["central"]), wave_id,
                         units=list(mine.api), files_for=lambda unit: False, raw=False)
    for unit, data in mine.api.items():
        assert data["questions"] == everything.api[unit]["questions"], unit
        assert data["responses"] == everything.api[unit]["responses"], unit


def test_the_open_wave_shows_participation_only(demo):
    _closed, current = _waves(demo)
    client = sign_in(demo.test_client(), demo, "central")
    token = cities.token(demo, ROLE_USERS["central"])
    got = collect(demo, client, token, current, files_for=lambda unit: unit[0] == "farsta",
                  raw=False)
    shown = 0
    for unit, data in got.api.items():
        assert data["results_hidden"] == "wave_open", unit
        assert data["questions"] == [] and data["indices"] == [], unit
        assert data["responses"] is None, unit  # never an exact count while open
        band = data["responses_range"]
        if band is not None:
            assert band["low"] >= demo.config["MIN_GROUP_SIZE"], unit
            assert band["high"] - band["low"] == demo.config["MIN_GROUP_SIZE"] - 1, unit
            shown += 1
    assert shown, "participation of the larger units is shown"
    for table in got.overview.values():
        assert all(c["score"] is None for row in table["rows"] for c in row["cells"])
    assert client.get(f"/survey/{current}/responses.csv").status_code == 409
    check_outputs_agree(got)
