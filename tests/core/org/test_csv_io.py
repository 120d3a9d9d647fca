"""CSV import of the organisation: all rows validated first, nothing written on any error,
upsert by code otherwise; the same through ``flask org import``."""

from __future__ import annotations

from sqlalchemy import func, select

from core.org.csv_io import KINDS, export_csv, import_csv
from core.org.models import (
    DevelopmentArea,
    DimensionValue,
    District,
    ServiceArea,
    StaffRole,
    by_code,
)


def snapshot(db, model) -> list[tuple]:
    rows = db.scalars(select(model).order_by(model.id))
    return [(r.code, r.name_sv, r.name_en, r.sort_order, r.active) for r in rows]


def problems_of(db, kind, text):
    return [(p.line, p.name) for p in import_csv(db, KINDS[kind], text).problems]


def test_service_areas_upsert_counts(db):
    result = import_csv(db, KINDS["service-areas"],
                        "code,name_sv,name_en\n"
                        "aldreomsorg,Äldreomsorg och hemtjänst,Elderly care and home help\n"
                        "familjeratt,Familjerätt,Family law\n")
    assert (result.created, result.updated, result.problems) == (1, 1, [])
    assert by_code(db, ServiceArea, "aldreomsorg").name_en == "Elderly care and home help"
    new = by_code(db, ServiceArea, "familjeratt")
    assert new.active and new.sort_order > by_code(db, ServiceArea, "aldreomsorg").sort_order


def test_semicolons_bom_and_quoted_multiline_cells(db):
    text = ('\ufeffcode;name_sv;name_en;sort_order\n'
            'kurator;"Kurator;\nskolkurator";School counsellor;7\n'
            'chef;Enhetschef;Unit manager;\n')
    result = import_csv(db, KINDS["roles"], text.encode("utf-8"))
    assert result.problems == [] and (result.created, result.updated) == (1, 1)
    # a line break inside a cell reads as a space, as on every page
    assert by_code(db, StaffRole, "kurator").name_sv == "Kurator; skolkurator"
    assert by_code(db, StaffRole, "kurator").sort_order == 7


def test_every_problem_is_reported_with_line_and_column_and_nothing_written(db):
    before = snapshot(db, District)
    text = ("code,name_sv,name_en,sort_order,is_central\n"
            "nacka,Nacka,Nacka,1,0\n"               # fine, but must not be written
            "Bad Code,Namn,Name,2,0\n"              # line 3: code
            "solna,,Solna,x,maybe\n"                # line 4: name_sv, sort_order, is_central
            "nacka,Nacka igen,Nacka again,3,0\n"    # line 5: duplicate code in the file
            "tyreso,Tyresö\n")                      # line 6: too few cells
    found = problems_of(db, "districts", text)
    assert found == [(3, "code"), (4, "name_sv"), (4, "sort_order"), (4, "is_central"),
                     (5, "code"), (6, "")]
    db.rollback()
    assert snapshot(db, District) == before


def test_header_problems(db):
    assert problems_of(db, "districts", "code,name_sv\nx,y\n") == [(1, "name_en")]
    assert problems_of(db, "service-areas", "code,name_sv,name_en,is_central\n") == [
        (1, "is_central")]
    assert problems_of(db, "roles", "code,name_sv,name_en\n") == [(2, "")]
    assert problems_of(db, "dimension-values", "code,name_sv,name_en\nx,y,z\n") == [
        (1, "dimension")]


def test_excels_plain_csv_in_windows_1252_is_refused_with_how_to_save_it(db):
    data = "code;name_sv;name_en\nfarsta;Farsta;Farsta\nnorra;Norrå;North\n".encode("cp1252")
    result = import_csv(db, KINDS["districts"], data)
    assert [(p.line, p.column) for p in result.problems] == [(3, 2)]
    assert "Windows-1252" in result.problems[0].message
    assert "CSV UTF-8" in result.problems[0].message
    assert by_code(db, District, "norra") is None


def test_a_file_that_is_not_text_names_the_line_and_how_to_save_it(db):
    data = "code,name_sv,name_en\nfarsta,Farsta,Farsta\nalvsjo,\x81lvsjö,x\n".encode("latin-1")
    assert problems_of(db, "districts", data) == [(3, "")]
    unicode_text = "code,name_sv,name_en\nfarsta,Farsta,Farsta\n".encode("utf-16")
    problem = import_csv(db, KINDS["districts"], unicode_text).problems[0]
    assert "CSV UTF-8" in problem.message and "Windows-1252" not in problem.message


def test_dimension_values_need_a_known_dimension(db):
    text = ("code,name_sv,name_en,dimension\n"
            "lt1,Under ett år,Under a year,tenure\n"
            "u30,Under 30,Under 30,age\n")
    assert problems_of(db, "dimension-values", text) == [(3, "dimension")]
    result = import_csv(db, KINDS["dimension-values"], text.replace("age", "gender")
                        .replace("u30", "nb"))
    assert (result.created, result.updated) == (1, 1)
    values = db.scalars(select(DimensionValue).where(DimensionValue.code == "nb"))
    assert [v.dimension.code for v in values] == ["gender"]


def test_development_area_numbers_stay_unique(db):
    clash = "code,name_sv,name_en,number\nnytt,Nytt,New,3\n"
    assert problems_of(db, "development-areas", clash) == [(2, "number")]
    swap = ("code,name_sv,name_en,number\n"
            "introduktion,Introduktion,Introduction,2\n"
            "arendemangd,Ärendemängd,Caseload,1\n"
            "nytt,Nytt område,New area,\n")
    result = import_csv(db, KINDS["development-areas"], swap)
    assert result.problems == []
    assert by_code(db, DevelopmentArea, "introduktion").number == 2
    assert by_code(db, DevelopmentArea, "nytt").number == 14


def test_export_round_trips(db):
    for kind in KINDS.values():
        before = snapshot(db, kind.model)
        result = import_csv(db, kind, export_csv(db, kind))
        assert result.problems == [] and result.created == 0
        assert snapshot(db, kind.model) == before


def test_cli_import_success_and_failure(app, db, tmp_path):
    good = tmp_path / "areas.csv"
    good.write_text("code,name_sv,name_en,sort_order\n"
                    "familjeratt,Familjerätt,Family law,9\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["org", "import", "service-areas", str(good)])
    assert result.exit_code == 0, result.output
    assert "service-areas: 1 created, 0 updated" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("code,name_sv,name_en\nsolna,Solna,Solna\n,Tom,Empty\n", encoding="utf-8")
    result = runner.invoke(args=["org", "import", "districts", str(bad)])
    assert result.exit_code != 0
    assert "line 3, column 1 (code): A code is required." in result.output
    assert "nothing imported" in result.output
    db.expire_all()
    assert by_code(db, District, "solna") is None
    assert db.scalar(select(func.count()).select_from(ServiceArea)) == 7


def test_cli_export(app):
    result = app.test_cli_runner().invoke(args=["org", "export", "districts"])
    assert result.output.splitlines()[0] == "code,name_sv,name_en,sort_order,is_central"
    assert "socialforvaltningen,Socialförvaltningen,Social Services Administration,14,1" in (
        result.output)


def test_unreadable_csv_is_a_problem_not_an_error(db):
    huge = "x" * 200_000
    text = f'code,name_sv,name_en\nfarsta,Farsta,Farsta\nsolna,"{huge}",Solna\n'
    assert problems_of(db, "districts", text) == [(3, "")]
    assert problems_of(db, "districts", b"\x89PNG\r\n\x1a\n\x00\x00") == [(1, "")]
