"""Dialogue café models: the event, its hosting districts, expected participants per staff
role (counts, never names), rounds, tables, the notes facilitators write, their revisions,
and the word list used to mask names in notes. Ideas live in ``cafe.ideas.models``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.auth.accounts import User, utcnow
from core.db import Base
from core.i18n import bilingual
from core.org.models import DevelopmentArea, District, StaffRole

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
STATUSES = (DRAFT, OPEN, CLOSED)

OBSERVATION, IDEA, CONCERN, QUESTION = "observation", "idea", "concern", "question"
NOTE_KINDS = (OBSERVATION, IDEA, CONCERN, QUESTION)

cafe_district = Table(
    "cafe_event_district",
    Base.metadata,
    Column("cafe_id", ForeignKey("cafe_event.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("district.id", ondelete="RESTRICT"), primary_key=True),
)

note_area = Table(
    "cafe_note_area",
    Base.metadata,
    Column("note_id", ForeignKey("cafe_note.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "development_area_id",
        ForeignKey("development_area.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Cafe(Base):
    """One dialogue café: a date, a venue, the hosting districts and a plenary summary."""

    __tablename__ = "cafe_event"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    venue: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    #: the round the moderator has started (position), shown first on the tablets
    current_round: Mapped[int] = mapped_column(Integer, default=1)
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_published_at: Mapped[datetime | None] = mapped_column(DateTime)
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe_event.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    districts: Mapped[list[District]] = relationship(
        secondary=cafe_district, order_by=District.sort_order, lazy="selectin"
    )
    participants: Mapped[list[ExpectedParticipants]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", lazy="selectin"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", order_by="Round.position"
    )
    tables: Mapped[list[CafeTable]] = relationship(
        back_populates="cafe", cascade="all, delete-orphan", order_by="CafeTable.number"
    )

    @property
    def expected_total(self) -> int:
        return sum(p.expected for p in self.participants)

    @property
    def notes_editable(self) -> bool:
        return self.status != CLOSED

    def __repr__(self) -> str:
        return f"<Cafe {self.id} {self.title!r}>"


class ExpectedParticipants(Base):
    """How many people of one staff role are expected at a café (a count, never names)."""

    __tablename__ = "cafe_participants"
    __table_args__ = (
        UniqueConstraint("cafe_id", "staff_role_id"),
        CheckConstraint("expected >= 0", name="expected_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe_event.id", ondelete="CASCADE"))
    staff_role_id: Mapped[int] = mapped_column(ForeignKey("staff_role.id", ondelete="RESTRICT"))
    expected: Mapped[int] = mapped_column(Integer, default=0)
    cafe: Mapped[Cafe] = relationship(back_populates="participants")
    staff_role: Mapped[StaffRole] = relationship(lazy="joined")


class Round(Base):
    """A conversation round: a question (or a free conversation) tied to a development area."""

    __tablename__ = "cafe_round"
    __table_args__ = (
        UniqueConstraint("cafe_id", "position"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe_event.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    question_sv: Mapped[str] = mapped_column(Text, default="")
    question_en: Mapped[str] = mapped_column(Text, default="")
    development_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("development_area.id", ondelete="SET NULL")
    )
    minutes: Mapped[int] = mapped_column(Integer, default=20)
    cafe: Mapped[Cafe] = relationship(back_populates="rounds")
    development_area: Mapped[DevelopmentArea | None] = relationship(lazy="joined")

    @property
    def is_free(self) -> bool:
        """A round without a set question: the table talks freely."""
        return not (self.question_sv or self.question_en)

    def question(self, language: str | None = None) -> str:
        """The question in ``language`` (the active locale by default), else in the other."""
        return bilingual(self.question_sv, self.question_en, language) or self.question_en


class CafeTable(Base):
    """A table at a café with its facilitator (a user with the facilitator role)."""

    __tablename__ = "cafe_table"
    __table_args__ = (
        UniqueConstraint("cafe_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("participants IS NULL OR participants >= 0", name="participants_ok"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe_event.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100), default="")
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    #: people who actually sat at the table, entered by the facilitator (a count)
    participants: Mapped[int | None] = mapped_column(Integer)
    cafe: Mapped[Cafe] = relationship(back_populates="tables")
    facilitator: Mapped[User | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.number} · {self.name}" if self.name else str(self.number)


class Note(Base):
    """A note written at a table in a round. ``uuid`` is made on the tablet so that a note
    sent twice (retries, two tabs) is stored once; ``version`` and ``edited_ms`` (the
    device's clock, milliseconds) decide between edits made on two devices.

    ``version`` is the mapper's version column: every UPDATE of a note is a compare-and-set
    (``WHERE version = <the version read>``), so two edits that read the same version can
    never both be applied; the one that loses is told so and kept as a conflict revision."""

    __tablename__ = "cafe_note"
    __table_args__ = (
        UniqueConstraint("uuid"),
        CheckConstraint(
            "kind IN ('observation', 'idea', 'concern', 'question')", name="kind_known"
        ),
        CheckConstraint("votes >= 0", name="votes_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))
    table_id: Mapped[int] = mapped_column(
        ForeignKey("cafe_table.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("cafe_round.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12), default=OBSERVATION)
    text: Mapped[str] = mapped_column(Text)
    votes: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_ms: Mapped[int] = mapped_column(BigInteger)  #: device clock when written
    edited_ms: Mapped[int] = mapped_column(BigInteger)  #: device clock of the last edit
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: a deleted note is kept as a tombstone so that a late retry does not bring it back
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    has_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    in_summary: Mapped[bool] = mapped_column(Boolean, default=False)

    table: Mapped[CafeTable] = relationship()
    round: Mapped[Round] = relationship()
    areas: Mapped[list[DevelopmentArea]] = relationship(
        secondary=note_area, order_by=DevelopmentArea.number, lazy="selectin"
    )
    revisions: Mapped[list[NoteRevision]] = relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="NoteRevision.id"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class NoteRevision(Base):
    """An earlier text of a note. ``conflict`` marks a version that lost against an edit
    made on another device; it is kept so that nothing is lost silently."""

    __tablename__ = "cafe_note_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("cafe_note.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    votes: Mapped[int] = mapped_column(Integer, default=0)
    edited_ms: Mapped[int] = mapped_column(BigInteger)
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[Note] = relationship(back_populates="revisions")


class MaskedWord(Base):
    """A word or name an administrator wants masked in every note (e.g. a client's name)."""

    __tablename__ = "cafe_masked_word"
    __table_args__ = (UniqueConstraint("normalized"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(100))
    #: case-folded with single spaces, so "Åsa" and "åsa" are one entry on every database
    normalized: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
