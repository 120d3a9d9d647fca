"""Caps on the organisation and its imports (``core.limits``): refused with a clear message
on the web and the command line, nothing written; the results refuse with a page that says
why when the organisation has grown past the cap some other way."""

from __future__ import annotations

import io
import time

import pytest
from sqlalchemy import func, select

from core.disclosure.engine import MAX_CELLS, RelationSystem
from core.limits import ScopeTooLarge, organisation_units, results_units
from core.org.csv_io import KINDS, import_csv
from core.org.models import ServiceArea, StaffRole

#: the seeded organisation: 14 districts (and 2 central administrations), 6 areas, 4 roles
SEEDED_UNITS = results_units(14, 6, 4)


def areas_csv(count: int, start: int = 0) -> str:
    return "code,name_sv,name_en\n" + "".join(
        f"omrade-{i},Område {i},Area {i}\n" for i in range(start, start + count))


def active(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model).where(model.active.is_(True)))


def test_the_seeded_organisation_is_within_the_defaults(app, db):
    assert organisation_units(db) == SEEDED_UNITS == 165
    assert SEEDED_UNITS < app.config["RESULTS_MAX_UNITS"]


def test_100000_service_areas_are_refused_at_once_on_the_command_line(app, db, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text(areas_csv(100_000), encoding="utf-8")
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["org", "import", "service-areas", str(path)])
    seconds = time.perf_counter() - started
    assert result.exit_code != 0
    assert ("line 102, column –: The file has more than 100 rows: at most 100 active items "
            "of one kind are allowed (the setting ORG_MAX_ITEMS).") in result.output
    assert "nothing imported" in result.output
    db.expire_all()
    assert active(db, ServiceArea) == 6
    assert seconds < 10, seconds  # not a benchmark: the refusal does not read the whole file


def test_the_command_line_refuses_a_file_over_the_byte_cap(app, db, tmp_path):
    app.config["IMPORT_MAX_BYTES"] = 1000
    path = tmp_path / "areas.csv"
    path.write_text(areas_csv(40), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["org", "import", "service-areas", str(path)])
    assert result.exit_code != 0
    assert "the file is larger than 1,000 bytes (IMPORT_MAX_BYTES)" in result.output


def test_an_import_that_grows_a_kind_past_the_cap_writes_nothing(app, db):
    app.config["ORG_MAX_ITEMS"] = 8
    result = import_csv(db, KINDS["service-areas"], areas_csv(3))  # 6 + 3 = 9
    assert [p.line for p in result.problems] == [0]
    assert "9 aktiva poster av detta slag; högst 8" in str(result.problems[0])
    db.rollback()
    assert active(db, ServiceArea) == 6
    assert import_csv(db, KINDS["service-areas"], areas_csv(2)).problems == []


def test_an_import_that_makes_results_too_large_writes_nothing(app, db):
    app.config["RESULTS_MAX_UNITS"] = SEEDED_UNITS + 15  # room for one more role
    result = import_csv(db, KINDS["roles"], "code,name_sv,name_en\nkurator,Kurator,Counsellor"
                                           "\njurist,Jurist,Lawyer\n")
    assert len(result.problems) == 1 and "RESULTS_MAX_UNITS" in str(result.problems[0])
    assert f"omfatta {SEEDED_UNITS + 30} enheter" in str(result.problems[0])
    db.rollback()
    assert active(db, StaffRole) == 4
    assert import_csv(db, KINDS["roles"], "code,name_sv,name_en\nkurator,K,C\n").problems == []
    db.flush()
    # over the cap by other means: renaming what exists still works, growing does not
    app.config["RESULTS_MAX_UNITS"] = 10
    assert import_csv(db, KINDS["roles"], "code,name_sv,name_en\nkurator,Kurator,C\n"
                      ).problems == []
    assert import_csv(db, KINDS["roles"], "code,name_sv,name_en\nnew,N,N\n").problems


def test_the_forms_refuse_to_grow_past_the_caps(app, db, login):
    admin = login("admin")
    app.config["ORG_MAX_ITEMS"] = 6
    response = admin.post("/admin/org/service-areas/new", data={
        "code": "familjeratt", "name_sv": "Familjerätt", "name_en": "Family law"},
        follow_redirects=True)
    assert "högst 6 är tillåtna" in response.get_data(as_text=True)
    assert active(db, ServiceArea) == 6
    area = db.scalar(select(ServiceArea).where(ServiceArea.code == "aldreomsorg"))
    area.active = False
    db.commit()
    assert admin.post("/admin/org/service-areas/new", data={
        "code": "familjeratt", "name_sv": "Familjerätt", "name_en": "Family law"},
    ).status_code == 302
    response = admin.post(f"/admin/org/service-areas/{area.id}/reactivate",
                          follow_redirects=True)
    assert "högst 6 är tillåtna" in response.get_data(as_text=True)
    db.expire_all()
    assert not db.get(ServiceArea, area.id).active


def test_the_web_import_reports_the_caps(app, db, login):
    app.config["ORG_MAX_ITEMS"] = 10
    response = login("admin").post("/admin/org/service-areas/import", data={
        "file": (io.BytesIO(areas_csv(11).encode()), "areas.csv")})
    page = response.get_data(as_text=True)
    assert '<td class="num">12</td><td>–</td><td>Filen har fler än 10 rader' in page


def test_the_disclosure_engine_refuses_a_system_too_large_to_hold():
    with pytest.raises(ScopeTooLarge):
        RelationSystem([0] * (MAX_CELLS + 1), [(0, [1])], 5)
