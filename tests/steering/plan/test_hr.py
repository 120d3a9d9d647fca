"""HR figures: the CSV import (every line checked first, ``line L, column C: reason``,
nothing written on any problem, decimal comma) and the form for one figure."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.db import get_session
from core.org.models import District, by_code
from steering.plan.hr_import import parse_hr_csv
from steering.plan.models import HrFigure

DISTRICTS = {"farsta": 1, "rinkeby-kista": 2, "farsta stadsdelsförvaltning": 1}


def english(app):
    return app.test_request_context(headers={"Accept-Language": "en"})


def parse(text: str, may_edit=lambda _id: True, encoding="utf-8"):
    return parse_hr_csv(text.encode(encoding), DISTRICTS, may_edit)


def test_a_good_file_with_decimal_commas_semicolons_and_aliases(app):
    with english(app):
        result = parse("district_code;period;indicator;value\r\n"
                       "farsta;2018H1;turnover;14,5\r\n"
                       "\r\n"
                       "Rinkeby-Kista;2018-h2;konsulter;3\r\n"
                       "farsta;2018H1;sick-leave;7.25 %\r\n")
    assert result.errors == []
    assert [(r.district_id, r.period, r.indicator, r.value) for r in result.rows] == [
        (1, "2018H1", "turnover", 14.5), (2, "2018H2", "consultants", 3.0),
        (1, "2018H1", "sick-leave", 7.25)]


def test_columns_in_any_order_quoted_comma_values_and_a_byte_order_mark(app):
    with english(app):
        result = parse('\ufeffvalue,indicator,period,district_code\n'
                       '"12,5",turnover,2017H2,farsta\n')
    assert result.errors == []
    assert result.rows[0].value == 12.5


def test_every_problem_is_reported_by_line_and_column_and_no_rows_are_kept(app):
    text = ("district_code,period,indicator,value\n"
            "farsta,2018H1,turnover,14\n"
            "solna,2018H3,salary,abc\n"
            "farsta,2018H1,sick-leave,101\n"
            "rinkeby-kista,2018H1,consultants\n"
            "farsta,2018H1,turnover,15\n"
            "farsta,2018H2,turnover,12,9\n")
    with english(app):
        result = parse(text)
    assert result.rows == []
    assert result.errors == [
        "line 3, column 1: unknown district “solna”",
        "line 3, column 2: “2018H3” is not a half-year such as 2018H1",
        "line 3, column 3: unknown indicator “salary”: use turnover, consultants or sick-leave",
        "line 3, column 4: “abc” is not a number",
        "line 4, column 4: Enter a value from 0 to 100.",
        "line 5, column 4: the value is missing",
        "line 6, column 1: the same district, period and indicator as on line 2",
        "line 7, column 5: more columns than the header has",
    ]


def test_header_and_empty_file_and_scope(app):
    with english(app):
        assert parse("district,period,metric,value\nfarsta,2018H1,turnover,1\n").errors == [
            "line 1, column 1: the first line must be the header "
            "district_code,period,indicator,value"]
        assert parse("district_code,period,indicator,value\n").errors == [
            "line 2, column 1: the file has no figures"]
        only_farsta = parse("district_code,period,indicator,value\n"
                            "rinkeby-kista,2018H1,turnover,1\n", may_edit=lambda i: i == 1)
        assert only_farsta.errors == [
            "line 2, column 1: you may not enter figures for “rinkeby-kista”"]


def test_problems_are_reported_in_swedish_by_default(app):
    with app.test_request_context():
        result = parse("district_code,period,indicator,value\nfarsta,2018H1,turnover,tolv\n")
    assert result.errors == ["rad 2, kolumn 4: ”tolv” är inte ett tal"]


def test_windows_1252_files_are_refused_with_how_to_save_them(app):
    """As every import (core.csvfile): never a guessed encoding, and nothing is kept."""
    with english(app):
        result = parse("district_code,period,indicator,value\n"
                       "farsta stadsdelsförvaltning,2018H1,sjukfrånvaro,\"6,5\"\n",
                       encoding="cp1252")
    assert result.rows == [] and result.errors == [
        "line 2, column 1: The file is not UTF-8 text: it looks like Windows-1252, as older "
        "Excel versions save CSV. Save it as “CSV UTF-8” and import it again."]


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(HrFigure))


def upload(client, text: str):
    return client.post("/action-plan/hr/import", data={
        "file": (io.BytesIO(text.encode()), "hr.csv")}, content_type="multipart/form-data")


def test_import_page_writes_all_rows_and_replaces_earlier_figures(login, db):
    client = login("central")
    assert upload(client, "district_code,period,indicator,value\n"
                          "farsta,2018H1,turnover,\"14,5\"\n"
                          "rinkeby-kista,2018H1,consultants,4\n").status_code == 302
    assert count(db) == 2
    response = upload(client, "district_code;period;indicator;value\n"
                              "farsta;2018H1;turnover;13,0\n")
    assert response.status_code == 302
    db.expire_all()
    farsta = by_code(db, District, "farsta")
    values = db.execute(select(HrFigure.value).where(HrFigure.district_id == farsta.id)).all()
    assert values == [(13.0,)]
    assert count(db) == 2


def test_import_page_with_a_bad_line_writes_nothing_and_says_where(app, login):
    # no ``db`` fixture here: its app context would keep the sign-in request's locale
    client = login("central")
    client.set_cookie("lang", "en")
    response = upload(client, "district_code,period,indicator,value\n"
                              "farsta,2018H1,turnover,14\n"
                              "farsta,2018H2,turnover,fjorton\n")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "line 3, column 4: “fjorton” is not a number" in page
    with app.app_context():
        assert count(get_session()) == 0


def test_a_local_group_imports_only_its_own_district(login, db):
    client = login("local")
    response = upload(client, "district_code,period,indicator,value\n"
                              "farsta,2018H1,turnover,14\n"
                              "rinkeby-kista,2018H1,turnover,14\n")
    assert response.status_code == 400
    assert count(db) == 0
    assert upload(client, "district_code,period,indicator,value\n"
                          "farsta,2018H1,turnover,14\n").status_code == 302
    assert count(db) == 1


@pytest.mark.parametrize(("form", "field"), [
    ({"period": "2018H3", "indicator": "turnover", "value": "12"}, "period"),
    ({"period": "2018H1", "indicator": "turnover", "value": "120"}, "value"),
    ({"period": "2018H1", "indicator": "turnover", "value": "tolv"}, "value"),
    ({"period": "2018H1", "indicator": "turnover", "value": ""}, "value"),
])
def test_figure_form_errors_are_shown_on_the_field(login, db, form, field):
    response = login("local").post("/action-plan/hr/district/farsta", data=form)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(db) == 0


def test_figure_form_saves_and_replaces_and_deletes_after_confirmation(login, db):
    client = login("local")
    for value in ("12,5", "11"):
        response = client.post("/action-plan/hr/district/farsta",
                               data={"period": "2018-h1", "indicator": "turnover",
                                     "value": value})
        assert response.status_code == 302
    figure = db.scalars(select(HrFigure)).one()
    assert (figure.period, figure.value) == ("2018H1", 11.0)
    url = f"/action-plan/hr/district/farsta/{figure.id}/delete"
    assert "confirm" in client.post(url).get_data(as_text=True)
    assert count(db) == 1
    assert client.post(url, data={"confirm": "yes"}).status_code == 302
    assert count(db) == 0


def test_another_districts_figures_are_forbidden(login, db):
    client = login("local")
    assert client.get("/action-plan/hr/district/rinkeby-kista").status_code == 403
    assert client.post("/action-plan/hr/district/rinkeby-kista",
                       data={"period": "2018H1", "indicator": "turnover",
                             "value": "3"}).status_code == 403
    assert count(db) == 0


def test_numbers_have_sane_ranges_and_cells_no_control_characters(app):
    text = ("district_code,period,indicator,value\n"
            "farsta,2018H1,consultants,1e23\n"
            "farsta,2018H2,consultants,10001\n"
            "farsta\x00,2019H1,consultants,3\n"
            "rinkeby-kista,2018H1,consultants,10000\n")
    with english(app):
        result = parse(text)
        assert result.errors == [
            "line 2, column 4: Enter a value from 0 to 10000.",
            "line 3, column 4: Enter a value from 0 to 10000.",
            "line 4, column 1: Control characters such as NUL or line breaks are not accepted "
            "(U+0000).",
        ]
        assert parse("district_code,period,indicator,value\n"
                     "rinkeby-kista,2018H1,consultants,10000\n").ok


def test_a_file_over_the_line_cap_is_refused_on_the_import_page(app, login):
    app.config["HR_IMPORT_MAX_ROWS"] = 3
    client = login("central")
    client.set_cookie("lang", "en")
    response = upload(client, "district_code,period,indicator,value\n" + "".join(
        f"farsta,{year}H1,turnover,14\n" for year in range(2010, 2015)))
    assert response.status_code == 400
    assert "line 4, column 1: the file has more than 3 lines" in response.get_data(as_text=True)
    with app.app_context():
        assert count(get_session()) == 0
