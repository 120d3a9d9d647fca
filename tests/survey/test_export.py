"""The raw-responses CSV for analysts: one row per response, units below the minimum group
size left out, no id, date or free text, "cannot answer" and unanswered told apart."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from core.org import Dimension, District, ServiceArea, StaffRole, by_code
from survey.export import write_csv
from survey.instruments import create_instrument
from survey.services import NewResponse, store_responses
from survey.spec import instrument_spec
from survey.units import Unit, encode_extra
from survey.waves import create_wave, open_wave

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
        db, name="Exportvåg", instrument=instrument, opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=5), mode="open-link",
        dimensions=[by_code(db, Dimension, "tenure")],
    )
    open_wave(db, wave)
    db.flush()
    return wave


def _unit(db, district: str, extra: dict[int, int] | None = None) -> Unit:
    return Unit(
        by_code(db, District, district).id,
        by_code(db, ServiceArea, "ekonomiskt-bistand").id,
        by_code(db, StaffRole, "socialsekreterare").id,
        encode_extra(extra or {}),
    )


def _export(db, wave, minimum: int = 5) -> list[list[str]]:
    out = io.StringIO()
    write_csv(db, wave, out, minimum)
    return list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))


def test_rows_of_large_units_only_without_ids_dates_or_free_text(db):
    wave = _wave(db)
    spec = instrument_spec(db, wave.instrument_id)
    q = {question.code: question.id for question in spec.questions}
    tenure = by_code(db, Dimension, "tenure")
    long_tenure = next(v.id for v in tenure.values if v.code == "gt5")
    farsta = _unit(db, "farsta", {tenure.id: long_tenure})
    answers = [
        {q["trivs"]: 4, q["arenden"]: 35, q["hot"]: 1, q["ovrigt"]: "Mer tid, tack"},
        {q["trivs"]: -1, q["arenden"]: 12, q["hot"]: 0},
        {q["trivs"]: 2, q["hot"]: 0},  # the number left unanswered
        {q["trivs"]: 5, q["arenden"]: 40, q["hot"]: 1},
        {q["trivs"]: 3, q["arenden"]: 0, q["hot"]: 0},
        {q["ovrigt"]: "Bara en kommentar"},  # no counted answer at all
    ]
    small = [{q["trivs"]: 1, q["arenden"]: 99, q["hot"]: 1}] * 4  # 4 < minimum 5
    store_responses(db, wave.id, spec, [NewResponse(farsta, a, date.today()) for a in answers]
                    + [NewResponse(_unit(db, "bromma"), a, date.today()) for a in small])
    db.commit()

    rows = _export(db, wave)
    header, body = rows[0], rows[1:]
    assert header == ["district", "service_area", "staff_role", "tenure", "trivs", "arenden",
                      "hot"]
    assert len(body) == len(answers)
    assert all(row[:4] == ["farsta", "ekonomiskt-bistand", "socialsekreterare", "gt5"]
               for row in body)
    assert sorted(row[4:] for row in body) == sorted([
        ["4", "35", "1"], ["na", "12", "0"], ["2", "", "0"], ["5", "40", "1"],
        ["3", "0", "0"], ["", "", ""],
    ])
    text = "\n".join(";".join(row) for row in rows)
    assert "bromma" not in text and "99" not in text
    assert "Mer tid" not in text and "kommentar" not in text
    assert date.today().isoformat() not in text


def test_every_unit_shown_when_the_minimum_allows(db):
    wave = _wave(db)
    spec = instrument_spec(db, wave.instrument_id)
    trivs = spec.questions[0].id
    store_responses(db, wave.id, spec, [
        NewResponse(_unit(db, "bromma"), {trivs: 3}, date.today()) for _ in range(3)
    ])
    db.commit()
    assert len(_export(db, wave, minimum=3)) == 4
    assert len(_export(db, wave, minimum=4)) == 1


def test_download_is_for_central_analysts(db, client, login):
    wave = _wave(db)
    db.commit()
    path = f"/survey/{wave.id}/responses.csv"
    assert client.get(path).status_code in (302, 401, 403)
    login("local")
    assert client.get(path).status_code == 403


def test_download_as_central_analyst(db, client, login):
    wave = _wave(db)
    spec = instrument_spec(db, wave.instrument_id)
    trivs = spec.questions[0].id
    store_responses(db, wave.id, spec, [
        NewResponse(_unit(db, "farsta"), {trivs: 4}, date.today()) for _ in range(5)
    ])
    db.commit()
    login("central")
    response = client.get(f"/survey/{wave.id}/responses.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffdistrict;service_area;staff_role;tenure;trivs")
    assert text.count("\nfarsta;ekonomiskt-bistand;socialsekreterare;;4;;") == 5
    assert client.get("/survey/999999/responses.csv").status_code == 404


def test_pages_link_to_the_download_only_for_those_who_may_open_it(db, client, login):
    wave = _wave(db)
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
