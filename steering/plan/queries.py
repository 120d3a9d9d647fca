"""Reads for the action plan pages: sub-goals with their latest readings and progress, HR
figures (per district, or for the whole city added up from the districts), and the
city-wide overview. Survey readings come from ``steering.plan.survey_values``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.disclosure.gate import REASON_BELOW_MINIMUM, REASON_COMPLEMENTARY
from core.i18n import _, ngettext
from core.org.models import DevelopmentArea, District, list_active
from steering.plan.indicators import (
    CONSULTANTS,
    HR,
    HR_INDICATORS,
    INDEX,
    half_year_end,
    half_year_label,
    index_name,
    is_percent,
)
from steering.plan.models import HrFigure, SubGoal
from steering.plan.progress import (
    NO_DATA,
    STATUSES,
    BarGeometry,
    Progress,
    Reading,
    bar_geometry,
    compute_progress,
)
from steering.plan.survey_values import SurveyReader, survey_indicator_choices


def reason_text(reason: str | None) -> str:
    """Why a figure is not shown, in words."""
    if reason == REASON_BELOW_MINIMUM:
        return _("fewer than %(n)d answers", n=current_app.config["MIN_GROUP_SIZE"])
    if reason == REASON_COMPLEMENTARY:
        return _("hidden to protect a small group")
    if reason:
        return _("not available")
    return _("no answers")


# -- HR figures ------------------------------------------------------------------------------

def hr_figures(db: Session, district_id: int) -> list[HrFigure]:
    """A district's HR figures, newest period first."""
    stmt = (select(HrFigure).where(HrFigure.district_id == district_id)
            .order_by(HrFigure.period.desc(), HrFigure.indicator))
    return list(db.scalars(stmt))


def hr_series(db: Session, code: str, district_id: int | None) -> list[Reading]:
    """Readings of an HR indicator per half-year, oldest first. For the whole city
    (``district_id`` None) the districts' figures of a half-year are added up (consultants)
    or averaged with equal weight (percentages), and the label says how many districts
    reported."""
    stmt = select(HrFigure.period, HrFigure.value).where(HrFigure.indicator == code)
    if district_id is not None:
        stmt = stmt.where(HrFigure.district_id == district_id)
    by_period: dict[str, list[float]] = defaultdict(list)
    for period, value in db.execute(stmt):
        by_period[period].append(value)
    readings = []
    for period in sorted(by_period):
        values = by_period[period]
        label = half_year_label(period)
        if district_id is None:
            value = sum(values) if code == CONSULTANTS else sum(values) / len(values)
            label = ngettext("%(period)s, %(num)d district", "%(period)s, %(num)d districts",
                             len(values), period=label)
        else:
            value = values[0]
        readings.append(Reading(value, half_year_end(period), label))
    return readings


# -- sub-goals with progress -----------------------------------------------------------------

@dataclass
class GoalRow:
    """A sub-goal as the pages show it."""

    goal: SubGoal
    indicator: str
    percent: bool
    baseline_period: str
    progress: Progress
    bar: BarGeometry

    @property
    def reading(self) -> Reading | None:
        return self.progress.reading


class PlanReader:
    """Readings for the sub-goals of one page (survey waves and question texts loaded once)."""

    def __init__(self, db: Session, today: date | None = None) -> None:
        self.db = db
        self.survey = SurveyReader(db, today)
        self._question_texts: dict[str, str] | None = None

    def question_text(self, code: str) -> str:
        if self._question_texts is None:
            self._question_texts = dict(survey_indicator_choices(self.db)[1])
        return self._question_texts.get(code, code)

    def indicator_label(self, kind: str, code: str) -> str:
        if kind == HR:
            return str(HR_INDICATORS[code].label)
        if kind == INDEX:
            return _("%(name)s (index 0–100)", name=index_name(code))
        return _("Favourable answers (%%): %(question)s", question=self.question_text(code))

    def series(self, goal: SubGoal) -> list[Reading]:
        """Every reading of the goal's indicator, oldest first."""
        if goal.indicator_kind == HR:
            return hr_series(self.db, goal.indicator_code, goal.district_id)
        return self.survey.series(goal.indicator_kind, goal.indicator_code, goal.district_id,
                                  goal.service_area_id)

    def latest(self, goal: SubGoal) -> Reading | None:
        if goal.indicator_kind == HR:
            readings = hr_series(self.db, goal.indicator_code, goal.district_id)
            return readings[-1] if readings else None
        return self.survey.latest(goal.indicator_kind, goal.indicator_code, goal.district_id,
                                  goal.service_area_id)

    def baseline_reading(self, kind: str, code: str, district_id: int | None,
                         area_id: int | None, wave=None, half_year: str | None = None
                         ) -> Reading | None:
        """The indicator's value in the baseline period, as the data has it."""
        if kind == HR:
            found = [r for r in hr_series(self.db, code, district_id)
                     if half_year is not None and r.on == half_year_end(half_year)]
            return found[0] if found else None
        if wave is None:
            return None
        return self.survey.reading(wave, kind, code, district_id, area_id)

    def row(self, goal: SubGoal) -> GoalRow:
        if goal.indicator_kind == HR:
            baseline_on = half_year_end(goal.baseline_half_year or "")
            baseline_period = half_year_label(goal.baseline_half_year or "")
        elif goal.baseline_wave is not None:
            baseline_on = goal.baseline_wave.closes_on
            baseline_period = goal.baseline_wave.name
        else:
            baseline_on, baseline_period = None, _("a survey wave that was deleted")
        reading = self.latest(goal)
        try:
            progress = compute_progress(
                baseline=goal.baseline_value, target=goal.target_value,
                higher_is_better=goal.higher_is_better, baseline_on=baseline_on,
                deadline=goal.deadline, reading=reading)
        except ValueError:
            progress = Progress(NO_DATA, reading=reading)
        return GoalRow(goal, self.indicator_label(goal.indicator_kind, goal.indicator_code),
                       is_percent(goal.indicator_kind, goal.indicator_code), baseline_period,
                       progress, bar_geometry(progress))


def _goals_stmt():
    return select(SubGoal).options(
        selectinload(SubGoal.development_area), selectinload(SubGoal.district),
        selectinload(SubGoal.service_area), selectinload(SubGoal.baseline_wave),
    ).order_by(SubGoal.deadline, SubGoal.id)


def goals_of(db: Session, district_id: int | None) -> list[SubGoal]:
    """The sub-goals of a district, or of the whole city (None)."""
    column = SubGoal.district_id
    where = column.is_(None) if district_id is None else column == district_id
    return list(db.scalars(_goals_stmt().where(where)))


@dataclass
class AreaGoals:
    area: DevelopmentArea
    rows: list[GoalRow] = field(default_factory=list)


def plan_of(db: Session, district_id: int | None, reader: PlanReader) -> list[AreaGoals]:
    """Every active development area (and any inactive one that still has sub-goals) with
    the sub-goals of the district or the whole city, in the action plan's order."""
    goals = goals_of(db, district_id)
    areas = {a.id: AreaGoals(a) for a in list_active(db, DevelopmentArea)}
    for goal in goals:
        areas.setdefault(goal.development_area_id, AreaGoals(goal.development_area))
        areas[goal.development_area_id].rows.append(reader.row(goal))
    return sorted(areas.values(), key=lambda a: (a.area.number, a.area.code))


@dataclass
class OverviewRow:
    """Status counts of one district's (or the whole city's) or one area's sub-goals."""

    label: str
    code: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def overview(db: Session, reader: PlanReader) -> tuple[list[OverviewRow], list[OverviewRow]]:
    """(rows per district with the whole city first, rows per development area): how many
    sub-goals are reached, on track, behind or without data."""
    by_district: dict[int | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    by_area: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for goal in db.scalars(_goals_stmt()):
        status = reader.row(goal).progress.status
        by_district[goal.district_id][status] += 1
        by_area[goal.development_area_id][status] += 1
    districts = [OverviewRow(_("Whole city"), None, by_district[None])]
    for district in list_active(db, District):
        districts.append(OverviewRow(district.name, district.code, by_district[district.id]))
    areas = [OverviewRow(f"{a.number}. {a.name}", a.code, by_area[a.id])
             for a in list_active(db, DevelopmentArea)]
    return districts, areas
