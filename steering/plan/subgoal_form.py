"""The sub-goal form's choices and its translation to and from ``SubGoalInput``: districts
the user may plan for, development areas, service areas, indicators grouped by kind, and
baseline periods (closed survey waves and half-years)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from core.db import get_session
from core.i18n import _
from core.org.models import DevelopmentArea, District, ServiceArea, by_code, list_active
from steering.plan.forms import SubGoalForm
from steering.plan.indicators import HR, HR_INDICATORS, half_year_label, half_years
from steering.plan.models import SubGoal
from steering.plan.services import SubGoalInput
from steering.plan.survey_values import closed_waves, survey_indicator_choices
from survey.models import Wave

WAVE_PREFIX = "wave:"
FIRST_HALF_YEAR = 2015


def fill_choices(form: SubGoalForm, districts: list[District], whole_city: bool) -> None:
    """Set every select's choices; ``whole_city`` offers the city-wide plan."""
    db = get_session()
    choices = [SelectChoice("", _("Whole city"))] if whole_city else []
    choices += [SelectChoice(d.code, d.name) for d in districts]
    form.district.choices = choices
    form.development_area.choices = [
        SelectChoice(a.id, f"{a.number}. {a.name}") for a in list_active(db, DevelopmentArea)]
    form.service_area.choices = [SelectChoice("", _("The whole district"))] + [
        SelectChoice(str(a.id), a.name) for a in list_active(db, ServiceArea)]
    indexes, questions = survey_indicator_choices(db)
    group_index = _("Survey index (0–100)")
    group_question = _("Survey question: favourable answers (%)")
    group_hr = _("HR figure")
    form.indicator.choices = (
        [SelectChoice(f"index:{code}", label, optgroup=group_index) for code, label in indexes]
        + [SelectChoice(f"question:{code}", label, optgroup=group_question)
           for code, label in questions]
        + [SelectChoice(f"hr:{code}", str(hr.label), optgroup=group_hr)
           for code, hr in HR_INDICATORS.items()])
    group_waves = _("Survey wave")
    group_halves = _("Half-year (HR figures)")
    periods = [SelectChoice(f"{WAVE_PREFIX}{w.id}", w.name, optgroup=group_waves)
               for w in closed_waves(db)]
    periods += [SelectChoice(p, half_year_label(p), optgroup=group_halves)
                for p in reversed(half_years(FIRST_HALF_YEAR, date.today().year))]
    form.baseline_period.choices = periods


def load_into_form(form: SubGoalForm, goal: SubGoal) -> None:
    """Show a saved sub-goal in the form."""
    form.title_sv.data = goal.title_sv
    form.title_en.data = goal.title_en
    form.development_area.data = goal.development_area_id
    form.district.data = goal.district.code if goal.district else ""
    form.indicator.data = goal.indicator
    form.service_area.data = str(goal.service_area_id) if goal.service_area_id else ""
    if goal.indicator_kind == HR:
        form.baseline_period.data = goal.baseline_half_year
    elif goal.baseline_wave_id:
        form.baseline_period.data = f"{WAVE_PREFIX}{goal.baseline_wave_id}"
    form.baseline_value.data = goal.baseline_value
    form.target_value.data = goal.target_value
    form.deadline.data = goal.deadline
    form.direction.data = goal.direction


def form_input(db: Session, form: SubGoalForm) -> SubGoalInput:
    """The validated form as service input (choices guarantee the codes exist)."""
    kind, _sep, code = form.indicator.data.partition(":")
    district = by_code(db, District, form.district.data) if form.district.data else None
    period = form.baseline_period.data or ""
    wave = None
    half_year = None
    if period.startswith(WAVE_PREFIX):
        wave = db.get(Wave, int(period.removeprefix(WAVE_PREFIX)))
    else:
        half_year = period
    return SubGoalInput(
        development_area_id=form.development_area.data,
        district_id=district.id if district else None,
        service_area_id=int(form.service_area.data) if form.service_area.data else None,
        title_sv=form.title_sv.data or "",
        title_en=form.title_en.data or "",
        indicator_kind=kind,
        indicator_code=code,
        baseline_value=form.baseline_value.data,
        baseline_wave=wave,
        baseline_half_year=half_year,
        target_value=form.target_value.data,
        deadline=form.deadline.data,
        direction=form.direction.data or None,
    )


def partial_input(db: Session, form: SubGoalForm) -> SubGoalInput | None:
    """The form as service input although some field failed, when the fields that the
    checks between fields need are fine; else None."""
    needed = (form.indicator, form.baseline_period, form.target_value)
    if any(f.errors or f.data is None for f in needed):
        return None
    if form.deadline.errors:
        form.deadline.data = None
    if form.district.errors:
        form.district.data = ""
    if form.service_area.errors:
        form.service_area.data = ""
    return form_input(db, form)
