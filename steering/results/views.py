"""Results pages for steering groups: overview heatmap, unit page, café page, the print
report, and every table as CSV or XLSX. Local steering groups see their districts only;
another district's URL is a 403."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from markupsafe import Markup

from core.access import CENTRAL, LOCAL, requires
from core.db import get_session
from core.i18n import _, fmt_percent
from core.org.models import ServiceArea, StaffRole, list_active
from steering import charts
from steering.results.benchmark import attach_benchmark
from steering.results.cafe_report import build_cafe_report, cafe_rounds
from steering.results.changes import benchmark_waves, report_waves
from steering.results.exports import TABLE_NAMES, build_table, send_table
from steering.results.figures import QuestionRow
from steering.results.goal_tables import goals_table
from steering.results.overview import BY_AREA, build_overview, units_over_headcount
from steering.results.reliability import minimum_respondents
from steering.results.report_tables import UNIT_TABLES, change_text
from steering.results.scope import (
    chosen_part,
    chosen_wave,
    current_user,
    district_by_code,
    sees_city,
    visible_districts,
)
from steering.results.unit_report import build_unit_report


def template_helpers() -> dict:
    """What every results template may call (registered as a context processor)."""
    return {"today": date.today(), "steering_bar": distribution_bar,
            "steering_change": change_text, "reliability_minimum": minimum_respondents()}


def distribution_bar(row: QuestionRow) -> Markup:
    """The stacked bar of a scale question's answers (lowest answer left)."""
    if row.summary is None or not row.summary.n:
        return Markup("")
    labels = list(row.question.labels) or [str(c.value) for c in row.summary.distribution]
    if len(labels) != len(row.summary.distribution):
        labels = [str(c.value) for c in row.summary.distribution]
    shares = [c.share or 0.0 for c in row.summary.distribution]
    return charts.distribution(shares, labels, _("Answers to: %(q)s", q=row.question.text),
                               fmt_percent)


def _visible_ids() -> set[int]:
    return {d.id for d in visible_districts(get_session(), current_user())}


@requires(CENTRAL, LOCAL)
def overview():
    db = get_session()
    wave = chosen_wave(db)
    context = {"waves": report_waves(db), "wave": wave, "overview": None,
               "by": request.args.get("by", BY_AREA)}
    if wave is not None:
        context["overview"] = build_overview(
            db, wave, _visible_ids(), by=context["by"], index_code=request.args.get("index"),
            with_city=sees_city(current_user()))
        context["over_headcount"] = units_over_headcount(
            db, context["overview"].results, _visible_ids())
    context["districts"] = visible_districts(db, current_user())
    return render_template("steering/overview.html", **context)


@requires(CENTRAL, LOCAL)
def unit(district_code: str):
    db = get_session()
    district = district_by_code(db, district_code)
    wave = chosen_wave(db)
    if wave is None:
        abort(404)
    area, role = chosen_part(db)
    report = build_unit_report(db, wave, district, area, role)
    attach_benchmark(db, report, request.args)
    tables = {name: make(report) for name, make in UNIT_TABLES.items()}
    return render_template(
        "steering/unit.html", report=report, tables=tables, waves=report_waves(db),
        areas=list_active(db, ServiceArea), roles=list_active(db, StaffRole),
        benchmarks=benchmark_waves(db))


@requires(CENTRAL, LOCAL)
def cafes():
    db = get_session()
    user = current_user()
    district_ids = None if sees_city(user) else _visible_ids()
    report = build_cafe_report(db, district_ids, cafe_id=request.args.get("cafe", type=int),
                               round_id=request.args.get("round", type=int),
                               area_id=request.args.get("area", type=int))
    rounds = cafe_rounds(db, report.cafe.cafe_id) if report.cafe else []
    return render_template("steering/cafes.html", report=report, rounds=rounds)


@requires(CENTRAL, LOCAL)
def print_report(district_code: str):
    """Everything a steering group meets with, on A4, in the active language."""
    db = get_session()
    district = district_by_code(db, district_code)
    wave = chosen_wave(db)
    if wave is None:
        abort(404)
    report = build_unit_report(db, wave, district, with_texts=False)
    overview = build_overview(db, wave, {district.id}, results=report.results)
    by_role = build_overview(db, wave, {district.id}, by="role", results=report.results)
    tables = {name: make(report) for name, make in UNIT_TABLES.items()}
    ideas = build_cafe_report(db, [district.id]).ideas
    return render_template("steering/print.html", report=report, overview=overview,
                           by_role=by_role, tables=tables, ideas=ideas,
                           goals=goals_table(db, district.id))


@requires(CENTRAL, LOCAL)
def export() -> Response:
    """``?table=<name>&format=csv|xlsx`` plus the page's own parameters."""
    name = request.args.get("table", "")
    fmt = request.args.get("format", "csv")
    if name not in TABLE_NAMES or fmt not in ("csv", "xlsx"):
        abort(404)
    table = build_table(get_session(), name, request.args)
    return send_table(table, fmt)
