"""The idea loop: an idea note routed to a steering group, its status, answers and history.

An idea belongs to the steering group of the café's district (or the central one when the
café had several hosting districts or none). Only ideas marked ``published`` are shown on
the public "you said, we did" page, and of their answers only those marked public. The
steering group may word an idea for the public (``public_text``); the note's own (masked)
text stays the record and is then no longer published.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cafe.models import Cafe, Note
from core.auth.accounts import User, utcnow
from core.db import Base
from core.org.models import DevelopmentArea, District

NEW, CONSIDERING, PLANNED, DONE, NOT_PURSUED = (
    "new",
    "considering",
    "planned",
    "done",
    "not-pursued",
)
IDEA_STATUSES = (NEW, CONSIDERING, PLANNED, DONE, NOT_PURSUED)
_STATUS_SQL = ", ".join(f"'{s}'" for s in IDEA_STATUSES)


class Idea(Base):
    """An idea or proposal from a café table, waiting for a steering group's answer."""

    __tablename__ = "cafe_idea"
    __table_args__ = (
        UniqueConstraint("note_id"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("cafe_note.id", ondelete="CASCADE"))
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe_event.id", ondelete="CASCADE"))
    district_id: Mapped[int] = mapped_column(
        ForeignKey("district.id", ondelete="RESTRICT"), index=True
    )
    development_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("development_area.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default=NEW)
    #: the wording shown on the public page; empty = the note's own (masked) text
    public_text: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_public: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    note: Mapped[Note] = relationship(lazy="joined")
    cafe: Mapped[Cafe] = relationship()
    district: Mapped[District] = relationship(lazy="joined")
    development_area: Mapped[DevelopmentArea | None] = relationship(lazy="joined")
    history: Mapped[list[IdeaStatusChange]] = relationship(
        back_populates="idea", cascade="all, delete-orphan", order_by="IdeaStatusChange.id"
    )

    @property
    def wording(self) -> str:
        """The text the public page shows: the steering group's wording, else the note's."""
        return self.public_text or self.note.text


class IdeaStatusChange(Base):
    """One change of an idea's status or answer, kept for the record."""

    __tablename__ = "cafe_idea_status_change"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("cafe_idea.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))
    public_text: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_public: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    idea: Mapped[Idea] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()
