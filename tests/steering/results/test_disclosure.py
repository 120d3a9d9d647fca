"""The disclosure gate on every way out: a unit with 3 answers shows no figure on the page,
in CSV, XLSX or JSON; complementary suppression shows in the heatmap; free text needs the
larger group; an open wave does not show small response counts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from core.auth import accounts as auth
from core.db import get_session
from tests.steering.results.survey_data import Survey, ids


def en(client):
    client.set_cookie("lang", "en")
    return client


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_unit_page_with_three_answers_shows_no_figures(city, login):
    client = en(login("central"))
    page = client.get(f"/results/unit/bromma?wave={city.follow_up_id}").get_data(as_text=True)
    assert "No figures are shown for this unit" in page
    assert "fewer than 5 answers" in page
    assert 'id="question-table"' not in page and "Bromma har det bra" not in page
    for area in ("aldreomsorg",):
        part = client.get(f"/results/unit/bromma?area={area}").get_data(as_text=True)
        assert "No figures are shown for this unit" in part


def test_exports_of_a_small_unit_carry_no_numbers(city, login):
    client = en(login("central"))
    base = f"/results/export?district=bromma&wave={city.follow_up_id}"
    for table in ("questions", "indices", "responses", "trend"):
        rows = csv_rows(client.get(f"{base}&table={table}&format=csv"))
        header, body = rows[0], rows[1:]
        numeric = [i for i, name in enumerate(header[:-1]) if name not in
                   ("Code", "Question", "Index", "Unit", "Wave", "Staff")]
        for row in body:
            assert all(row[i] == "" for i in numeric), (table, row)
            assert "fewer than 5 answers" in row[-1]
        book = load_workbook(io.BytesIO(client.get(f"{base}&table={table}&format=xlsx").data))
        sheet = book.active
        for row in sheet.iter_rows(min_row=2, values_only=True):
            assert all(row[i] is None for i in numeric), (table, row)


def test_api_gives_nulls_for_a_small_unit(app, city, users):
    with app.app_context():
        db = get_session()
        token = auth.issue_token(db, db.get(auth.User, users["central"]))
        db.commit()
    data = app.test_client().get(
        f"/api/v1/waves/{city.follow_up_id}/results/bromma",
        headers={"Authorization": f"Bearer {token}"}).get_json()
    assert data["hidden"] == "below_minimum" and data["responses"] is None
    assert data["response_rate"] is None
    assert all(i["score"] is None and i["hidden"] for i in data["indices"])
    for q in data["questions"]:
        assert q["n"] is None and q["mean"] is None and q["favourable"] is None
        assert q["distribution"] == [] and q["hidden"] == "below_minimum"


def test_heatmap_shows_complementary_suppression(city, login):
    client = en(login("central"))
    page = client.get(f"/results/?wave={city.follow_up_id}").get_data(as_text=True)
    assert "fewer than 5 answers" in page
    assert "hidden to protect a small group" in page
    rows = csv_rows(client.get(f"/results/export?table=overview&format=csv"
                               f"&wave={city.follow_up_id}"))
    farsta = next(r for r in rows if r[0] == "Farsta")
    hidden = farsta[-1]
    assert "Social psychiatry: fewer than 5 answers" in hidden
    assert "hidden to protect a small group" in hidden
    assert sum(1 for cell in farsta[1:-1] if cell == "") >= 2


def test_free_text_only_for_large_enough_units(city, login):
    client = en(login("local"))
    page = client.get(f"/results/unit/farsta?wave={city.follow_up_id}"
                      "&area=ekonomiskt-bistand").get_data(as_text=True)
    assert "Mer handledning" in page and "[telefon]" in page and "070-123" not in page
    assert 'class="chart cloud"' in page and "<style" not in page
    small = client.get("/results/unit/farsta?area=socialpsykiatri").get_data(as_text=True)
    assert "Mer handledning" not in small
    role = client.get("/results/unit/farsta?role=socialsekreterare").get_data(as_text=True)
    assert "Mer handledning" not in role


def test_open_wave_hides_small_response_counts(app, city, login):
    today = date.today()
    with app.app_context():
        db = get_session()
        survey = Survey(db, city.instrument_id)
        wave = survey.wave("Pågående", today - timedelta(days=1), today + timedelta(days=5))
        survey.add(wave, ids(db, "farsta", "ekonomiskt-bistand", "socialsekreterare"), 3)
        db.commit()
        wave_id = wave.id
    client = en(login("central"))
    farsta = client.get(f"/results/unit/farsta?wave={wave_id}").get_data(as_text=True)
    assert "fewer than 5 answers" in farsta and "This wave is open until" in farsta
    empty = client.get(f"/results/unit/rinkeby-kista?wave={wave_id}").get_data(as_text=True)
    # nobody and three people look the same: the first answer in a unit shows nowhere
    assert "fewer than 5 answers" in empty
    assert 'id="question-table"' not in farsta + empty
    overview = client.get(f"/results/?wave={wave_id}").get_data(as_text=True)
    assert "This wave is open until" in overview and 'id="participation-table"' in overview
