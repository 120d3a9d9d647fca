"""``flask survey import`` of the two external files with the shipped mappings: counts per
dimension value (as printed) equal counts made here with the csv module, the counters pass
``verify-rollups``, and percent favourable per APS item from the counters equals the figure
computed from the CSV. A corrupted copy is rejected with line and column and changes
nothing."""

from __future__ import annotations

import csv
import re
import shutil
import time
from collections import Counter
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from core.org.models import Dimension, DimensionValue
from survey.catalog import wave_by_name
from survey.models import Answer, Instrument, Question, Response, ResponseCount, Rollup, Wave
from survey.queries import rollup_counts
from tests.conftest import EXTERNAL_DATA

APS = EXTERNAL_DATA / "aps2020_census_sample.csv"
BFI = EXTERNAL_DATA / "bfi.csv"
APS_WAVE = "APS Employee Census 2020 (sample)"
APS_DIMENSIONS = {  # column index → (dimension code, raw value → value code)
    1: ("agency-size", {"Small (Less than 250 employees)": "small",
                        "Medium (251 to 1,000 employees)": "medium",
                        "Large (1,001 or more employees)": "large"}),
    2: ("gender", {"Female": "woman", "Male": "man"}),
    3: ("age-band", {"Under 40 years": "under-40", "40 to 54 years": "40-54",
                     "55 years or older": "55-plus"}),
}
APS_ITEMS = {4: "aps-time-pressure", 5: "aps-supervisor-communicates", 6: "aps-fair-pay",
             7: "aps-conditions"}
COUNT_LINE = re.compile(r"^  ([\w-]+)=([\w()-]+): (\d+)$", re.MULTILINE)
TABLES = (Response, Answer, Rollup, ResponseCount, Wave, Instrument, Question, Dimension,
          DimensionValue)


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["survey", *args])


def printed_counts(output: str) -> dict[tuple[str, str], int]:
    return {(dim, value): int(n) for dim, value, n in COUNT_LINE.findall(output)}


def read_csv(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def row_counts(db) -> dict[str, int]:
    db.expire_all()
    return {m.__tablename__: db.scalar(select(func.count()).select_from(m)) for m in TABLES}


def test_aps_import_counts_rollups_and_percent_favourable(app, db):
    started = time.perf_counter()
    result = run(app, "import", str(APS), "--mapping", "aps2020.toml")
    elapsed = time.perf_counter() - started
    print(result.output)
    print(f"APS import of 45,000 rows: {elapsed:.1f} s")
    assert result.exit_code == 0, result.output
    rows = read_csv(APS)
    expected = Counter()
    for column, (dimension, codes) in APS_DIMENSIONS.items():
        for row in rows:
            expected[(dimension, codes[row[column]])] += 1
    assert printed_counts(result.output) == dict(expected)
    assert "imported 45000 responses (180000 answers)" in result.output

    verify = run(app, "verify-rollups", "--wave", APS_WAVE)
    assert verify.exit_code == 0 and "counters match" in verify.output, verify.output

    wave = wave_by_name(db, APS_WAVE)
    assert (wave.ask_district, wave.ask_service_area, wave.ask_staff_role) == (
        False, False, False)
    codes = {q.id: q.code for q in wave.instrument.questions}
    from_rollups: dict[str, Counter] = {code: Counter() for code in APS_ITEMS.values()}
    for cell in rollup_counts(db, wave.id, group_by=()):
        from_rollups[codes[cell.question_id]][cell.value] += cell.count
    for column, code in APS_ITEMS.items():
        answers = [float(row[column]) for row in rows if row[column].strip()]
        direct = Fraction(sum(1 for v in answers if v in (4.0, 5.0)), len(answers))
        counted = from_rollups[code]
        favourable = Fraction(counted[4] + counted[5], sum(counted.values()))
        print(f"{code}: {float(favourable):.1%} favourable (CSV: {float(direct):.1%})")
        assert favourable == direct


def test_bfi_import_with_reverse_keys_and_missing_answers(app, db):
    result = run(app, "import", str(BFI), "--mapping", "bfi.toml", "--wave", "BFI")
    assert result.exit_code == 0, result.output
    print(result.output)
    header, *rows = list(csv.reader(open(BFI, encoding="utf-8", newline="")))
    expected = Counter()
    education = {"1.0": "some-high-school", "2.0": "high-school", "3.0": "some-college",
                 "4.0": "college", "5.0": "graduate", "": "(missing)"}
    for row in rows:
        expected[("gender", {"1": "man", "2": "woman"}[row[26]])] += 1
        expected[("education", education[row[27]])] += 1
        age = int(row[28])
        band = "under-40" if age < 40 else "40-54" if age < 55 else "55-plus"
        expected[("age-band", band)] += 1
    assert printed_counts(result.output) == dict(expected)
    answered = sum(1 for row in rows for value in row[1:26] if value.strip())
    assert f"imported 2800 responses ({answered} answers)" in result.output
    assert run(app, "verify-rollups", "--wave", "BFI").exit_code == 0

    wave = wave_by_name(db, "BFI")
    questions = {q.code: q for q in wave.instrument.questions}
    reversed_items = {code for code, q in questions.items() if q.reverse_scored}
    assert reversed_items == {f"bfi-{c}" for c in ("a1", "c4", "c5", "e1", "e2", "o2", "o5")}
    assert {q.points for q in questions.values()} == {6}
    assert wave.instrument.frozen
    # a stored value is the raw answer, as for a web answer to a reverse-scored question
    a1 = questions["bfi-a1"].id
    stored = Counter(dict(db.execute(
        select(Answer.value, func.count()).where(Answer.question_id == a1)
        .group_by(Answer.value)).all()))
    assert stored == Counter(int(float(r[1])) for r in rows if r[1].strip())


def corrupt(source, target, changes: dict[int, tuple[int, str]]) -> None:
    """Copy ``source`` with a value replaced on some lines: {line: (column, value)}."""
    with open(source, encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    for line, (column, value) in changes.items():
        lines[line - 1][column - 1] = value
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(lines)


def test_corrupted_copy_is_rejected_with_line_and_column(app, db, tmp_path):
    assert run(app, "import", str(BFI), "--mapping", "bfi.toml").exit_code == 0
    before = row_counts(db)
    bad = tmp_path / "aps_bad.csv"
    corrupt(APS, bad, {1234: (5, "9.0"), 20000: (6, "abc"), 30001: (3, "Unknown")})
    result = run(app, "import", str(bad), "--mapping", "aps2020.toml")
    assert result.exit_code == 1
    assert ("line 1234, column 5 (47a. I have unrealistic time pressures): "
            "'9.0' is outside the scale 1–5") in result.output
    assert ("line 20000, column 6 (19a. My supervisor communicates effectively): "
            "'abc' is not a number") in result.output
    assert ("line 30001, column 3 (1. What is your gender?): unknown value 'Unknown' for "
            "dimension 'gender'") in result.output
    assert "Nothing was imported." in result.output
    assert row_counts(db) == before
    assert wave_by_name(db, APS_WAVE) is None


def test_many_problems_are_summarised_and_short_lines_reported(app, db, tmp_path):
    bad = tmp_path / "bfi_bad.csv"
    corrupt(BFI, bad, {line: (2, "7.0") for line in range(2, 32)})
    with open(bad, "a", encoding="utf-8") as handle:
        handle.write("99999,1.0,2.0\n")
    before = row_counts(db)
    result = run(app, "import", str(bad), "--mapping", "bfi.toml")
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert len(problems) == 20
    assert problems[0] == "line 2, column 2 (A1): '7.0' is outside the scale 1–6"
    assert "… and 11 more problems (31 in all)" in result.output
    assert row_counts(db) == before


def test_short_line_names_its_line_and_column(app, db, tmp_path):
    bad = tmp_path / "short.csv"
    shutil.copy(BFI, bad)
    with open(bad, "a", encoding="utf-8") as handle:
        handle.write("99999,1.0,2.0\n")
    result = run(app, "import", str(bad), "--mapping", "bfi.toml")
    assert result.exit_code == 1
    assert "line 2802, column 4 (A3): the line has 3 values, the header 29" in result.output


@pytest.mark.parametrize(("extra", "message"), [
    (("--ignore", "gender"), "line 1, column 27 (gender): both mapped and ignored"),
    (("--reverse", "no-such-item"), "--reverse: no question no-such-item"),
])
def test_mapping_problems_stop_before_any_row(app, db, extra, message, tmp_path):
    before = row_counts(db)
    result = run(app, "import", str(BFI), "--mapping", "bfi.toml", *extra)
    assert result.exit_code != 0
    assert message in result.output
    assert row_counts(db) == before


def test_unmapped_column_is_reported(app, db, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("id,q1,q2\n1,3,4\n2,5,\n", encoding="utf-8")
    base = ["import", str(small), "--wave", "Small", "--instrument", "small",
            "--opens-on", "2019-01-01", "--closes-on", "2019-01-31", "--question", "q1=small-q1",
            "--kind", "history"]
    result = run(app, *base)
    assert result.exit_code == 1
    assert "line 1, column 1 (id): neither mapped nor ignored" in result.output
    assert "line 1, column 3 (q2): neither mapped nor ignored" in result.output
    dry = run(app, *base, "--ignore", "id", "--ignore", "q2", "--dry-run")
    assert dry.exit_code == 0 and "2 rows checked" in dry.output
    assert wave_by_name(db, "Small") is None
    done = run(app, *base, "--ignore", "id", "--ignore", "q2")
    assert done.exit_code == 0, done.output
    again = run(app, *base, "--ignore", "id", "--ignore", "q2")
    assert again.exit_code == 1 and "--append" in again.output
    more = run(app, *base, "--ignore", "id", "--ignore", "q2", "--append")
    assert more.exit_code == 0
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 4
    assert run(app, "verify-rollups", "--wave", "Small").exit_code == 0
    # once the wave's results have been read, it takes no more responses
    wave = wave_by_name(db, "Small")
    wave.results_shown = True
    db.commit()
    late = run(app, *base, "--ignore", "id", "--ignore", "q2", "--append")
    assert late.exit_code == 1 and "have been shown" in late.output
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Response)) == 4


def test_row_and_size_caps_refuse_a_file_and_store_nothing(app, db, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("q1\n" + "3\n" * 6, encoding="utf-8")
    base = ["import", str(small), "--wave", "Capped", "--instrument", "capped",
            "--opens-on", "2019-01-01", "--closes-on", "2019-01-31", "--question", "q1=cap-q1",
            "--kind", "history"]
    before = row_counts(db)
    app.config["SURVEY_IMPORT_MAX_ROWS"] = 5
    result = run(app, *base)
    assert result.exit_code == 1
    assert ("line 7, column –: the file has more than 5 rows (the setting "
            "SURVEY_IMPORT_MAX_ROWS)") in result.output
    app.config["SURVEY_IMPORT_MAX_ROWS"] = 6
    app.config["IMPORT_MAX_BYTES"] = 10
    result = run(app, *base)
    assert result.exit_code != 0
    assert "the file is larger than 10 bytes (IMPORT_MAX_BYTES)" in result.output
    assert row_counts(db) == before
    app.config["IMPORT_MAX_BYTES"] = 1000
    assert run(app, *base).exit_code == 0
