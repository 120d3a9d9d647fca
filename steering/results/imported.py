"""Results of an imported wave (history or benchmark) at the levels it has: the whole, and
the whole split by each dimension the import mapped (agency size, gender, age band …).

An imported wave asks no district, service area or role, so its units are the values of one
dimension at a time. Each level is one scope for the disclosure gate, built exactly as a
wave's own scope (``steering.results.suppression``): the dimension's values take the place of the
districts, with "not stated" as a value of its own. Every level shares the whole's total, so
a level whose pattern would hide the whole (for its response count or for a question) shows
nothing at all for that figure: otherwise the whole, published at another level, minus the
values shown would give the hidden ones away. No cross-tabulation of two dimensions is
published. Figures are read from the counters, never from responses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.caches import worker_cache
from core.db import get_session
from core.disclosure.gate import REASON_COMPLEMENTARY
from core.i18n import _
from core.org.models import Dimension
from steering.results.data import (
    Key,
    WaveResults,
    _record,
    _version,
    city,
    scope_of,
    unit_key,
)
from steering.results.figures import (
    IndexFigure,
    QuestionRow,
    index_figure,
    question_rows,
    wave_indexes,
)
from steering.results.reliability import alpha_figures, reliability_table
from steering.results.suppression import cube_totals, scope_keys, suppress_scope
from steering.results.tables import INT, NUM, PCT, Column, Table, Value, hidden_or
from survey.catalog import wave_instrument
from survey.models import CLOSED, IMPORT_KINDS, ResponseCount, Rollup, Wave
from survey.units import decode_extra

CACHE_SIZE = 12
#: the value key of respondents who did not state the dimension
NOT_STATED = 0


@dataclass
class LevelResults(WaveResults):
    """One level of an imported wave: ``WaveResults`` whose "districts" are the values of
    ``dimension`` (none: the whole only). A pattern that hides the whole hides the level."""

    dimension: Dimension | None = None

    def question_hidden(self, question_id: int) -> dict[Key, str]:
        return _whole_or_nothing(self, super().question_hidden(question_id))


def _whole_or_nothing(results: WaveResults, hidden: dict[Key, str]) -> dict[Key, str]:
    if city() not in hidden:
        return hidden
    return {k: hidden.get(k, REASON_COMPLEMENTARY) for k in scope_keys(results.dims)}


def _level_value(extra_key: str, dimension: Dimension | None) -> int:
    if dimension is None:
        return NOT_STATED
    return decode_extra(extra_key).get(dimension.id, NOT_STATED)


def load_level(db: Session, wave: Wave, dimension: Dimension | None) -> LevelResults:
    """The imported (closed) ``wave`` at one level, with its disclosure patterns; kept per
    app while the counters stay the same. The first read records that the results have been
    shown (the wave then takes no more responses, from a file either)."""
    if wave.status(date.today()) != CLOSED:
        raise ValueError("results exist only for closed waves")
    minimum = int(current_app.config["MIN_GROUP_SIZE"])
    version = _version(db, wave.id)
    signature = ("imported", wave.id, dimension.id if dimension else None, minimum, version)
    cache = worker_cache("steering_imported", maxsize=CACHE_SIZE)
    found = cache.get(signature)
    if found is None:
        found = _read_level(db, wave, dimension, minimum)
        cache.put(signature, found)
    if not wave.results_shown:
        _record(db, wave, found, repr(version), store=False)
    return found


def _read_level(db: Session, wave: Wave, dimension: Dimension | None,
                minimum: int) -> LevelResults:
    spec = wave_instrument(db, wave)
    inner: dict[Key, int] = {}
    stmt = (select(ResponseCount.extra_key, func.sum(ResponseCount.count))
            .where(ResponseCount.wave_id == wave.id).group_by(ResponseCount.extra_key))
    for extra_key, count in db.execute(stmt):
        key = (_level_value(extra_key, dimension), 0, 0)
        inner[key] = inner.get(key, 0) + int(count)
    answers: dict[int, dict[Key, dict[int, int]]] = {}
    stmt = (select(Rollup.extra_key, Rollup.question_id, Rollup.value, func.sum(Rollup.count))
            .where(Rollup.wave_id == wave.id)
            .group_by(Rollup.extra_key, Rollup.question_id, Rollup.value))
    for extra_key, question_id, value, count in db.execute(stmt):
        by_key = answers.setdefault(question_id, {})
        for scope_key in scope_of((_level_value(extra_key, dimension), 0, 0)):
            values = by_key.setdefault(scope_key, {})
            values[value] = values.get(value, 0) + int(count)
    values = {v.id for v in dimension.values} if dimension is not None else set()
    values |= {key[0] for key, n in inner.items() if n}
    dims = (sorted(values), [0], [0])
    n = cube_totals(inner, dims)
    hidden = suppress_scope({k: v for k, v in inner.items() if v}, dims, minimum)
    results = LevelResults(wave, spec, dims, minimum, True, inner, n, answers, {}, {},
                           dimension=dimension)
    results.hidden = _whole_or_nothing(results, hidden)
    return results


@dataclass
class LevelUnit:
    key: Key
    label: str
    reason: str | None
    n: int | None
    indexes: list[IndexFigure]
    rows: list[QuestionRow]


@dataclass
class ImportedReport:
    """Everything the page, its exports and the API show of one level of an imported wave."""

    wave: Wave
    results: LevelResults
    levels: list[Dimension]
    dimension: Dimension | None
    units: list[LevelUnit] = field(default_factory=list)

    @property
    def level_label(self) -> str:
        return self.dimension.name if self.dimension else _("The whole")


def build_imported_report(db: Session, wave: Wave, dimension: Dimension | None
                          ) -> ImportedReport:
    results = load_level(db, wave, dimension)
    report = ImportedReport(wave, results, list(wave.dimensions), dimension)
    keys = [(city(), _("All respondents"))]
    if dimension is not None:
        names = {v.id: v.name for v in dimension.values}
        keys += [(unit_key(v), names.get(v) or _("Not stated")) for v in results.dims[0]]
    indexes = wave_indexes(results.spec)
    for key, label in keys:
        report.units.append(LevelUnit(
            key=key, label=label, reason=results.reason(key), n=results.count(key),
            indexes=[index_figure(results, i, key) for i in indexes],
            rows=question_rows(results, key)))
    return report



def imported_questions_table(report: ImportedReport) -> Table:
    """Per question and unit: answers, mean, the three bands with their 95 % intervals and
    the distribution (shares of the valid answers, lowest answer first)."""
    points = max((q.points or 0 for q in report.results.spec.questions), default=0)
    columns = [Column("code", _("Code")), Column("question", _("Question")),
               Column("unit", _("Group")), Column("n", _("Answers"), INT),
               Column("mean", _("Mean"), NUM)]
    for band, label in (("favourable", _("Favourable")), ("neutral", _("Neutral")),
                        ("unfavourable", _("Unfavourable"))):
        columns += [Column(band, label, PCT),
                    Column(f"{band}_low", _("%(band)s, 95%% CI low", band=label), PCT),
                    Column(f"{band}_high", _("%(band)s, 95%% CI high", band=label), PCT)]
    columns += [Column(f"share_{v}", _("Answer %(value)d", value=v), PCT)
                for v in range(1, points + 1)]
    table = Table("imported-questions", _("Questions, %(level)s, %(wave)s",
                                          level=report.level_label, wave=report.wave.name),
                  columns)
    for unit in report.units:
        for row in unit.rows:
            if not row.is_scale:
                continue
            s = row.summary
            cells: dict[str, Value] = {"n": hidden_or(row.reason, row.n),
                                       "mean": hidden_or(row.reason, s.mean if s else None)}
            for band in ("favourable", "neutral", "unfavourable"):
                figure = getattr(s, band) if s else None
                cells[band] = hidden_or(row.reason, figure.share if figure else None)
                cells[f"{band}_low"] = hidden_or(row.reason, figure.ci.low if figure else None)
                cells[f"{band}_high"] = hidden_or(row.reason,
                                                   figure.ci.high if figure else None)
            for category in (s.distribution if s else ()):
                cells[f"share_{category.value}"] = hidden_or(row.reason, category.share)
            if row.reason:
                for v in range(1, points + 1):
                    cells.setdefault(f"share_{v}", Value(None, row.reason))
            table.add(code=row.question.code, question=row.question.text, unit=unit.label,
                      **cells)
    return table


def imported_indexes_table(report: ImportedReport) -> Table:
    table = Table("imported-indices", _("Indices, %(level)s, %(wave)s",
                                        level=report.level_label, wave=report.wave.name),
                  [Column("code", _("Code")), Column("index", _("Index")),
                   Column("unit", _("Group")), Column("score", _("Index 0–100"), NUM),
                   Column("low", _("95% CI low"), NUM), Column("high", _("95% CI high"), NUM)])
    for unit in report.units:
        for figure in unit.indexes:
            score = figure.score
            r = figure.reason
            table.add(code=figure.index.code, index=figure.index.name, unit=unit.label,
                      score=hidden_or(r, score.score if score else None),
                      low=hidden_or(r, score.ci.low if score and score.ci else None),
                      high=hidden_or(r, score.ci.high if score and score.ci else None))
    return table


def imported_units_table(report: ImportedReport) -> Table:
    table = Table("imported-units", _("Respondents, %(level)s, %(wave)s",
                                      level=report.level_label, wave=report.wave.name),
                  [Column("unit", _("Group")), Column("n", _("Responses"), INT)])
    for unit in report.units:
        table.add(unit=unit.label, n=hidden_or(unit.reason, unit.n))
    return table


def imported_reliability_table(report: ImportedReport) -> Table:
    """Cronbach's alpha per index for every group of the level
    (``steering.results.reliability``)."""
    dimension = report.dimension

    def grouping(_district_id: int | None, extra_key: str) -> list:
        return [city(), unit_key(_level_value(extra_key, dimension))]

    figures = alpha_figures(get_session(), report.results,
                            [(u.key, u.label) for u in report.units], grouping,
                            ("imported", dimension.id if dimension else None))
    return reliability_table("imported-reliability", _(
        "Reliability of the indices, %(level)s, %(wave)s", level=report.level_label,
        wave=report.wave.name), figures)


IMPORTED_TABLES = {"imported-units": imported_units_table,
                   "imported-indices": imported_indexes_table,
                   "imported-reliability": imported_reliability_table,
                   "imported-questions": imported_questions_table}


def imported_waves(db: Session) -> list[Wave]:
    """Imported waves whose results exist (closed), newest first."""
    today = date.today()
    return [w for w in db.scalars(select(Wave).where(Wave.kind.in_(IMPORT_KINDS))
                                  .order_by(Wave.opens_on.desc(), Wave.name))
            if w.status(today) == CLOSED]


def may_see(wave: Wave, sees_whole_city: bool) -> bool:
    """A benchmark is a reference anyone who reads results may read; an imported history
    wave is the city's own (it has no districts): it is for those who see the whole city."""
    return wave.is_benchmark or sees_whole_city


def chosen_level(wave: Wave, code: str | None) -> Dimension | None:
    """``?by=<dimension code>`` among the wave's dimensions (None: the whole); LookupError
    for a code the wave does not have."""
    if not code:
        return None
    found = next((d for d in wave.dimensions if d.code == code), None)
    if found is None:
        raise LookupError(code)
    return found
