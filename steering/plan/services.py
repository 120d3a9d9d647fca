"""Writes of the action plan follow-up: sub-goals, progress notes and HR figures. Services
flush, never commit; a problem with the input is raised as :class:`PlanError` naming the
form field it belongs to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.auth.accounts import User, utcnow
from core.db import dialect_insert
from core.i18n import _
from steering.plan.indicators import (
    DIRECTIONS,
    HIGHER,
    HR,
    check_value,
    default_direction,
    half_year_end,
)
from steering.plan.models import HrFigure, ProgressNote, SubGoal
from steering.plan.queries import PlanReader, reason_text
from survey.models import Wave

NOTE_MAX_LENGTH = 2000
#: rows per upsert statement (SQLite allows a limited number of bound values)
UPSERT_CHUNK = 500


class PlanError(Exception):
    """Input that cannot be saved; ``errors`` lists (form field name, message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _field, message in errors))
        self.errors = errors


@dataclass
class SubGoalInput:
    """A sub-goal as entered. ``baseline_value`` None: take it from the data."""

    development_area_id: int
    district_id: int | None
    service_area_id: int | None
    title_sv: str
    title_en: str
    indicator_kind: str
    indicator_code: str
    baseline_value: float | None
    baseline_wave: Wave | None
    baseline_half_year: str | None
    target_value: float
    deadline: date | None  #: None only while other fields are being checked
    direction: str | None = None

    @property
    def baseline_on(self) -> date | None:
        if self.baseline_half_year:
            return half_year_end(self.baseline_half_year)
        return self.baseline_wave.closes_on if self.baseline_wave else None


def check_subgoal(data: SubGoalInput) -> list[tuple[str, str]]:
    """Problems with a sub-goal that need no database, as (field, message)."""
    errors: list[tuple[str, str]] = []
    kind, code = data.indicator_kind, data.indicator_code
    if kind == HR and data.service_area_id is not None:
        errors.append(("service_area", _("A service area can only narrow a survey "
                                         "indicator: leave it empty for an HR figure.")))
    if kind == HR and not data.baseline_half_year:
        errors.append(("baseline_period", _("Choose a half-year: HR figures are reported "
                                            "per half-year.")))
    if kind != HR and data.baseline_wave is None:
        errors.append(("baseline_period", _("Choose a survey wave: survey indicators are "
                                            "measured per wave.")))
    for name, value in (("baseline_value", data.baseline_value),
                        ("target_value", data.target_value)):
        problem = check_value(kind, code, value) if value is not None else None
        if problem:
            errors.append((name, problem))
    direction = data.direction or default_direction(kind, code)
    if direction not in DIRECTIONS:
        errors.append(("direction", _("Choose whether a higher or a lower value is better.")))
    elif data.baseline_value is not None and not any(n == "target_value" for n, _m in errors):
        if data.target_value == data.baseline_value:
            errors.append(("target_value", _("The target must differ from the baseline.")))
        elif (data.target_value > data.baseline_value) != (direction == HIGHER):
            errors.append(("target_value", _("When a higher value is better the target must "
                                             "be above the baseline.") if direction == HIGHER
                           else _("When a lower value is better the target must be below "
                                  "the baseline.")))
    baseline_on = data.baseline_on
    if baseline_on is not None and data.deadline is not None and data.deadline <= baseline_on:
        errors.append(("deadline", _("The deadline must come after the baseline period.")))
    return errors


def _fill_baseline(reader: PlanReader, data: SubGoalInput) -> list[tuple[str, str]]:
    """Take an empty baseline value from the data of the baseline period."""
    if data.baseline_value is not None:
        return []
    if data.baseline_wave is None and not data.baseline_half_year:
        return [("baseline_value", _("Enter the baseline value."))]
    reading = reader.baseline_reading(
        data.indicator_kind, data.indicator_code, data.district_id, data.service_area_id,
        wave=data.baseline_wave, half_year=data.baseline_half_year)
    if reading is None or reading.value is None:
        why = reason_text(reading.reason) if reading is not None else _("no figures")
        return [("baseline_value", _("There is no figure for the baseline period (%(why)s): "
                                     "enter the baseline value.", why=why))]
    data.baseline_value = round(reading.value, 1)
    return []


def validate_subgoal(data: SubGoalInput, reader: PlanReader) -> list[tuple[str, str]]:
    """Every problem with a sub-goal as (field, message), after taking an empty baseline
    value from the data of the baseline period. Writes nothing."""
    return _fill_baseline(reader, data) + check_subgoal(data)


def save_subgoal(db: Session, goal: SubGoal | None, data: SubGoalInput,
                 reader: PlanReader) -> SubGoal:
    """Create (``goal`` None) or update a sub-goal. Raises PlanError."""
    errors = validate_subgoal(data, reader)
    if errors:
        raise PlanError(errors)
    assert data.baseline_value is not None  # noqa: S101  (filled or refused above)
    if goal is None:
        goal = SubGoal()
        db.add(goal)
    goal.development_area_id = data.development_area_id
    goal.district_id = data.district_id
    goal.service_area_id = data.service_area_id if data.indicator_kind != HR else None
    goal.title_sv = data.title_sv.strip()
    goal.title_en = data.title_en.strip()
    goal.indicator_kind = data.indicator_kind
    goal.indicator_code = data.indicator_code
    goal.baseline_value = data.baseline_value
    goal.baseline_wave_id = data.baseline_wave.id if data.indicator_kind != HR \
        and data.baseline_wave else None
    goal.baseline_half_year = data.baseline_half_year if data.indicator_kind == HR else None
    goal.target_value = data.target_value
    goal.deadline = data.deadline
    goal.direction = data.direction or default_direction(data.indicator_kind,
                                                         data.indicator_code)
    goal.updated_at = utcnow()
    db.flush()
    db.refresh(goal)
    return goal


def delete_subgoal(db: Session, goal: SubGoal) -> None:
    db.delete(goal)
    db.flush()


def add_note(db: Session, goal: SubGoal, text: str, author: User | None,
             today: date | None = None) -> ProgressNote:
    """A dated progress note; raises PlanError for an empty or too long text."""
    text = (text or "").strip()
    if not text:
        raise PlanError([("text", _("Write what was done or seen."))])
    if len(text) > NOTE_MAX_LENGTH:
        raise PlanError([("text", _("Keep the note under %(n)d characters.",
                                    n=NOTE_MAX_LENGTH))])
    note = ProgressNote(subgoal=goal, text=text, written_on=today or date.today(),
                        author_id=author.id if author else None)
    db.add(note)
    db.flush()
    return note


def delete_note(db: Session, note: ProgressNote) -> None:
    db.delete(note)
    db.flush()


# -- HR figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class HrRow:
    district_id: int
    period: str
    indicator: str
    value: float


def store_hr_figures(db: Session, rows: Iterable[HrRow]) -> int:
    """Insert or replace HR figures (one per district, half-year and indicator) with one
    upsert statement; the rows must be validated. Returns how many were written."""
    values = [{"district_id": r.district_id, "period": r.period, "indicator": r.indicator,
               "value": float(r.value), "updated_at": utcnow()} for r in rows]
    if not values:
        return 0
    dialect = db.get_bind().dialect.name
    insert = dialect_insert(dialect)
    for start in range(0, len(values), UPSERT_CHUNK):
        stmt = insert(HrFigure).values(values[start:start + UPSERT_CHUNK])
        stmt = stmt.on_conflict_do_update(
            index_elements=["district_id", "period", "indicator"],
            set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
        )
        db.execute(stmt)
    db.flush()
    db.expire_all()
    return len(values)


def delete_hr_figure(db: Session, figure: HrFigure) -> None:
    db.execute(delete(HrFigure).where(HrFigure.id == figure.id))
    db.flush()
