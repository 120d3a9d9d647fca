"""JSON shapes of the API (described in ``steering/api/openapi.yaml``). A hidden figure is
``null`` with the reason beside it (``hidden``: a code, ``hidden_text``: in words), never
the number."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.org.models import District, ServiceArea, StaffRole
from steering.results.benchmark import compare_with_rest_of_city
from steering.results.data import REASON_WAVE_OPEN
from steering.results.figures import QuestionRow
from steering.results.overview import BY_AREA, Overview
from steering.results.participation import open_band, rate_range
from steering.results.report_tables import reliability_figures
from steering.results.tables import reason_text
from steering.results.unit_report import UnitReport
from survey.models import Wave

NOT_STATED = "not-stated"


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def hidden(reason: str | None) -> dict[str, str | None]:
    return {"hidden": reason, "hidden_text": reason_text(reason) if reason else None}


def wave_json(wave: Wave) -> dict[str, Any]:
    return {"id": wave.id, "name": wave.name, "opens_on": wave.opens_on.isoformat(),
            "closes_on": wave.closes_on.isoformat(), "status": wave.status(date.today()),
            "instrument": wave.instrument.code, "instrument_version": wave.instrument.version}


def _codes(db: Session, model) -> dict[int | None, str | None]:
    codes: dict[int | None, str | None] = {row.id: row.code for row in db.scalars(select(model))}
    codes[0] = NOT_STATED
    codes[None] = None
    return codes


def overview_json(db: Session, built: Overview) -> dict[str, Any]:
    districts = _codes(db, District)
    columns = _codes(db, ServiceArea if built.by == BY_AREA else StaffRole)
    rows = []
    for d, name, cells in zip(built.row_keys, built.row_names, built.grid, strict=True):
        rows.append({"district": districts.get(d), "name": name, "cells": [
            {"column": columns.get(c), "score": None if v.hidden else _r(v.value),
             **hidden(v.reason)} for c, v in zip(built.column_keys, cells, strict=True)]})
    return {"wave": wave_json(built.wave), "by": built.by,
            "index": {"code": built.index.code, "name": built.index.name}
            if built.index else None,
            "columns": [{"code": columns.get(c), "name": n}
                        for c, n in zip(built.column_keys, built.column_names, strict=True)],
            "rows": rows}


def question_json(row: QuestionRow) -> dict[str, Any]:
    s = row.summary
    share = row.favourable or row.yes
    change = row.change
    distribution: list[dict[str, Any]] = []
    if s is not None:
        distribution = [{"value": c.value, "count": c.count, "share": _r(c.share, 4)}
                        for c in s.distribution]
    return {
        "code": row.question.code, "text": row.question.text, "type": row.question.type,
        **hidden(row.reason), "n": row.n,
        "mean": _r(s.mean if s else (row.moments.mean if row.moments else None)),
        "favourable": _r(share.share, 4) if share else None,
        "favourable_low": _r(share.ci.low, 4) if share else None,
        "favourable_high": _r(share.ci.high, 4) if share else None,
        "cannot_answer": _r(s.cannot_answer_share.share, 4)
        if s and s.cannot_answer_share and row.question.allow_cannot_answer else None,
        "distribution": distribution,
        "change": {"direction": change.direction, "better": change.better,
                   "difference": _r(change.comparison.difference),
                   "p_adjusted": _r(change.comparison.p_adjusted, 4),
                   "previous_wave": change.previous_wave} if change else None,
    }


def unit_json(report: UnitReport) -> dict[str, Any]:
    """A unit's figures; while the wave is open only its participation (``results_hidden``
    says why there is nothing else)."""
    rate = report.rate
    results = report.results
    results_hidden = REASON_WAVE_OPEN if results.is_open else None
    counted = open_band(results, report.key)
    ranged = rate_range(results, report.key)
    return {
        "wave": wave_json(report.wave),
        "results_hidden": results_hidden,
        "results_hidden_text": reason_text(results_hidden) if results_hidden else None,
        "unit": {"district": report.district.code,
                 "service_area": report.area.code if report.area else None,
                 "staff_role": report.role.code if report.role else None},
        **hidden(report.reason),
        "responses": report.n,
        "response_rate": {"rate": _r(rate.rate, 4), "headcount": rate.headcount,
                          "low": _r(rate.ci.low, 4) if rate.ci else None,
                          "high": _r(rate.ci.high, 4) if rate.ci else None}
        if rate else None,
        "participation_before": results.snapshot.isoformat() if results.snapshot else None,
        "responses_range": {"low": int(counted.low), "high": int(counted.high)}
        if counted else None,
        "response_rate_range": {"low": _r(ranged[0].low, 4), "high": _r(ranged[0].high, 4),
                                "headcount": ranged[1]} if ranged else None,
        "indices": [{"code": f.index.code, "name": f.index.name, **hidden(f.reason),
                     "score": _r(f.score.score) if f.score else None,
                     "low": _r(f.score.ci.low) if f.score and f.score.ci else None,
                     "high": _r(f.score.ci.high) if f.score and f.score.ci else None}
                    for f in report.indexes],
        "questions": [question_json(row) for row in report.rows],
        "reliability": [{"code": f.index.code, "name": f.index.name, "unit": f.label,
                         **hidden(f.reason), "alpha": _r(f.alpha, 4), "low": _r(f.low, 4),
                         "high": _r(f.high, 4), "respondents": f.n}
                        for f in reliability_figures(report)],
        "benchmark": benchmark_json(report.benchmark),
        "rest_of_city": [comparison_json(q) for q in compare_with_rest_of_city(report)],
    }


def comparison_json(q) -> dict[str, Any]:
    """One question beside a benchmark or the rest of the city."""
    return {"code": q.code, **hidden(q.reason), "favourable": _r(q.ours, 4),
            "other_favourable": _r(q.reference, 4),
            "index_difference": _r(q.comparison.difference) if q.comparison else None,
            "p_adjusted": _r(q.comparison.p_adjusted, 4) if q.comparison else None,
            "direction": q.comparison.verdict if q.comparison else None, "better": q.better}


def benchmark_json(found) -> dict[str, Any] | None:
    """The unit beside the chosen benchmark (``steering.results.benchmark``), or None."""
    if found is None:
        return None
    return {
        "wave": wave_json(found.benchmark),
        "questions": [comparison_json(q) for q in found.questions],
        "indices": [{"code": i.code, **hidden(i.reason), "score": _r(i.ours),
                     "benchmark_score": _r(i.reference)} for i in found.indexes],
    }
