"""CSV and XLSX exports: the same header and values, numbers as numbers in XLSX, hidden
figures empty with the reason in the last column, formulas defused. The CSV is written as a
spreadsheet of the reader's language opens it: from Swedish pages with semicolons and
decimal commas (read back here with ``csv`` and Babel's Swedish number parser)."""

from __future__ import annotations

import csv
import io

import pytest
from babel.numbers import parse_decimal
from openpyxl import load_workbook

from steering.results.tables import Column, Table, Value, to_csv, to_xlsx

TABLES = ["overview", "questions", "indices", "trend", "responses", "ideas"]


@pytest.mark.parametrize("table", TABLES)
def test_xlsx_opens_and_matches_csv(city, login, table):
    client = login("local")
    query = f"table={table}&district=farsta&wave={city.follow_up_id}"
    csv_response = client.get(f"/results/export?{query}&format=csv")
    xlsx_response = client.get(f"/results/export?{query}&format=xlsx")
    assert csv_response.status_code == xlsx_response.status_code == 200
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in xlsx_response.headers["Content-Disposition"]
    text = csv_response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 by its byte order mark
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(xlsx_response.data)).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(cells) == len(rows) and len(rows[0]) > 1
    for csv_row, xlsx_row in zip(rows, cells, strict=True):
        assert len(csv_row) == len(xlsx_row)
        for text, value in zip(csv_row, xlsx_row, strict=True):
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert float(parse_decimal(text, locale="sv")) == pytest.approx(value)
            else:
                assert text == ("" if value is None else str(value))


def test_a_swedish_csv_reads_back_as_columns_and_numbers(app):
    """What Excel with Swedish settings does: split on semicolons, read decimal commas."""
    table = Table("t", "T", [Column("unit", "Enhet"), Column("n", "Svar", "int"),
                             Column("index", "Index", "num"), Column("share", "Andel", "pct")])
    table.add(unit="Farsta; Älvsjö", n=1234, index=63.74, share=Value(0.5049))
    table.add(unit="Skärholmen", n=Value(None, "below_minimum"), index=-2.25, share=0.1)
    with app.test_request_context("/", headers={"Accept-Language": "sv"}):
        text = to_csv(table)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [len(r) for r in rows] == [5, 5, 5]
    assert rows[1][0] == "Farsta; Älvsjö"  # a semicolon in a text stays in its cell
    numbers = [[parse_decimal(c, locale="sv") if c else None for c in r[1:4]] for r in rows[1:]]
    assert numbers == [[1234, parse_decimal("63,7", locale="sv"),
                        parse_decimal("50,5", locale="sv")],
                       [None, parse_decimal("-2,2", locale="sv"), 10]]
    assert rows[1][2] == "63,7" and rows[2][2].startswith("-")  # a minus Excel reads


def test_english_pages_give_csv_with_commas_and_decimal_points(app):
    table = Table("t", "T", [Column("unit", "Unit"), Column("index", "Index", "num")])
    table.add(unit="Farsta, south", index=63.74)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        text = to_csv(table)
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["Unit", "Index", "Hidden figures"], ["Farsta, south", "63.7", ""]]


def test_hidden_cells_are_empty_with_a_reason(app):
    table = Table("t", "T", [Column("name", "Name"), Column("n", "Answers", "int"),
                             Column("share", "Share", "pct")])
    table.add(name="=SUM(A1)", n=Value(None, "below_minimum"), share=Value(0.25))
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        text = to_csv(table)
        book = load_workbook(io.BytesIO(to_xlsx(table))).active
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Answers", "Share (%)", "Hidden figures"]
    assert rows[1][0] == "'=SUM(A1)" and rows[1][1] == "" and rows[1][2] == "25"
    assert "Answers" in rows[1][3] and "5" in rows[1][3]
    xlsx = list(book.iter_rows(values_only=True))[1]
    assert xlsx[0] == "'=SUM(A1)" and xlsx[1] is None and xlsx[2] == 25.0


def test_unknown_table_or_format_is_404(city, login):
    client = login("central")
    assert client.get("/results/export?table=nope&format=csv").status_code == 404
    assert client.get("/results/export?table=overview&format=pdf").status_code == 404


def test_characters_a_spreadsheet_cannot_hold_are_taken_out(app):
    """Text stored before the input policy (or by a script) never stops a download."""
    table = Table("t", "T", [Column("name", "Name\x1f"), Column("n", "Answers", "int")])
    table.add(name="A\x0bB\x00C\ufffe", n=7)
    table.add(name="+\x00cmd|' /C calc'!A0", n=8)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        rows = list(load_workbook(io.BytesIO(to_xlsx(table))).active.iter_rows(values_only=True))
        text = to_csv(table)
    assert rows[0][0] == "Name" and rows[1][:2] == ("ABC", 7)
    assert rows[2][0] == "'+cmd|' /C calc'!A0"
    assert "\x0b" not in text and "\x00" not in text and "'+cmd" in text


def test_a_sub_goal_title_with_a_control_character_downloads(app, db, login):
    from tests.steering.plan.goals import make_goal

    goal = make_goal(db, district="farsta", indicator="hr:turnover", target=10, baseline=20,
                     half_year="2016H1", title="Mål")
    goal.title_sv = "A\x0bB"  # as an older version could store it
    db.commit()
    response = login("local").get("/results/export?table=goals&district=farsta&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert "AB" in [c for row in sheet.iter_rows(values_only=True) for c in row]
