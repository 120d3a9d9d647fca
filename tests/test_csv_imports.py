"""Every import (organisation, HR figures, survey results) reads its file with
``core.csvfile``: a file that is not UTF-8 is refused by each of them with the same problem,
naming its line and column and how to save the file, and nothing is stored."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core.csvfile import CsvRefused, Problem, read_csv
from core.org.csv_io import KINDS, import_csv
from core.org.models import District
from steering.plan.hr_import import parse_hr_csv
from survey.models import Response

WINDOWS_1252 = ("line 2, column 2: The file is not UTF-8 text: it looks like Windows-1252, "
                "as older Excel versions save CSV. Save it as “CSV UTF-8” and import it again.")


def organisation(app, db, tmp_path, data: bytes) -> list[str]:
    with app.test_request_context(), force_locale("en"):
        return [str(p) for p in import_csv(db, KINDS["districts"], data).problems]


def hr_figures(app, db, tmp_path, data: bytes) -> list[str]:
    with app.test_request_context(), force_locale("en"):
        return parse_hr_csv(data, {"farsta": 1}, lambda _id: True).errors


def survey_results(app, db, tmp_path, data: bytes) -> list[str]:
    path = tmp_path / "answers.csv"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=[
        "survey", "import", str(path), "--wave", "Encoded", "--kind", "history",
        "--instrument", "encoded",
        "--opens-on", "2019-01-01", "--closes-on", "2019-01-31",
        "--question", "q1=enc-q1", "--question", "q2=enc-q2"])
    assert result.exit_code == 1
    return [line for line in result.output.splitlines() if line.startswith("line ")]


IMPORTS = {  # each import's own header, then å in the second column of line 2
    organisation: "code,name_sv,name_en\nalvsjo,Älvsjö,Alvsjo\n",
    hr_figures: "district_code,indicator,period,value\nfarsta,sjukfrånvaro,2018H1,6\n",
    survey_results: "q1,q2\n3,å\n",
}


@pytest.mark.parametrize("read", IMPORTS, ids=lambda f: f.__name__)
def test_every_import_refuses_a_windows_1252_file_the_same_way(app, db, tmp_path, read):
    districts = db.scalar(select(func.count()).select_from(District))
    assert read(app, db, tmp_path, IMPORTS[read].encode("cp1252")) == [WINDOWS_1252]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(District)) == districts
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def test_byte_order_mark_delimiters_and_where_a_problem_is(app):
    for delimiter in (",", ";", "\t"):
        text = delimiter.join(["a", "b"]) + "\r\n1" + delimiter + "2\r\n\r\n3" + delimiter + "4"
        table = read_csv(("\ufeff" + text).encode("utf-8"))
        assert (table.delimiter, table.header) == (delimiter, ["a", "b"])
        assert list(table.rows()) == [(2, ["1", "2"]), (4, ["3", "4"])]
    with app.test_request_context(), force_locale("en"):
        not_text = b"a;b\n1;2\n3;\x81\n"  # no character of Windows-1252 either
        assert str(_refusal(not_text)) == (
            "line 3, column 2: The file is not UTF-8 text. Save it as “CSV UTF-8” and "
            "import it again.")
        assert str(Problem(4, 2, "too long", "name_sv")) == "line 4, column 2 (name_sv): too long"
        assert str(Problem(1, 0, "required", "code")) == "line 1, column code: required"


def _refusal(data: bytes) -> Problem:
    with pytest.raises(CsvRefused) as refused:
        read_csv(data)
    return refused.value.problem
