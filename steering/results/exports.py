"""Every results table by name, rebuilt from the request's parameters with the same scoping
and disclosure gate as its page, and sent as CSV or XLSX."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Response, abort
from sqlalchemy.orm import Session

from core.spreadsheet import csv_response
from steering.results.benchmark import attach_benchmark
from steering.results.cafe_report import ideas_table
from steering.results.goal_tables import goals_table
from steering.results.imported import IMPORTED_TABLES, build_imported_report
from steering.results.overview import build_overview
from steering.results.report_tables import UNIT_TABLES
from steering.results.scope import (
    chosen_part,
    chosen_wave,
    current_user,
    district_by_code,
    imported_level,
    imported_wave,
    sees_city,
    visible_districts,
)
from steering.results.tables import Table, to_csv, to_xlsx
from steering.results.unit_report import build_unit_report

TABLE_NAMES = ("overview", "participation", *UNIT_TABLES, "ideas", "goals", *IMPORTED_TABLES)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope_ids(db: Session) -> set[int] | None:
    """None for users who see every district (central, admin), else their district ids."""
    user = current_user()
    if sees_city(user):
        return None
    return {d.id for d in visible_districts(db, user, include_central=True)}


def build_table(db: Session, name: str, args: Mapping[str, str]) -> Table:
    """The table ``name`` for the parameters of the page it comes from."""
    if name in IMPORTED_TABLES:
        wave = imported_wave(db, _wave_id(args))
        report = build_imported_report(db, wave, imported_level(wave, args.get("by")))
        return IMPORTED_TABLES[name](report)
    if name == "overview" or (name == "participation" and not args.get("district")):
        wave = chosen_wave(db)
        if wave is None:
            abort(404)
        visible = {d.id for d in visible_districts(db, current_user())}
        built = build_overview(db, wave, visible, by=args.get("by", "area"),
                               index_code=args.get("index"), with_city=sees_city(current_user()))
        return built.table if name == "overview" else built.participation
    if name == "participation":
        district = district_by_code(db, args.get("district", ""))
        wave = chosen_wave(db)
        if wave is None:
            abort(404)
        area, role = chosen_part(db)
        return build_unit_report(db, wave, district, area, role, with_texts=False).participation
    if name in UNIT_TABLES:
        district = district_by_code(db, args.get("district", ""))
        wave = chosen_wave(db)
        if wave is None:
            abort(404)
        area, role = chosen_part(db)
        report = build_unit_report(db, wave, district, area, role, with_texts=False)
        attach_benchmark(db, report, args)
        return UNIT_TABLES[name](report)
    if name == "goals":
        if not args.get("district"):
            if not sees_city(current_user()):
                abort(403)
            return goals_table(db, None)
        return goals_table(db, district_by_code(db, args["district"]).id)
    scope = _scope_ids(db)
    if "district" in args:
        scope = {district_by_code(db, args["district"]).id}
    return ideas_table(db, scope)


def _wave_id(args: Mapping[str, str]) -> int:
    try:
        return int(args.get("wave", ""))
    except ValueError:
        abort(404)


def filename(table: Table, fmt: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", table.name).strip("-") or "table"
    return f"medarbetardialog-{stem}.{fmt}"


def send_table(table: Table, fmt: str) -> Response:
    if fmt == "csv":
        return csv_response(to_csv(table), filename(table, fmt))
    response = Response(to_xlsx(table), content_type=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(table, fmt)}"'
    return response
