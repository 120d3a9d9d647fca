"""Waves (a survey round of one instrument) and how respondents reach them: open link, or
single-use invitation codes generated per unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base
from core.i18n import bilingual
from core.org.models import Dimension, District, ServiceArea, StaffRole
from survey.models.instrument import Instrument

OPEN_LINK = "open-link"  #: respondents pick their district, service area and role
INVITATION_CODES = "codes"  #: a single-use code handed out per unit fixes the unit
MODES = (OPEN_LINK, INVITATION_CODES)

# where a wave's results come from
KIND_OWN = "own"  #: asked on this platform
KIND_HISTORY = "history"  #: the organisation's own earlier results, imported: joins its series
KIND_BENCHMARK = "benchmark"  #: another organisation's results, imported: a reference only
KINDS = (KIND_OWN, KIND_HISTORY, KIND_BENCHMARK)
IMPORT_KINDS = (KIND_HISTORY, KIND_BENCHMARK)

# the administrator's switch; the dates decide within it
STATE_DRAFT, STATE_OPEN, STATE_CLOSED = "draft", "open", "closed"
# what a respondent sees (``Wave.status``)
NOT_PUBLISHED, NOT_YET_OPEN, OPEN, CLOSED = "not-published", "not-yet-open", "open", "closed"

wave_dimension = Table(
    "survey_wave_dimension",
    Base.metadata,
    Column("wave_id", ForeignKey("survey_wave.id", ondelete="CASCADE"), primary_key=True),
    Column("dimension_id", ForeignKey("dimension.id", ondelete="RESTRICT"), primary_key=True),
)


class Wave(Base):
    """A survey round: an instrument asked between two dates (both inclusive). Its name is
    in Swedish and English (``name`` reads the one of the reader's language)."""

    __tablename__ = "survey_wave"
    __table_args__ = (
        # named as before the name had two languages (the column was renamed in place)
        UniqueConstraint("name_sv", name="uq_survey_wave_name"),
        CheckConstraint("closes_on >= opens_on", name="dates_ordered"),
        CheckConstraint("mode IN ('open-link', 'codes')", name="mode_known"),
        CheckConstraint("state IN ('draft', 'open', 'closed')", name="state_known"),
        CheckConstraint("kind IN ('own', 'history', 'benchmark')", name="kind_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name_sv: Mapped[str] = mapped_column(String(120))
    #: empty when no English name was given: English pages then show the Swedish one
    name_en: Mapped[str] = mapped_column(String(120), default="", server_default="")
    instrument_id: Mapped[int] = mapped_column(
        ForeignKey("survey_instrument.id", ondelete="RESTRICT"), index=True
    )
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default=STATE_DRAFT)
    mode: Mapped[str] = mapped_column(String(12), default=OPEN_LINK)
    ask_district: Mapped[bool] = mapped_column(Boolean, default=True)
    ask_service_area: Mapped[bool] = mapped_column(Boolean, default=True)
    ask_staff_role: Mapped[bool] = mapped_column(Boolean, default=True)
    #: set once the drafts of a closed wave are gone (they are purged lazily)
    drafts_purged: Mapped[bool] = mapped_column(Boolean, default=False)
    #: set when the results of the closed wave are first read: from then on it can never
    #: take answers again (one more answer would show in the results as a difference)
    results_shown: Mapped[bool] = mapped_column(Boolean, default=False,
                                                server_default=false())
    #: KIND_OWN, or how an imported wave's results may be used (``KINDS``)
    kind: Mapped[str] = mapped_column(String(12), default=KIND_OWN, server_default=KIND_OWN)
    instrument: Mapped[Instrument] = relationship()
    dimensions: Mapped[list[Dimension]] = relationship(
        secondary=wave_dimension, order_by=Dimension.sort_order
    )
    headcounts: Mapped[list[Headcount]] = relationship(
        back_populates="wave", cascade="all, delete-orphan"
    )

    @hybrid_property
    def name(self) -> str:
        """The name in the reader's language (the Swedish one when there is no English)."""
        return bilingual(self.name_sv, self.name_en)

    @name.inplace.expression
    @classmethod
    def _name_expression(cls):
        """In a query ``Wave.name`` is the Swedish name, which is unique."""
        return cls.name_sv

    def status(self, today: date) -> str:
        """One of NOT_PUBLISHED, NOT_YET_OPEN, OPEN, CLOSED on ``today``."""
        return wave_status(self.state, self.opens_on, self.closes_on, today)

    @property
    def is_benchmark(self) -> bool:
        """Another organisation's results: never part of the city's series or defaults."""
        return self.kind == KIND_BENCHMARK

    @property
    def is_imported(self) -> bool:
        return self.kind in IMPORT_KINDS

    @property
    def dimension_ids(self) -> tuple[int, ...]:
        """The extra dimensions asked (fixed when the wave is created)."""
        return tuple(d.id for d in self.dimensions)

    def __repr__(self) -> str:
        return f"<Wave {self.name_sv}>"


def wave_status(state: str, opens_on: date, closes_on: date, today: date) -> str:
    if state == STATE_DRAFT:
        return NOT_PUBLISHED
    if state == STATE_CLOSED or today > closes_on:
        return CLOSED
    if today < opens_on:
        return NOT_YET_OPEN
    return OPEN


class Headcount(Base):
    """How many staff a unit has (for response rates); ``service_area_id`` None means the
    whole district."""

    __tablename__ = "survey_headcount"
    __table_args__ = (
        UniqueConstraint("wave_id", "district_id", "service_area_id"),
        CheckConstraint("headcount >= 0", name="headcount_nonnegative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    service_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_area.id", ondelete="CASCADE")
    )
    headcount: Mapped[int] = mapped_column(Integer)
    wave: Mapped[Wave] = relationship(back_populates="headcounts")
    district: Mapped[District] = relationship()
    service_area: Mapped[ServiceArea | None] = relationship()


class CodeBatch(Base):
    """Invitation codes made together for one unit: printed and handed out as one pile
    of notes. The administration counts participation per batch, never per code."""

    __tablename__ = "survey_code_batch"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), index=True
    )
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id", ondelete="CASCADE"))
    service_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_area.id", ondelete="CASCADE")
    )
    staff_role_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_role.id", ondelete="CASCADE")
    )
    size: Mapped[int] = mapped_column(Integer)
    made_on: Mapped[date] = mapped_column(Date)
    #: False only for a batch made while its wave takes answers and not shown yet: it is
    #: shown once, when it is made, and never again (before opening, every batch is on
    #: the printable list of the wave's codes)
    shown: Mapped[bool] = mapped_column(Boolean, default=True)
    district: Mapped[District] = relationship()
    service_area: Mapped[ServiceArea | None] = relationship()
    staff_role: Mapped[StaffRole | None] = relationship()


class InvitationCode(Base):
    """A single-use code of a batch (which fixes the unit). Deliberately no link to the
    response it gave: the code is exchanged for an anonymous answering session in a
    transaction of its own, and ``used`` is all that is recorded, not when or by whom."""

    __tablename__ = "survey_invitation_code"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("survey_code_batch.id", ondelete="CASCADE"), index=True
    )
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    batch: Mapped[CodeBatch] = relationship()
