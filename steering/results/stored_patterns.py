"""The disclosure patterns of a closed wave, kept in the database.

A closed wave's counters do not change, so its patterns (the unit pattern and one per
counted question) are computed once, when its results are first read, and stored with a
stamp of the counters they were computed from. Every worker and every restart then reads
them instead of computing them again, and what is hidden stays the same from the first read
on: a published pattern never changes under a reader's eyes. Keys are stored as
``[district, area, role]`` with null for "all"."""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.auth.accounts import utcnow
from core.db import Base
from core.disclosure.gate import TOTAL

Key = tuple[Hashable, Hashable, Hashable]
Pattern = dict[Key, str]


class StoredPattern(Base):
    """The patterns of one closed wave for one minimum group size."""

    __tablename__ = "steering_wave_pattern"
    __table_args__ = (UniqueConstraint("wave_id", "minimum"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))
    minimum: Mapped[int] = mapped_column(Integer)
    #: the counters the patterns were computed from (row count and sum of each table)
    stamp: Mapped[str] = mapped_column(String(200))
    patterns: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def _encode(pattern: Pattern) -> list:
    return [[None if v is TOTAL else v for v in key] + [reason]
            for key, reason in sorted(pattern.items(), key=repr)]


def _decode(rows: list) -> Pattern:
    return {tuple(TOTAL if v is None else v for v in row[:3]): row[3] for row in rows}


def read(db: Session, wave_id: int, minimum: int, stamp: str
         ) -> tuple[Pattern, dict[int, Pattern]] | None:
    """(unit pattern, question id -> pattern) stored for these counters, or None."""
    found = db.scalar(select(StoredPattern).where(StoredPattern.wave_id == wave_id,
                                                  StoredPattern.minimum == minimum))
    if found is None or found.stamp != stamp:
        return None
    data = json.loads(found.patterns)
    return _decode(data["units"]), {int(q): _decode(rows)
                                    for q, rows in data["questions"].items()}


def write(db: Session, wave_id: int, minimum: int, stamp: str, units: Pattern,
          questions: Mapping[int, Pattern]) -> None:
    """Store (or replace) the patterns of a wave; flushes. A concurrent writer that stored
    them first wins: both computed the same patterns from the same counters."""
    payload = json.dumps({"units": _encode(units),
                          "questions": {str(q): _encode(p) for q, p in questions.items()}})
    found = db.scalar(select(StoredPattern).where(StoredPattern.wave_id == wave_id,
                                                  StoredPattern.minimum == minimum))
    try:
        with db.begin_nested():
            if found is None:
                db.add(StoredPattern(wave_id=wave_id, minimum=minimum, stamp=stamp,
                                     patterns=payload))
            else:
                found.stamp, found.patterns, found.computed_at = stamp, payload, utcnow()
            db.flush()
    except IntegrityError:
        pass
