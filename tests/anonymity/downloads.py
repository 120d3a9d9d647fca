"""Everything one role can download about one wave, and what a reader knows from it.

``collect`` fetches, as that role: the JSON API for every unit (each district, each of its
service areas and staff roles) and the overview by area and by role for every index; the
CSV and XLSX exports of the tables; the unit pages and the print report; and, for central
users, the raw responses CSV. ``check_outputs_agree`` asserts that no page or file shows a
figure the API hides, or a different one: the API is then all a reader learns from the
pages and files. ``knowledge`` turns the API answers, the participation table and the raw
CSV into the facts an attacker starts from (``tests.anonymity.attacker``)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from openpyxl import load_workbook
from sqlalchemy import select

from core.db import get_session
from core.disclosure.gate import TOTAL
from core.org.models import District, ServiceArea, StaffRole
from survey.catalog import wave_instrument
from survey.models import Wave

TABLES = ("questions", "indices", "responses", "participation")
#: tables whose XLSX is compared with the CSV too (the same rows are written either way)
XLSX_CHECKED = ("questions",)


@dataclass
class Downloads:
    """Raw answers of the server, by what was asked."""

    wave_id: int
    api: dict[tuple, dict] = field(default_factory=dict)  #: (district, area, role) codes
    overview: dict[tuple, dict] = field(default_factory=dict)  #: (by, index code)
    files: dict[tuple, bytes] = field(default_factory=dict)  #: (table, fmt, unit codes)
    pages: dict[tuple, str] = field(default_factory=dict)  #: ("unit"|"print", unit codes)
    raw_csv: str | None = None
    requests: int = 0


def _unit_query(area: str | None, role: str | None) -> str:
    return f"&area={area}" if area else (f"&role={role}" if role else "")


def collect(app, client, token: str, wave_id: int, *, units: list[tuple] | None = None,
            files_for=None, raw: bool = True) -> Downloads:
    """Download what the signed-in ``client`` (and its API ``token``) may see of the wave.
    ``units`` limits the units (district, area, role codes; default every unit the API
    lists); ``files_for`` (a test on a unit) limits the units whose pages and files are
    fetched (default all)."""
    got = Downloads(wave_id)
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str, **kwargs):
        got.requests += 1
        return client.get(path, **kwargs)

    listing = get("/api/v1/units", headers=headers).get_json()
    if units is None:
        districts = [d["code"] for d in listing["districts"]]
        areas = [a["code"] for a in listing["service_areas"]]
        roles = [r["code"] for r in listing["staff_roles"]]
        units = [(d, None, None) for d in districts]
        units += [(d, a, None) for d in districts for a in areas]
        units += [(d, None, r) for d in districts for r in roles]
    for unit in units:
        d, a, r = unit
        response = get(f"/api/v1/waves/{wave_id}/results/{d}?x=1{_unit_query(a, r)}",
                       headers=headers)
        assert response.status_code == 200, (unit, response.status_code)
        got.api[unit] = response.get_json()
    first = got.api[units[0]] if units else None
    indices = [i["code"] for i in first["indices"]] if first else []
    for by in ("area", "role"):
        for index in indices or [None]:
            query = f"?by={by}" + (f"&index={index}" if index else "")
            got.overview[(by, index)] = get(
                f"/api/v1/waves/{wave_id}/overview{query}", headers=headers).get_json()
    got.files[("overview", "csv", None)] = get(
        f"/results/export?table=overview&format=csv&wave={wave_id}").data
    got.files[("participation", "csv", None)] = get(
        f"/results/export?table=participation&format=csv&wave={wave_id}").data
    got.pages[("overview", None)] = get(f"/results/?wave={wave_id}").get_data(as_text=True)
    for unit in units if files_for is None else [u for u in units if files_for(u)]:
        d, a, r = unit
        params = f"wave={wave_id}&district={d}{_unit_query(a, r)}"
        for table in TABLES:
            for fmt in ("csv", "xlsx") if table in XLSX_CHECKED else ("csv",):
                got.files[(table, fmt, unit)] = get(
                    f"/results/export?table={table}&format={fmt}&{params}").data
        got.pages[("unit", unit)] = get(
            f"/results/unit/{d}?wave={wave_id}{_unit_query(a, r)}").get_data(as_text=True)
        if a is None and r is None:
            got.pages[("print", unit)] = get(
                f"/results/report/{d}?wave={wave_id}").get_data(as_text=True)
    if raw:
        response = get(f"/survey/{wave_id}/responses.csv")
        if response.status_code == 200:
            got.raw_csv = response.get_data(as_text=True).lstrip("\ufeff")
    return got


# --- every output agrees with the API -------------------------------------------------------

class _TableRows(HTMLParser):
    """Rows (lists of cell texts) of the table with ``id``; hidden cells read "HIDDEN"."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.depth, self.rows = table_id, 0, []
        self._cell: list[str] | None = None
        self._hidden = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == self.table_id:
            self.depth = 1
        elif self.depth:
            if tag == "table":
                self.depth += 1
            elif tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th") and self.rows:
                self._cell, self._hidden = [], False
            elif tag == "span" and "suppressed" in (attrs.get("class") or ""):
                self._hidden = True

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            self.rows[-1].append("HIDDEN" if self._hidden else text)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(html: str, table_id: str) -> list[list[str]]:
    parser = _TableRows(table_id)
    parser.feed(html)
    return [row for row in parser.rows if row]


def _number(text: str) -> float | None:
    """A number as the pages write it (Swedish or English, spaces, %), or None."""
    cleaned = text.replace("\u00a0", "").replace("\u2009", "").replace(" ", "")
    cleaned = cleaned.replace("\u2212", "-").replace(",", ".").rstrip("%")
    try:
        return float(cleaned)
    except ValueError:
        return None


def csv_rows(data: bytes) -> list[list[str]]:
    """A results CSV as a spreadsheet reads it: semicolons from Swedish pages, commas from
    English ones."""
    text = data.decode("utf-8-sig")
    delimiter = csv.Sniffer().sniff(text.partition("\n")[0], delimiters=";,").delimiter
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def xlsx_rows(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def check_outputs_agree(got: Downloads) -> int:
    """Assert that files and pages show a figure only where the API shows it, and the same
    one; returns how many figures were compared."""
    compared = 0
    for (table, fmt, unit), data in got.files.items():
        if unit is None or fmt != "csv":
            continue
        api = got.api[unit]
        rows = csv_rows(data)
        if (table, "xlsx", unit) in got.files:
            xlsx = xlsx_rows(got.files[(table, "xlsx", unit)])
            assert len(xlsx) == len(rows), (table, unit)
            for row, sheet_row in zip(rows[1:], xlsx[1:], strict=True):
                for cell, sheet_cell in zip(row, sheet_row, strict=True):
                    assert (cell == "") == (sheet_cell is None), (table, unit, row, sheet_row)
        if table == "questions":
            by_code = {q["code"]: q for q in api["questions"]}
            for row in rows[1:]:
                question = by_code[row[0]]
                if question["n"] is None:
                    assert all(c == "" for c in row[2:9]), (unit, row)
                else:
                    assert int(row[2]) == question["n"], (unit, row)
                compared += 1
        elif table in ("responses", "participation"):
            for row in rows[1:2]:
                shown = row[1]
                if table == "responses":
                    assert (shown == "") == (api["responses"] is None), (unit, row)
                    if shown:
                        assert int(shown) == api["responses"]
                compared += 1
        elif table == "indices":
            by_code = {i["code"]: i for i in api["indices"]}
            for row in rows[1:]:
                index = by_code[row[0]]
                if index["score"] is None:
                    assert row[2] == "", (unit, row)
                else:
                    assert abs(_number(row[2]) - index["score"]) <= 0.06, (unit, row)
                compared += 1
    for (kind, unit), html in got.pages.items():
        if kind == "overview":
            continue
        api = got.api[unit]
        rows = page_rows(html, "question-table")[1:]
        if api["results_hidden"] or api["hidden"]:
            assert not rows, (kind, unit)
            continue
        shown = [q for q in api["questions"]]
        assert len(rows) == len(shown), (kind, unit)
        for row, question in zip(rows, shown, strict=True):
            if question["n"] is None:
                assert row[1] == "HIDDEN", (kind, unit, row)
            else:
                assert _number(row[1]) == question["n"], (kind, unit, row)
            compared += 1
    rows = csv_rows(got.files[("overview", "csv", None)])
    api_rows = got.overview[("area", next(iter(k[1] for k in got.overview)))]["rows"]
    for row, api_row in zip(rows[1:], api_rows, strict=True):
        for cell, api_cell in zip(row[1:-1], api_row["cells"], strict=True):
            assert (cell == "") == (api_cell["score"] is None), (row, api_cell)
            compared += 1
    return compared


# --- what a reader knows --------------------------------------------------------------------

@dataclass
class Figures:
    """One unit's published figures of one question."""

    valid: int
    counts: dict[int, int] | None  #: answer value -> count, when the distribution is shown
    cannot: int | None  #: "cannot answer" count, when shown
    total: float | None = None  #: sum of numeric answers (mean x n)


@dataclass
class Knowledge:
    """The facts a reader starts from, by scope key (district, area, role ids; TOTAL)."""

    minimum: int
    dims: tuple[list[int], list[int], list[int]]
    units: dict[tuple, int | str]  #: published count, or the reason it is hidden
    questions: dict[int, dict[tuple, Figures | str]]
    types: dict[int, str]
    values: dict[int, list[int]]
    allows_cannot: dict[int, bool]
    staff: dict[tuple, int]
    raw_groups: dict[tuple, dict] = field(default_factory=dict)


def _ids(db) -> dict[str, dict[str, int]]:
    return {name: {code: i for i, code in db.execute(select(model.id, model.code))}
            for name, model in (("d", District), ("a", ServiceArea), ("r", StaffRole))}


def knowledge(app, got: Downloads, dims, minimum: int) -> Knowledge:
    """What the downloads tell: the API's figures per unit (a reason where hidden), the city
    and district counts of the participation table, headcounts, and the raw CSV's rows
    summed by their (possibly blanked) district, service area and role."""
    with app.app_context():
        db = get_session()
        ids = _ids(db)
        spec = wave_instrument(db, db.get(Wave, got.wave_id))
        questions = {q.code: q for q in spec.questions if q.type != "text"}
    know = Knowledge(minimum, dims, {}, {q.id: {} for q in questions.values()},
                     {q.id: q.type for q in questions.values()},
                     {q.id: _scale_values(q) for q in questions.values()},
                     {q.id: q.allow_cannot_answer for q in questions.values()}, {})
    for (d, a, r), data in got.api.items():
        key = (ids["d"][d], ids["a"][a] if a else TOTAL, ids["r"][r] if r else TOTAL)
        know.units[key] = data["responses"] if data["responses"] is not None else data["hidden"]
        if data["response_rate"]:
            know.staff[key] = data["response_rate"]["headcount"]
        for q in data["questions"]:
            question = questions[q["code"]]
            know.questions[question.id][key] = _figures(question, q)
    participation = csv_rows(got.files[("participation", "csv", None)])
    for row in participation[1:]:
        if row[0] in ("Hela staden", "Whole city") and row[1]:
            know.units[(TOTAL, TOTAL, TOTAL)] = int(row[1])
    if got.raw_csv:
        know.raw_groups = _raw_groups(got.raw_csv, ids, questions)
    return know


def grant_city_cells(know: Knowledge, truth) -> None:
    """The city and each service area or staff role across the city are published as index
    scores (the overview), not as counts. Give the reader their full counts wherever the
    gate publishes them: a stronger reader than any download makes."""
    districts, areas, roles = know.dims
    keys = [(TOTAL, TOTAL, TOTAL)] + [(TOTAL, a, TOTAL) for a in areas] + \
        [(TOTAL, TOTAL, r) for r in roles]
    for key in keys:
        know.units[key] = truth.unit_reasons.get(key, truth.n.get(key, 0))
        for q, cells in know.questions.items():
            reason = truth.unit_reasons.get(key) or truth.question_reasons[q].get(key)
            if reason:
                cells[key] = reason
                continue
            counts = truth.answers.get(q, {}).get(key, {})
            valid = {v: c for v, c in counts.items() if v != -1}
            number = know.types[q] == "number"
            cells[key] = Figures(sum(valid.values()), None if number else valid,
                                 counts.get(-1, 0) if know.allows_cannot[q] else None,
                                 float(sum(v * c for v, c in valid.items())) if number else None)


def _scale_values(question) -> list[int]:
    if question.type == "agreement":
        return list(range(1, (question.points or 5) + 1))
    if question.type == "scale10":
        return list(range(0, 11))
    if question.type == "yesno":
        return [0, 1]
    if question.type == "choice":
        return [o.value for o in question.options]
    return []


def _figures(question, data: dict) -> Figures | str:
    if data["n"] is None:
        return data["hidden"]
    n = data["n"]
    counts = None
    if data["distribution"]:
        counts = {d["value"]: d["count"] for d in data["distribution"]}
    elif question.type == "yesno" and data["favourable"] is not None:
        yes = round(data["favourable"] * n)
        counts = {1: yes, 0: n - yes}
    cannot = None
    if data["cannot_answer"] is not None:
        share = data["cannot_answer"]
        cannot = round(share * n / (1 - share)) if share < 1 else None
    total = data["mean"] * n if question.type == "number" and data["mean"] is not None \
        else None
    return Figures(n, counts, cannot, total)


def _raw_groups(text: str, ids, questions) -> dict[tuple, dict]:
    """The raw CSV's rows summed per shown (district, area, role): their count and, per
    question, the count of every value, of "cannot answer" and the sum of numbers."""
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    unit_columns = {"district": "d", "service_area": "a", "staff_role": "r"}
    groups: dict[tuple, dict] = {}
    for row in reader:
        cells = dict(zip(header, row, strict=True))
        unit = []
        for column, kind in unit_columns.items():
            value = cells.get(column, "")
            unit.append("*" if value == "*" else (ids[kind][value] if value else 0))
        group = groups.setdefault(tuple(unit), {"n": 0, "q": defaultdict(
            lambda: {"counts": defaultdict(int), "cannot": 0, "total": 0.0})})
        group["n"] += 1
        for code, question in questions.items():
            value = cells.get(code, "")
            if value == "":
                continue
            entry = group["q"][question.id]
            if value == "*":
                entry["hidden"] = True
            elif value == "na":
                entry["cannot"] += 1
            else:
                entry["counts"][int(value)] += 1
                entry["total"] += int(value)
    return groups
