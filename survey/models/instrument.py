"""Instruments (question sets): versioned, bilingual, made of ordered sections and questions.

An instrument used by a wave that has been opened is *frozen*: its wording and scales must
stay what respondents saw, so editing it means making a new version
(``survey.instruments.new_version``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.i18n import bilingual, localized
from core.org.models import DevelopmentArea

# question types
AGREEMENT = "agreement"  #: agreement scale, 4–7 points (default 5), 1 = disagree
SCALE_0_10 = "scale10"  #: 0–10 scale
NUMBER = "number"  #: whole number with bounds and unit
CHOICE = "choice"  #: single choice among bilingual options
YES_NO = "yesno"  #: yes = 1, no = 0
FREE_TEXT = "text"  #: free text with a length limit, stored masked and apart from responses
QUESTION_TYPES = (AGREEMENT, SCALE_0_10, NUMBER, CHOICE, YES_NO, FREE_TEXT)
#: types whose answers are counted value by value in the rollups
COUNTED_TYPES = (AGREEMENT, SCALE_0_10, NUMBER, CHOICE, YES_NO)

#: the stored value of "cannot answer" (only agreement and 0–10 scales offer it; their real
#: values are never negative). Statistics must leave it out; rollups keep it for transparency.
CANNOT_ANSWER = -1

DEFAULT_POINTS = 5
MIN_POINTS, MAX_POINTS = 4, 7
DEFAULT_TEXT_LENGTH = 2000


class Instrument(Base):
    """A question set; (code, version) identifies it, a new version is a new row."""

    __tablename__ = "survey_instrument"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title_sv: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    intro_sv: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    sections: Mapped[list[Section]] = relationship(
        back_populates="instrument", order_by="Section.position", cascade="all, delete-orphan"
    )

    title = localized("title")
    intro = localized("intro")

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def __repr__(self) -> str:
        return f"<Instrument {self.code} v{self.version}>"


class Section(Base):
    """One page of the questionnaire."""

    __tablename__ = "survey_section"
    __table_args__ = (UniqueConstraint("instrument_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instrument.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title_sv: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    intro_sv: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    instrument: Mapped[Instrument] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", order_by="Question.position", cascade="all, delete-orphan"
    )

    title = localized("title")
    intro = localized("intro")


class Question(Base):
    """A question of one of ``QUESTION_TYPES``; the columns a type does not use stay empty.

    ``code`` is unique within the instrument and stays the same across versions, so imports
    and comparisons between waves can match questions. ``index_code`` names the index the
    question contributes to (e.g. ``hme-motivation``)."""

    __tablename__ = "survey_question"
    __table_args__ = (
        UniqueConstraint("section_id", "position"),
        UniqueConstraint("instrument_id", "code", name="uq_survey_question_code"),
        CheckConstraint(
            "type IN ('agreement', 'scale10', 'number', 'choice', 'yesno', 'text')",
            name="type_known",
        ),
        CheckConstraint("points IS NULL OR (points >= 4 AND points <= 7)", name="points_range"),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value <= max_value",
            name="bounds_ordered",
        ),
        CheckConstraint("max_length IS NULL OR max_length > 0", name="max_length_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("survey_section.id", ondelete="CASCADE"), index=True
    )
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instrument.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(12))
    text_sv: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    help_sv: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # agreement scale
    points: Mapped[int | None] = mapped_column(Integer)
    #: one label per point, lowest first (agreement); or [low end, high end] (0–10)
    labels_sv: Mapped[list[str] | None] = mapped_column(JSON)
    labels_en: Mapped[list[str] | None] = mapped_column(JSON)
    allow_cannot_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    reverse_scored: Mapped[bool] = mapped_column(Boolean, default=False)
    # whole number
    min_value: Mapped[int | None] = mapped_column(Integer)
    max_value: Mapped[int | None] = mapped_column(Integer)
    unit_sv: Mapped[str] = mapped_column(String(60), default="")
    unit_en: Mapped[str] = mapped_column(String(60), default="")
    # free text
    max_length: Mapped[int | None] = mapped_column(Integer)
    # reporting
    index_code: Mapped[str | None] = mapped_column(String(60), index=True)
    development_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("development_area.id", ondelete="SET NULL")
    )
    section: Mapped[Section] = relationship(back_populates="questions")
    instrument: Mapped[Instrument] = relationship()
    options: Mapped[list[ChoiceOption]] = relationship(
        back_populates="question", order_by="ChoiceOption.position", cascade="all, delete-orphan"
    )
    development_area: Mapped[DevelopmentArea | None] = relationship()

    text = localized("text")
    help = localized("help")
    unit = localized("unit")

    @property
    def labels(self) -> list[str]:
        return list(bilingual(self.labels_sv, self.labels_en) or [])

    def copy_fields(self) -> dict[str, Any]:
        """The question's own columns, for copying it into a new instrument version."""
        skip = {"id", "section_id", "instrument_id"}
        return {c.key: getattr(self, c.key) for c in self.__table__.columns if c.key not in skip}


class ChoiceOption(Base):
    """An option of a single-choice question; ``value`` is what is stored and counted."""

    __tablename__ = "survey_choice_option"
    __table_args__ = (
        UniqueConstraint("question_id", "position"),
        UniqueConstraint("question_id", "value", name="uq_survey_choice_option_value"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    value: Mapped[int] = mapped_column(Integer)
    label_sv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200), default="")
    question: Mapped[Question] = relationship(back_populates="options")

    label = localized("label")
