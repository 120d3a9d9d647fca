"""While a wave is open only participation can be read. One response submitted through the
respondent's form changes nothing a steering group can read that day, participation included
(it counts the responses stored before today); no
page, file or API answer of the open wave carries an answer figure; and a count that grows
from zero cannot be told from one that grows from three."""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.db import get_session
from core.org.models import District, ServiceArea, StaffRole, by_code
from survey.services import NewResponse, store_responses
from survey.spec import build_spec
from survey.tokens import issue_submission_token
from survey.units import Unit
from survey.waves.lifecycle import create_wave, open_wave
from tests.anonymity import cities
from tests.anonymity.downloads import TABLES, csv_rows

UNITS = [("farsta", "ekonomiskt-bistand", None), ("farsta", None, "socialsekreterare"),
         ("farsta", "socialpsykiatri", None), ("farsta", None, None),
         ("rinkeby-kista", None, None), ("rinkeby-kista", "barn-och-unga", None)]
PARTICIPATION = {"responses", "response_rate", "hidden", "hidden_text", "responses_range",
                 "response_rate_range", "participation_before"}


def _open_wave(app) -> tuple[int, dict[str, int]]:
    """An open wave of the attacker's instrument: Farsta economic aid 12, social psychiatry
    3, Rinkeby-Kista children and youth 7 (every one a social worker), answered yesterday
    (today's participation counts the responses stored before today)."""
    with app.app_context():
        db = get_session()
        found = cities.instrument(db)
        today = date.today()
        wave = create_wave(db, name="Pågår", instrument=found,
                           opens_on=today - timedelta(days=2), closes_on=today + timedelta(days=9),
                           mode="open-link")
        open_wave(db, wave)
        spec = build_spec(found)
        worker = by_code(db, StaffRole, "socialsekreterare").id
        responses = []
        for district, area, count in (("farsta", "ekonomiskt-bistand", 12),
                                      ("farsta", "socialpsykiatri", 3),
                                      ("rinkeby-kista", "barn-och-unga", 7)):
            unit = Unit(by_code(db, District, district).id, by_code(db, ServiceArea, area).id,
                        worker)
            answer = {q.id: 4 if q.type == "agreement" else 1 for q in spec.questions}
            responses += [NewResponse(unit, answer, today - timedelta(days=1))
                          for _ in range(count)]
        store_responses(db, wave.id, spec, responses)
        db.commit()
        return wave.id, {q.code: q.id for q in spec.questions}


def _query(area, role) -> str:
    return f"&area={area}" if area else (f"&role={role}" if role else "")


_VOLATILE = re.compile(r'(name="csrf_token" value=")[^"]*"|(nonce=")[^"]*"')
_PARTICIPATION_TABLE = re.compile(r'<table id="participation-table".*?</table>', re.S)


def _page(html: str) -> str:
    html = _PARTICIPATION_TABLE.sub("", _VOLATILE.sub(r"\1\2", html))
    assert 'id="question-table"' not in html
    return html


def read_everything(client, token: str, wave_id: int) -> dict:
    """What a steering group can read of the wave, participation figures set aside."""
    headers = {"Authorization": f"Bearer {token}"}
    seen: dict = {}
    for d, a, r in UNITS:
        data = client.get(f"/api/v1/waves/{wave_id}/results/{d}?x=1{_query(a, r)}",
                          headers=headers).get_json()
        assert data["results_hidden"] == "wave_open"
        assert data["questions"] == [] and data["indices"] == []
        seen[("api", d, a, r)] = {k: v for k, v in data.items() if k not in PARTICIPATION}
        # participation is a snapshot of the responses stored before today
        seen[("participation", d, a, r)] = {k: data[k] for k in PARTICIPATION}
        for table in TABLES:
            if table in ("responses", "participation"):
                continue
            rows = csv_rows(client.get(f"/results/export?table={table}&format=csv"
                                       f"&wave={wave_id}&district={d}{_query(a, r)}").data)
            seen[(table, d, a, r)] = rows
        seen[("page", d, a, r)] = _page(client.get(
            f"/results/unit/{d}?wave={wave_id}{_query(a, r)}").get_data(as_text=True))
    seen["print"] = _page(client.get(f"/results/report/farsta?wave={wave_id}")
                          .get_data(as_text=True))
    for by in ("area", "role"):
        data = client.get(f"/api/v1/waves/{wave_id}/overview?by={by}", headers=headers).get_json()
        assert all(c["score"] is None and c["hidden"] == "wave_open"
                   for row in data["rows"] for c in row["cells"])
        seen[("overview", by)] = data
    seen["overview-csv"] = csv_rows(client.get(
        f"/results/export?table=overview&format=csv&wave={wave_id}").data)
    seen["overview-page"] = _page(client.get(f"/results/?wave={wave_id}").get_data(as_text=True))
    seen["raw"] = client.get(f"/survey/{wave_id}/responses.csv").status_code
    return seen


def test_one_answer_changes_nothing_a_steering_group_reads_but_participation(app, login):
    wave_id, questions = _open_wave(app)
    client = login("central")
    client.set_cookie("lang", "en")
    client.get("/")  # the welcome message is shown once
    token = cities.token(app, "central")
    before = read_everything(client, token, wave_id)
    assert before["raw"] == 409
    for key, rows in before.items():
        if key[0] in ("questions", "indices"):
            assert all(cell == "" for row in rows[1:] for cell in row[2:-1]), key
            assert all("not shown while the wave is open" in row[-1] for row in rows[1:]), key

    respondent = app.test_client()
    with app.test_request_context():
        submission = issue_submission_token(wave_id)
    form = {"district": "farsta", "service_area": "socialpsykiatri",
            "staff_role": "socialsekreterare", "submission_token": submission}
    form.update({f"q{qid}": "1" for qid in questions.values()})
    reply = respondent.post(f"/survey/{wave_id}/all", data=form)
    assert reply.status_code == 303, reply.get_data(as_text=True)[:500]

    after = read_everything(client, token, wave_id)
    changed = [key for key in before if before[key] != after[key]]
    assert not changed, changed


def test_participation_hides_zero_like_any_count_under_the_minimum(app, login):
    wave_id, _questions = _open_wave(app)
    client = login("central")
    token = cities.token(app, "central")
    headers = {"Authorization": f"Bearer {token}"}

    def unit(d, a=None):
        return client.get(f"/api/v1/waves/{wave_id}/results/{d}?x=1{_query(a, None)}",
                          headers=headers).get_json()

    three, nobody = unit("farsta", "socialpsykiatri"), unit("farsta", "aldreomsorg")
    assert three["responses"] is None and nobody["responses"] is None
    assert three["hidden"] == nobody["hidden"] == "below_minimum"
    # a district of 15 whose other areas are hidden: its own count does not give them away
    farsta = unit("farsta")
    assert farsta["responses"] is None, "an open wave's counts are ranges"
    assert farsta["responses_range"] in ({"low": 15, "high": 19}, None)
    economic_aid = unit("farsta", "ekonomiskt-bistand")
    if farsta["responses_range"] is not None:
        assert economic_aid["responses_range"] is None, "15 - 12 would leave the 3"
