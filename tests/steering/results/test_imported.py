"""Imported results as users read them: both shipped external files imported through the
CLI into a freshly upgraded database (no other step), their figures read back through the
API and the pages and compared with counts made straight from the files; a benchmark
imported into the demo city changes none of its change markers, default waves, trends or
sub-goal readings; a small group of an imported wave is not shown, by itself or by
subtraction."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from flask import Flask

from app import create_app
from core import migrate
from core.auth import accounts as auth
from core.db import get_session
from tests.conftest import EXTERNAL_DATA
from tests.core.test_migrations import empty_database
from tests.demo_site import app_for, demo_database_url, discard, session_workdir

APS = EXTERNAL_DATA / "aps2020_census_sample.csv"
BFI = EXTERNAL_DATA / "bfi.csv"
GENDER = {"Female": "Kvinna", "Male": "Man"}


def read_rows(path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def token(app: Flask, role: str = "central", districts: list[str] | None = None) -> dict:
    with app.app_context():
        db = get_session()
        user = auth.create_user(db, f"api-{role}", "correct horse battery", role, role,
                                districts or [])
        raw = auth.issue_token(db, user, "test")
        db.commit()
    return {"Authorization": f"Bearer {raw}"}


def cell(row: dict, key: str):
    value = row[key]
    return None if isinstance(value, dict) else value


def test_shipped_files_import_on_a_fresh_database_and_publish(tmp_path):
    with empty_database(tmp_path) as url:
        migrate.upgrade(url)
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x",
                          "WTF_CSRF_ENABLED": False})
        try:
            runner = app.test_cli_runner()
            for path, mapping in ((APS, "aps2020.toml"), (BFI, "bfi.toml")):
                result = runner.invoke(args=["survey", "import", str(path), "--mapping",
                                             mapping])
                assert result.exit_code == 0, result.output
                assert "(benchmark)" in result.output
            assert "created dimension gender" not in result.output  # the APS import made it
            client = app.test_client()
            client.set_cookie("lang", "en")
            headers = token(app)
            waves = {w["instrument"]: w for w in
                     client.get("/api/v1/imported", headers=headers).get_json()["waves"]}
            assert {w["kind"] for w in waves.values()} == {"benchmark"}
            # the benchmarks are no wave of the city's own
            assert client.get("/api/v1/waves", headers=headers).get_json()["waves"] == []

            aps = waves["aps2020"]
            body = client.get(f"/api/v1/imported/{aps['id']}?by=gender",
                              headers=headers).get_json()
            header, rows = read_rows(APS)
            column = header.index("19a. My supervisor communicates effectively")
            published = {r["unit"]: r for r in body["tables"]["imported-questions"]["rows"]
                         if r["code"] == "aps-supervisor-communicates"}
            for raw, label in (*GENDER.items(), (None, "All respondents")):
                answers = [float(r[column]) for r in rows
                           if r[column].strip() and (raw is None or r[2] == raw)]
                counts = Counter(answers)
                row = published[label if raw is None else {"Kvinna": "Woman",
                                                            "Man": "Man"}[label]]
                assert cell(row, "n") == len(answers)
                assert cell(row, "favourable") == pytest.approx(
                    (counts[4.0] + counts[5.0]) / len(answers), abs=5e-5)
                assert cell(row, "neutral") == pytest.approx(counts[3.0] / len(answers),
                                                             abs=5e-5)
                assert cell(row, "unfavourable") == pytest.approx(
                    (counts[1.0] + counts[2.0]) / len(answers), abs=5e-5)
                assert cell(row, "favourable_low") < cell(row, "favourable") < cell(
                    row, "favourable_high")

            # the same figures on the page and in the CSV
            with app.app_context():
                db = get_session()
                auth.create_user(db, "analyst", "correct horse battery", "central", "A", [])
                db.commit()
            client.post("/login", data={"username": "analyst",
                                        "password": "correct horse battery"})
            page = client.get(f"/results/imported/{aps['id']}?by=age-band")
            assert page.status_code == 200
            assert "My supervisor communicates effectively." in page.get_data(as_text=True)
            csv_text = client.get(f"/results/export?table=imported-questions&format=csv"
                                  f"&wave={aps['id']}&by=gender").get_data(as_text=True)
            assert "aps-supervisor-communicates" in csv_text

            bfi = waves["bfi"]
            body = client.get(f"/api/v1/imported/{bfi['id']}?by=education",
                              headers=headers).get_json()
            indices = body["tables"]["imported-indices"]["rows"]
            assert {r["code"] for r in indices} >= {"bfi-agreeableness", "bfi-openness"}
            assert all(cell(r, "score") is not None for r in indices
                       if r["unit"] == "All respondents")
            # Cronbach's alpha of the five scales as psych::alpha prints it (raw_alpha)
            alphas = {r["code"]: r for r in body["tables"]["imported-reliability"]["rows"]
                      if r["unit"] == "All respondents"}
            psych = {"bfi-agreeableness": 0.70, "bfi-conscientiousness": 0.73,
                     "bfi-extraversion": 0.76, "bfi-neuroticism": 0.81, "bfi-openness": 0.60}
            for code, printed in psych.items():
                row = alphas[code]
                assert round(cell(row, "alpha"), 2) == printed, code
                assert cell(row, "low") < cell(row, "alpha") < cell(row, "high")
                assert 2690 <= cell(row, "n") <= 2730
        finally:
            app.extensions["db_engine"].dispose()


def _demo_state(app: Flask) -> dict:
    """What the demo's steering groups read: per district the default wave, the change
    markers with the wave each compares with, the trend, and every sub-goal reading."""
    from core.org.models import District
    from steering.plan.models import SubGoal
    from steering.plan.queries import PlanReader
    from steering.results.changes import report_waves
    from steering.results.scope import chosen_wave
    from steering.results.unit_report import build_unit_report

    state: dict = {}
    with app.test_request_context("/results/"):
        db = get_session()
        wave = chosen_wave(db)
        state["default"] = wave.name
        state["waves"] = [w.name for w in report_waves(db)]
        for district in db.query(District).filter_by(is_central=False).all():
            report = build_unit_report(db, wave, district, with_texts=False)
            state[district.code] = (
                sorted((r.question.code, r.change.direction, r.change.previous_wave)
                       for r in report.rows if r.change),
                [(t.wave.name, sorted(t.figures)) for t in report.trend])
        reader = PlanReader(db)
        state["goals"] = sorted((g.id, repr(reader.series(g)), repr(reader.row(g).progress))
                                for g in db.query(SubGoal).all())
        assert state["goals"]
    return state


def test_a_benchmark_changes_nothing_the_demo_city_reads(tmp_path_factory, tmp_path):
    url = demo_database_url(session_workdir(tmp_path_factory), "imports-benchmark")
    app = app_for(url, WTF_CSRF_ENABLED=False)
    try:
        before = _demo_state(app)
        assert sum(len(v[0]) for k, v in before.items() if isinstance(v, tuple)) > 0
        # a slice of the APS census (the mapping puts an item on the workload index)
        header, rows = read_rows(APS)
        sample = tmp_path / "aps-sample.csv"
        with open(sample, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rows[:3000]])
        result = app.test_cli_runner().invoke(args=[
            "survey", "import", str(sample), "--mapping", "aps2020.toml",
            "--opens-on", "2031-01-01", "--closes-on", "2031-01-31"])
        assert result.exit_code == 0, result.output
        assert _demo_state(app) == before
    finally:
        app.extensions["db_engine"].dispose()
        discard(url)


def test_a_small_group_of_an_imported_wave_is_hidden_with_its_complement(app, tmp_path):
    """Three men among 40 respondents: neither the men's figures nor the women's (the whole
    minus the women would give the men) are shown, on the page data or in the API."""
    path = tmp_path / "small.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kön", "fråga"])
        writer.writerows([["k", str(1 + i % 5)] for i in range(37)] + [["m", "5"]] * 3)
    mapping = tmp_path / "small.toml"
    mapping.write_text('''
[wave]
name = "Referens"
kind = "history"
opens_on = 2015-01-01
closes_on = 2015-02-01
[instrument]
code = "ref"
title_sv = "Referens"
[[dimension]]
column = "kön"
code = "gender"
values = { k = "woman", m = "man" }
[[question]]
column = "fråga"
code = "ref-q"
type = "agreement"
points = 5
''', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["survey", "import", str(path), "--mapping",
                                                str(mapping)])
    assert result.exit_code == 0, result.output
    headers = token(app)
    client = app.test_client()
    client.set_cookie("lang", "en")
    [wave] = client.get("/api/v1/imported", headers=headers).get_json()["waves"]
    assert wave["kind"] == "history"
    body = client.get(f"/api/v1/imported/{wave['id']}?by=gender", headers=headers).get_json()
    units = {r["unit"]: r for r in body["tables"]["imported-units"]["rows"]}
    assert cell(units["All respondents"], "n") == 40
    assert cell(units["Man"], "n") is None and cell(units["Woman"], "n") is None
    for row in body["tables"]["imported-questions"]["rows"]:
        if row["unit"] in ("Man", "Woman"):
            assert all(cell(row, k) is None for k in ("n", "favourable", "share_5"))
    # history is the city's own: a local steering group does not read it
    local = token(app, "local", ["farsta"])
    assert client.get(f"/api/v1/imported/{wave['id']}", headers=local).status_code == 403
    assert client.get("/api/v1/imported", headers=local).get_json()["waves"] == []


def test_a_district_beside_a_benchmark_of_the_same_questionnaire(app, city, users, tmp_path):
    """Another municipality's results of the same questionnaire, imported as a benchmark:
    Rinkeby-Kista's questions are set beside it with the change markers' rules, only where
    the benchmark asks the same question; the wave list and default are untouched. The
    district is also set beside the rest of the city."""
    path = tmp_path / "other-city.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["q1", "q2"])
        writer.writerows([["5", "4"]] * 150 + [["4", "5"]] * 50)
    mapping = tmp_path / "other-city.toml"
    mapping.write_text('''
[wave]
name = "Grannkommunen 2018"
kind = "benchmark"
opens_on = 2030-03-01
closes_on = 2030-03-31
[instrument]
code = "steering-test"
[[question]]
column = "q1"
code = "q1"
[[question]]
column = "q2"
code = "q2"
''', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["survey", "import", str(path), "--mapping",
                                                str(mapping)])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    client.set_cookie("lang", "en")
    headers = token(app)
    waves = client.get("/api/v1/waves", headers=headers).get_json()["waves"]
    assert "Grannkommunen 2018" not in [w["name"] for w in waves]
    [benchmark] = client.get("/api/v1/imported", headers=headers).get_json()["waves"]
    url = f"/api/v1/waves/{city.follow_up_id}/results/rinkeby-kista"
    body = client.get(f"{url}?benchmark={benchmark['id']}", headers=headers).get_json()
    compared = {q["code"]: q for q in body["benchmark"]["questions"]}
    assert set(compared) == {"q1", "q2"}  # q3 is not in the benchmark
    q1 = compared["q1"]
    assert q1["other_favourable"] == 1.0
    assert q1["direction"] == "down" and q1["better"] is False
    assert q1["index_difference"] < -5
    # and beside the rest of the city (Farsta and Bromma), as a whole district
    rest = {q["code"]: q for q in body["rest_of_city"]}
    assert rest["q1"]["direction"] == "down" and rest["q1"]["favourable"] < rest["q1"][
        "other_favourable"]
    assert client.get(f"{url}?area=barn-och-unga", headers=headers).get_json()[
        "rest_of_city"] == []
    [index] = body["benchmark"]["indices"]
    assert index["score"] < index["benchmark_score"]
    assert client.get(f"{url}?benchmark={city.baseline_id}", headers=headers).status_code == 404
    # the same on the page, for a local steering group of another district: its own
    client.post("/login", data={"username": "central", "password": "correct horse battery"})
    page = client.get(f"/results/unit/rinkeby-kista?wave={city.follow_up_id}"
                      f"&benchmark={benchmark['id']}").get_data(as_text=True)
    assert 'id="benchmark-table"' in page and "lower (worse)" in page
    assert 'id="rest-of-city-table"' in page
