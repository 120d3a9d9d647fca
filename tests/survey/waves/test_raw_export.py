"""The raw-responses CSV for analysts: one row per response of a closed wave, no id, date or
free text, "cannot answer" and unanimous told apart, identifying columns coarsened with the
published pattern (``*``) instead of rows dropped; the pure coarsening rules; who may
download it. (The attacker tests in ``tests/anonymity`` check it against everything else.)"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, timedelta

import flask_babel

from core.disclosure.gate import TOTAL
from core.org.models import Dimension, District, ServiceArea, StaffRole, by_code
from survey.instruments import create_instrument
from survey.services import NewResponse, store_responses
from survey.spec import instrument_spec
from survey.units import Unit, encode_extra
from survey.waves.lifecycle import close_wave, create_wave, open_wave
from survey.waves.raw_export import HIDDEN_CELL, coarsen, write_csv
from tests.conftest import sign_in

DEFINITION = {
    "code": "export-test", "title_sv": "Export", "title_en": "Export",
    "sections": [{"title_sv": "Del", "title_en": "Part", "questions": [
        {"code": "trivs", "type": "agreement", "text_sv": "Jag trivs.", "text_en": "Happy.",
         "allow_cannot_answer": True},
        {"code": "arenden", "type": "number", "text_sv": "Ärenden?", "text_en": "Cases?",
         "min_value": 0, "max_value": 200},
        {"code": "hot", "type": "yesno", "text_sv": "Hot?", "text_en": "Threats?"},
        {"code": "ovrigt", "type": "text", "text_sv": "Övrigt?", "text_en": "Other?"},
    ]}],
}


def _wave(db):
    instrument = create_instrument(db, DEFINITION)
    db.flush()
    today = date.today()
    wave = create_wave(
        db, name="Exportvåg", instrument=instrument, opens_on=today - timedelta(days=9),
        closes_on=today + timedelta(days=5), mode="open-link",
        dimensions=[by_code(db, Dimension, "tenure")],
    )
    open_wave(db, wave)
    db.flush()
    return wave


def _unit(db, district: str, area: str = "ekonomiskt-bistand",
          extra: dict[int, int] | None = None) -> Unit:
    return Unit(
        by_code(db, District, district).id, by_code(db, ServiceArea, area).id,
        by_code(db, StaffRole, "socialsekreterare").id, encode_extra(extra or {}),
    )


def _export(db, wave, minimum: int = 5) -> list[list[str]]:
    out = io.StringIO()
    write_csv(db, wave, out, minimum)
    return list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))


def test_rows_without_ids_dates_or_free_text(app, db):
    wave = _wave(db)
    spec = instrument_spec(db, wave.instrument_id)
    q = {question.code: question.id for question in spec.questions}
    tenure = by_code(db, Dimension, "tenure")
    long_tenure = next(v.id for v in tenure.values if v.code == "gt5")
    answers = [
        {q["trivs"]: 4, q["arenden"]: 35, q["hot"]: 1, q["ovrigt"]: "Mer tid, tack"},
        {q["trivs"]: -1, q["arenden"]: 12, q["hot"]: 0},
        {q["trivs"]: 2, q["hot"]: 0},  # the number left unanswered
        {q["trivs"]: 5, q["arenden"]: 40, q["hot"]: 1},
        {q["trivs"]: 3, q["arenden"]: 0, q["hot"]: 0},
        {q["trivs"]: 3, q["arenden"]: 7, q["hot"]: 1},
        {q["trivs"]: 4, q["arenden"]: 9, q["hot"]: 0},
    ]
    rows = [NewResponse(_unit(db, d, extra={tenure.id: long_tenure}), a, date.today())
            for d in ("farsta", "bromma") for a in answers]
    store_responses(db, wave.id, spec, rows)
    close_wave(db, wave)
    db.commit()
    with app.test_request_context():
        exported = _export(db, wave)
    header, body = exported[0], exported[1:]
    assert header == ["district", "service_area", "staff_role", "tenure", "trivs", "arenden",
                      "hot"]
    assert len(body) == 2 * len(answers)
    assert {tuple(row[:4]) for row in body} == {
        (d, "ekonomiskt-bistand", "socialsekreterare", "gt5") for d in ("farsta", "bromma")}
    farsta = sorted(row[4:] for row in body if row[0] == "farsta")
    assert farsta == sorted([["4", "35", "1"], ["na", "12", "0"], ["2", "", "0"],
                             ["5", "40", "1"], ["3", "0", "0"], ["3", "7", "1"],
                             ["4", "9", "0"]])
    text = "\n".join(";".join(row) for row in exported)
    assert "Mer tid" not in text and date.today().isoformat() not in text


def test_a_hidden_area_blanks_the_area_of_every_row_of_its_district(app, db):
    wave = _wave(db)
    spec = instrument_spec(db, wave.instrument_id)
    trivs = spec.questions[0].id
    plan = [("farsta", "ekonomiskt-bistand", 20), ("farsta", "barn-och-unga", 3),
            ("farsta", "aldreomsorg", 9), ("bromma", "ekonomiskt-bistand", 12),
            ("bromma", "barn-och-unga", 8)]
    store_responses(db, wave.id, spec, [
        NewResponse(_unit(db, d, a), {trivs: 4}, date.today())
        for d, a, n in plan for _ in range(n)])
    close_wave(db, wave)
    db.commit()
    with app.test_request_context():
        body = _export(db, wave)[1:]
    assert len(body) == 52, "rows are blanked, never left out"
    assert {row[1] for row in body if row[0] == "farsta"} == {HIDDEN_CELL}
    groups = Counter(tuple(row[:4]) for row in body)
    assert min(groups.values()) >= 5, groups


def test_coarsening_rules():
    # district 1: areas 10 + 3 (a hidden area); district 2: 8 + 7, roles 5 + 10 and the
    # crossing area 20 x role 7 holds 2 people; district 3 hidden; tenure 1:2 in district 2
    units = {(1, 10, 7, ""): 10, (1, 11, 7, ""): 3,
             (2, 10, 7, "9:1"): 2, (2, 10, 8, "9:1"): 6, (2, 11, 8, "9:2"): 7,
             (3, 10, 7, ""): 4, (4, 10, 7, ""): 6}
    hidden = {(1, 11, TOTAL), (1, 10, TOTAL), (3, TOTAL, TOTAL), (4, TOTAL, TOTAL)}
    plan = coarsen(units, hidden, [9], 5)
    assert plan[(1, 10, 7, "")] == (1, HIDDEN_CELL, 7, 0)
    assert plan[(1, 11, 7, "")] == (1, HIDDEN_CELL, 7, 0)
    # district 2: the area x role crossing of 2 means roles go; tenure 1 (8) and 2 (7) stay
    assert plan[(2, 10, 7, "9:1")] == (2, 10, HIDDEN_CELL, 1)
    assert plan[(2, 11, 8, "9:2")] == (2, 11, HIDDEN_CELL, 2)
    # hidden districts share one blank district, area and role
    assert plan[(3, 10, 7, "")] == plan[(4, 10, 7, "")] == (HIDDEN_CELL,) * 3 + (0,)
    # a wave with fewer responses than the minimum has no rows at all
    assert coarsen({(1, 10, 7, ""): 4}, {(TOTAL, TOTAL, TOTAL)}, [], 5) == {
        (1, 10, 7, ""): None}


def test_download_is_for_central_analysts(db, client, login):
    wave = _wave(db)
    db.commit()
    path = f"/survey/{wave.id}/responses.csv"
    assert client.get(path).status_code in (302, 401, 403)
    login("local")
    assert client.get(path).status_code == 403


def test_download_as_central_analyst(app, db, client, login):
    wave = _wave(db)
    spec = instrument_spec(db, wave.instrument_id)
    trivs = spec.questions[0].id
    store_responses(db, wave.id, spec, [
        NewResponse(_unit(db, "farsta"), {trivs: 4}, date.today()) for _ in range(5)
    ])
    close_wave(db, wave)
    db.commit()
    login("central")
    response = client.get(f"/survey/{wave.id}/responses.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffdistrict;service_area;staff_role;tenure;trivs")
    assert text.count("\r\nfarsta;ekonomiskt-bistand;socialsekreterare;;4;;") == 5
    # from English pages the file follows English spreadsheets: commas between the cells
    english = app.test_client()
    english.set_cookie("lang", "en")
    sign_in(english, "central")
    flask_babel.refresh()  # the test's application context would keep the Swedish locale
    text = english.get(f"/survey/{wave.id}/responses.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["district", "service_area", "staff_role", "tenure", "trivs"]
    assert rows[1:] == [["farsta", "ekonomiskt-bistand", "socialsekreterare", "", "4", "", ""]] * 5
    assert client.get("/survey/999999/responses.csv").status_code == 404


def test_pages_link_to_the_download_only_for_those_who_may_open_it(db, client, login):
    wave = _wave(db)
    close_wave(db, wave)
    db.commit()
    link = f"/survey/{wave.id}/responses.csv"
    login("central")
    assert link in client.get(f"/results/?wave={wave.id}").get_data(as_text=True)
    login("local")
    assert link not in client.get(f"/results/?wave={wave.id}").get_data(as_text=True)
    login("admin")
    assert link in client.get(f"/survey/admin/waves/{wave.id}").get_data(as_text=True)
    login("moderator")
    assert link not in client.get(f"/survey/admin/waves/{wave.id}").get_data(as_text=True)


def test_coarsening_counts_valid_answers():
    # district 1: area 10 x role 7 holds 5 responses but only 2 valid answers to question 3
    # (3 said "cannot answer"); area 11 x role 8 holds 10 and tenure splits it 5 + 5, where
    # tenure 2 has one valid answer to question 4 and four left it unanswered
    units = {(1, 10, 7, ""): 5, (1, 11, 8, "9:1"): 5, (1, 11, 8, "9:2"): 5}
    answers = {(1, 10, 7, ""): {3: (2, 3)}, (1, 11, 8, "9:1"): {3: (5, 0), 4: (5, 0)},
               (1, 11, 8, "9:2"): {3: (5, 0), 4: (1, 0)}}
    assert coarsen(units, set(), [9], 5)[(1, 10, 7, "")] == (1, 10, 7, 0)
    plan = coarsen(units, set(), [9], 5, answers)
    assert plan[(1, 10, 7, "")] == (1, 10, HIDDEN_CELL, HIDDEN_CELL)
    assert plan[(1, 11, 8, "9:1")] == plan[(1, 11, 8, "9:2")] == (1, 11, HIDDEN_CELL,
                                                                    HIDDEN_CELL)
