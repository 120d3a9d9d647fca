"""The unit report as tables (page data tables, CSV, XLSX and the API share them)."""

from __future__ import annotations

from core.db import get_session
from core.i18n import _
from steering.results.benchmark import benchmark_table, rest_of_city_table
from steering.results.changes import Change
from steering.results.data import city
from steering.results.figures import QuestionRow
from steering.results.reliability import AlphaFigure, alpha_figures, reliability_table
from steering.results.scope import current_user, sees_city
from steering.results.tables import (
    INT,
    NUM,
    PCT,
    TEXT,
    Column,
    Table,
    Value,
    direction_text,
    hidden_or,
)
from steering.results.unit_report import UnitReport


def _change_words(change: Change | None) -> str:
    """The change marker in words (never colour alone)."""
    if change is None:
        return ""
    return direction_text(change.direction, change.better, _("no clear change"))


def change_text(change: Change | None) -> str:
    """The change marker in words, naming the wave compared with when it is not the one
    most of the page is compared with."""
    text = _change_words(change)
    if change is not None and change.named:
        text += " " + _("(compared with %(wave)s)", wave=change.previous_wave)
    return text



def question_values(row: QuestionRow) -> dict[str, Value]:
    s = row.summary
    fav = row.favourable
    mean = s.mean if s else (row.moments.mean if row.moments else None)
    share = fav.share if fav else (row.yes.share if row.yes else None)
    low = fav.ci.low if fav else (row.yes.ci.low if row.yes else None)
    high = fav.ci.high if fav else (row.yes.ci.high if row.yes else None)
    cannot = s.cannot_answer_share.share if s and s.cannot_answer_share and \
        row.question.allow_cannot_answer else None
    r = row.reason
    return {"n": hidden_or(r, row.n), "mean": hidden_or(r, mean),
            "favourable": hidden_or(r, share), "low": hidden_or(r, low),
            "high": hidden_or(r, high), "cannot": hidden_or(r, cannot),
            "change": hidden_or(r, change_text(row.change))}  # type: ignore[arg-type]


def questions_table(report: UnitReport) -> Table:
    table = Table("questions", _("Questions, %(unit)s, %(wave)s", unit=report.label,
                                 wave=report.wave.name),
                  [Column("code", _("Code")), Column("question", _("Question")),
                   Column("n", _("Answers"), INT), Column("mean", _("Mean"), NUM),
                   Column("favourable", _("Favourable or yes"), PCT),
                   Column("low", _("95% CI low"), PCT), Column("high", _("95% CI high"), PCT),
                   Column("cannot", _("Cannot answer"), PCT),
                   Column("change", _("Change since the previous wave"), TEXT)])
    for row in report.rows:
        table.add(code=row.question.code, question=row.question.text, **question_values(row))
    return table


def indexes_table(report: UnitReport) -> Table:
    table = Table("indices", _("Indices, %(unit)s, %(wave)s", unit=report.label,
                               wave=report.wave.name),
                  [Column("code", _("Code")), Column("index", _("Index")),
                   Column("score", _("Index 0–100"), NUM),
                   Column("low", _("95% CI low"), NUM), Column("high", _("95% CI high"), NUM),
                   Column("n", _("Fewest answers to an item"), INT)])
    for figure in report.indexes:
        score = figure.score
        r = figure.reason
        table.add(code=figure.index.code, index=figure.index.name,
                  score=hidden_or(r, score.score if score else None),
                  low=hidden_or(r, score.ci.low if score and score.ci else None),
                  high=hidden_or(r, score.ci.high if score and score.ci else None),
                  n=hidden_or(r, score.n_min if score else None))
    return table


def trend_table(report: UnitReport) -> Table:
    codes = [f.index for f in report.indexes]
    columns = [Column("wave", _("Wave"))]
    for index in codes:
        columns += [Column(index.code, index.name, NUM),
                    Column(f"{index.code}-low", _("%(index)s, 95%% CI low", index=index.name),
                           NUM),
                    Column(f"{index.code}-high",
                           _("%(index)s, 95%% CI high", index=index.name), NUM)]
    table = Table("trend", _("Indices over the waves, %(unit)s", unit=report.label), columns)
    for row in report.trend:
        cells: dict[str, Value] = {}
        for index in codes:
            figure = row.figures.get(index.code)
            score = figure.score if figure else None
            reason = figure.reason if figure else None
            cells[index.code] = hidden_or(reason, score.score if score else None)
            cells[f"{index.code}-low"] = hidden_or(reason, score.ci.low
                                                    if score and score.ci else None)
            cells[f"{index.code}-high"] = hidden_or(reason, score.ci.high
                                                     if score and score.ci else None)
        table.add(wave=row.wave.name, **cells)
    return table


def response_table(report: UnitReport) -> Table:
    table = Table("responses", _("Responses, %(unit)s, %(wave)s", unit=report.label,
                                 wave=report.wave.name),
                  [Column("unit", _("Unit")), Column("n", _("Responses"), INT),
                   Column("headcount", _("Staff"), INT), Column("rate", _("Response rate"), PCT),
                   Column("low", _("95% CI low"), PCT), Column("high", _("95% CI high"), PCT)])
    rate = report.rate
    r = report.reason
    table.add(unit=report.label, n=hidden_or(r, report.n),
              headcount=Value(rate.headcount if rate else None),
              rate=hidden_or(r, rate.rate if rate else None),
              low=hidden_or(r, rate.ci.low if rate and rate.ci else None),
              high=hidden_or(r, rate.ci.high if rate and rate.ci else None))
    return table


def reliability_figures(report: UnitReport) -> list[AlphaFigure]:
    """Cronbach's alpha per index for the district (a whole district only) and, for those
    who see the whole city, the city."""
    units = []
    if not report.results.is_open and report.area is None and report.role is None:
        units.append((report.key, report.district.name))
        if sees_city(current_user()):
            units.append((city(), _("The whole city")))
    return alpha_figures(get_session(), report.results, units) if units else []


def reliability_unit_table(report: UnitReport) -> Table:
    return reliability_table("reliability", _("Reliability of the indices, %(unit)s, %(wave)s",
                                              unit=report.label, wave=report.wave.name),
                             reliability_figures(report))


UNIT_TABLES = {"questions": questions_table, "indices": indexes_table, "trend": trend_table,
               "responses": response_table, "reliability": reliability_unit_table,
               "benchmark": benchmark_table, "rest-of-city": rest_of_city_table}
