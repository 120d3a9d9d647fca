"""Action plan follow-up: measurable sub-goals per development area and district, the HR
figures some of them are measured by, and the steering groups' progress notes.

A sub-goal with no district is a goal for the whole city. Its owner follows from the
district: a district's local steering group, or the central steering group for a central
administration and for the whole city (``SubGoal.owner_is_central``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.accounts import User, utcnow
from core.db import Base
from core.i18n import localized
from core.org.models import DevelopmentArea, District, ServiceArea
from survey.models import Wave


class SubGoal(Base):
    """A measurable sub-goal: an indicator, where it starts (baseline value and period),
    where it should get (target) by when (deadline), and which way is better."""

    __tablename__ = "steering_subgoal"
    __table_args__ = (
        CheckConstraint("direction IN ('higher', 'lower')", name="direction_known"),
        CheckConstraint("indicator_kind IN ('index', 'question', 'hr')", name="kind_known"),
        CheckConstraint("target_value <> baseline_value", name="target_not_baseline"),
        CheckConstraint(
            "(indicator_kind = 'hr' AND baseline_half_year IS NOT NULL "
            "AND baseline_wave_id IS NULL) OR "
            "(indicator_kind <> 'hr' AND baseline_half_year IS NULL)",
            name="baseline_period_fits_kind",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    development_area_id: Mapped[int] = mapped_column(
        ForeignKey("development_area.id", ondelete="RESTRICT"), index=True)
    #: None: the whole city
    district_id: Mapped[int | None] = mapped_column(
        ForeignKey("district.id", ondelete="CASCADE"), index=True)
    #: survey indicators only: narrow the figure to one service area of the district
    service_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_area.id", ondelete="RESTRICT"))
    title_sv: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    indicator_kind: Mapped[str] = mapped_column(String(10))
    indicator_code: Mapped[str] = mapped_column(String(80))
    baseline_value: Mapped[float] = mapped_column(Float)
    #: the baseline period: a survey wave (survey indicators) or a half-year like "2017H1"
    baseline_wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="SET NULL"))
    baseline_half_year: Mapped[str | None] = mapped_column(String(6))
    target_value: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    development_area: Mapped[DevelopmentArea] = relationship()
    district: Mapped[District | None] = relationship()
    service_area: Mapped[ServiceArea | None] = relationship()
    baseline_wave: Mapped[Wave | None] = relationship()
    notes: Mapped[list[ProgressNote]] = relationship(
        back_populates="subgoal", cascade="all, delete-orphan",
        order_by=lambda: (ProgressNote.written_on.desc(), ProgressNote.id.desc()))

    title = localized("title")

    @property
    def indicator(self) -> str:
        return f"{self.indicator_kind}:{self.indicator_code}"

    @property
    def owner_is_central(self) -> bool:
        return self.district is None or self.district.is_central

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    def __repr__(self) -> str:
        return f"<SubGoal {self.id} {self.indicator}>"


class HrFigure(Base):
    """One HR figure of a district for a half-year (e.g. turnover 14.5 % in 2018H1)."""

    __tablename__ = "steering_hr_figure"
    __table_args__ = (
        UniqueConstraint("district_id", "period", "indicator"),
        CheckConstraint("indicator IN ('turnover', 'consultants', 'sick-leave')",
                        name="indicator_known"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(6))
    indicator: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    district: Mapped[District] = relationship()


class ProgressNote(Base):
    """What a steering group has done or seen for a sub-goal, dated."""

    __tablename__ = "steering_progress_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    subgoal_id: Mapped[int] = mapped_column(
        ForeignKey("steering_subgoal.id", ondelete="CASCADE"), index=True)
    written_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    subgoal: Mapped[SubGoal] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
