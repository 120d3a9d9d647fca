"""Reading cafés: figures for the steering reports and word frequencies of notes.

Public functions (the steering package draws these; all counts exclude deleted notes):

- ``cafe_figures(db, cafe_ids=None, district_ids=None) -> list[CafeFigures]``
  one row per café: expected and counted participants, tables, notes, ideas.
- ``round_figures(db, cafe_id) -> list[RoundFigures]``
  one row per round of a café: notes, notes per kind, tables that wrote, participants.
- ``area_figures(db, cafe_ids=None, district_ids=None) -> list[AreaFigures]``
  notes and ideas per development area (a note counts under each tag it carries, an
  untagged note under its round's area); areas without notes are left out.
- ``note_word_frequencies(db, cafe_ids=None, district_ids=None, development_area_id=None,
  kinds=None, min_length=3, top=50) -> list[tuple[str, int]]``
  the most frequent words of the notes, Swedish stopwords removed (``core.text``).
- ``note_sources(db, cafe_ids) -> list[NoteSource]``, ``table_participants(db, cafe_ids)``,
  ``note_texts(db, note_ids)``: which notes a word cloud may be made of (by table, round
  and development area) and the people behind them; the steering package decides.
- ``idea_status_counts(db, district_ids=None) -> dict[str, int]``
  routed ideas per status (every status present, zero when none).

``district_ids`` selects cafés hosted by any of those districts (for ideas: the district
that owns the idea). Listings for the views are in ``cafe.listings``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cafe.ideas.models import IDEA_STATUSES, Idea
from cafe.models import (
    IDEA,
    NOTE_KINDS,
    Cafe,
    CafeTable,
    ExpectedParticipants,
    Note,
    Round,
    cafe_district,
    note_area,
)
from core.org.models import DevelopmentArea
from core.text import word_frequencies


@dataclass
class CafeFigures:
    cafe_id: int
    title: str
    starts_at: datetime
    status: str
    district_codes: list[str]
    expected_participants: int  #: sum of the expected counts per staff role
    participants: int  #: sum of the head counts the facilitators entered per table
    tables: int
    notes: int
    ideas: int  #: notes of kind idea


@dataclass
class RoundFigures:
    round_id: int
    position: int
    question_sv: str
    question_en: str
    development_area_code: str | None
    notes: int
    notes_by_kind: dict[str, int] = field(default_factory=dict)
    tables_with_notes: int = 0
    participants: int = 0  #: head count at the tables that wrote notes in this round


@dataclass
class AreaFigures:
    development_area_id: int
    code: str
    number: int
    name_sv: str
    name_en: str
    notes: int
    ideas: int
    cafes: int


def _cafe_filter(stmt: Select, cafe_ids, district_ids, cafe_column=Cafe.id) -> Select:
    if cafe_ids is not None:
        stmt = stmt.where(cafe_column.in_(list(cafe_ids)))
    if district_ids is not None:
        hosted = select(cafe_district.c.cafe_id).where(
            cafe_district.c.district_id.in_(list(district_ids))
        )
        stmt = stmt.where(cafe_column.in_(hosted))
    return stmt


def _live_notes() -> Select:
    return (
        select(Note)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(Note.deleted.is_(False))
    )


def cafe_figures(
    db: Session, cafe_ids: Iterable[int] | None = None, district_ids: Iterable[int] | None = None
) -> list[CafeFigures]:
    cafes = list(
        db.scalars(_cafe_filter(select(Cafe), cafe_ids, district_ids).order_by(Cafe.starts_at))
    )
    ids = [c.id for c in cafes]
    expected = dict(
        db.execute(
            select(ExpectedParticipants.cafe_id, func.sum(ExpectedParticipants.expected))
            .where(ExpectedParticipants.cafe_id.in_(ids))
            .group_by(ExpectedParticipants.cafe_id)
        ).all()
    )
    tables = {
        cafe_id: (count, seated)
        for cafe_id, count, seated in db.execute(
            select(CafeTable.cafe_id, func.count(CafeTable.id), func.sum(CafeTable.participants))
            .where(CafeTable.cafe_id.in_(ids))
            .group_by(CafeTable.cafe_id)
        )
    }
    notes: dict[int, dict[str, int]] = {}
    for cafe_id, kind, count in db.execute(
        select(CafeTable.cafe_id, Note.kind, func.count(Note.id))
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(CafeTable.cafe_id.in_(ids), Note.deleted.is_(False))
        .group_by(CafeTable.cafe_id, Note.kind)
    ):
        notes.setdefault(cafe_id, {})[kind] = count
    return [
        CafeFigures(
            cafe_id=c.id,
            title=c.title,
            starts_at=c.starts_at,
            status=c.status,
            district_codes=[d.code for d in c.districts],
            expected_participants=int(expected.get(c.id) or 0),
            participants=int(tables.get(c.id, (0, 0))[1] or 0),
            tables=tables.get(c.id, (0, 0))[0],
            notes=sum(notes.get(c.id, {}).values()),
            ideas=notes.get(c.id, {}).get(IDEA, 0),
        )
        for c in cafes
    ]


def round_figures(db: Session, cafe_id: int) -> list[RoundFigures]:
    rounds = list(
        db.scalars(select(Round).where(Round.cafe_id == cafe_id).order_by(Round.position))
    )
    rows = db.execute(
        select(Note.round_id, Note.table_id, Note.kind, func.count(Note.id))
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(CafeTable.cafe_id == cafe_id, Note.deleted.is_(False))
        .group_by(Note.round_id, Note.table_id, Note.kind)
    ).all()
    seated = dict(
        db.execute(
            select(CafeTable.id, CafeTable.participants).where(CafeTable.cafe_id == cafe_id)
        ).all()
    )
    result = []
    for rnd in rounds:
        by_kind = dict.fromkeys(NOTE_KINDS, 0)
        tables = set()
        for round_id, table_id, kind, count in rows:
            if round_id == rnd.id:
                by_kind[kind] += count
                tables.add(table_id)
        result.append(
            RoundFigures(
                round_id=rnd.id,
                position=rnd.position,
                question_sv=rnd.question_sv,
                question_en=rnd.question_en,
                development_area_code=rnd.development_area.code if rnd.development_area else None,
                notes=sum(by_kind.values()),
                notes_by_kind=by_kind,
                tables_with_notes=len(tables),
                participants=sum(seated.get(t) or 0 for t in tables),
            )
        )
    return result


def area_figures(
    db: Session, cafe_ids: Iterable[int] | None = None, district_ids: Iterable[int] | None = None
) -> list[AreaFigures]:
    tagged = _cafe_filter(
        select(note_area.c.development_area_id, Note.kind, CafeTable.cafe_id)
        .select_from(Note)
        .join(note_area, note_area.c.note_id == Note.id)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(Note.deleted.is_(False)),
        cafe_ids, district_ids, CafeTable.cafe_id,
    )
    has_tag = select(note_area.c.note_id).where(note_area.c.note_id == Note.id).exists()
    untagged = _cafe_filter(
        select(Round.development_area_id, Note.kind, CafeTable.cafe_id)
        .select_from(Note)
        .join(Round, Note.round_id == Round.id)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(Note.deleted.is_(False), ~has_tag, Round.development_area_id.is_not(None)),
        cafe_ids, district_ids, CafeTable.cafe_id,
    )
    counts: dict[int, list] = {}
    for stmt in (tagged, untagged):
        for area_id, kind, cafe_id in db.execute(stmt):
            entry = counts.setdefault(area_id, [0, 0, set()])
            entry[0] += 1
            entry[1] += kind == IDEA
            entry[2].add(cafe_id)
    areas = db.scalars(select(DevelopmentArea).where(DevelopmentArea.id.in_(list(counts))))
    return [
        AreaFigures(a.id, a.code, a.number, a.name_sv, a.name_en, counts[a.id][0],
                    counts[a.id][1], len(counts[a.id][2]))
        for a in sorted(areas, key=lambda a: a.number)
    ]


def _chosen_notes(
    columns: tuple,
    cafe_ids: Iterable[int] | None,
    district_ids: Iterable[int] | None,
    development_area_id: int | None,
    kinds: Iterable[str] | None,
) -> Select:
    """``columns`` of the live notes the filters choose (a development area takes the notes
    tagged with it and the notes of its rounds)."""
    stmt = _cafe_filter(
        select(*columns)
        .select_from(Note)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(Note.deleted.is_(False)),
        cafe_ids, district_ids, CafeTable.cafe_id,
    )
    if kinds is not None:
        stmt = stmt.where(Note.kind.in_(list(kinds)))
    if development_area_id is not None:
        tagged = select(note_area.c.note_id).where(
            note_area.c.development_area_id == development_area_id
        )
        stmt = stmt.join(Round, Note.round_id == Round.id).where(
            Note.id.in_(tagged)
            | (Round.development_area_id == development_area_id)
        )
    return stmt


def note_word_frequencies(
    db: Session,
    cafe_ids: Iterable[int] | None = None,
    district_ids: Iterable[int] | None = None,
    development_area_id: int | None = None,
    kinds: Iterable[str] | None = None,
    min_length: int = 3,
    top: int | None = 50,
) -> list[tuple[str, int]]:
    """(word, count) over the selected notes' (already masked) text, most frequent first."""
    stmt = _chosen_notes((Note.text,), cafe_ids, district_ids, development_area_id, kinds)
    return word_frequencies(db.scalars(stmt), min_length=min_length, top=top)


@dataclass(frozen=True)
class NoteSource:
    """Where a live note comes from, for choosing notes without reading their text."""

    note_id: int
    table_id: int
    cafe_id: int
    round_id: int
    #: the development areas that choose it: its tags, and its round's area
    area_ids: frozenset[int]


def note_sources(db: Session, cafe_ids: Iterable[int]) -> list[NoteSource]:
    """The live notes of ``cafe_ids`` with their table, round and development areas."""
    ids = list(cafe_ids)
    rows = db.execute(
        select(Note.id, Note.table_id, CafeTable.cafe_id, Note.round_id,
               Round.development_area_id)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .join(Round, Note.round_id == Round.id)
        .where(CafeTable.cafe_id.in_(ids), Note.deleted.is_(False))
    ).all()
    tags: dict[int, set[int]] = {}
    for note_id, area_id in db.execute(
        select(note_area.c.note_id, note_area.c.development_area_id)
        .join(Note, Note.id == note_area.c.note_id)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(CafeTable.cafe_id.in_(ids), Note.deleted.is_(False))
    ):
        tags.setdefault(note_id, set()).add(area_id)
    return [
        NoteSource(note_id, table_id, cafe_id, round_id,
                   frozenset(tags.get(note_id, set()) | ({round_area} if round_area else set())))
        for note_id, table_id, cafe_id, round_id, round_area in rows
    ]


def table_participants(db: Session, cafe_ids: Iterable[int]) -> dict[int, int]:
    """The head count entered per table of ``cafe_ids`` (0 when not entered)."""
    return {table_id: int(n or 0) for table_id, n in db.execute(
        select(CafeTable.id, CafeTable.participants)
        .where(CafeTable.cafe_id.in_(list(cafe_ids))))}


def note_texts(db: Session, note_ids: Iterable[int]) -> list[str]:
    """The (already masked) texts of the notes ``note_ids``."""
    ids = list(note_ids)
    texts: list[str] = []
    for start in range(0, len(ids), 500):  # bound the number of bound parameters
        texts += db.scalars(select(Note.text).where(Note.id.in_(ids[start:start + 500])))
    return texts


def idea_status_counts(db: Session, district_ids: Iterable[int] | None = None) -> dict[str, int]:
    stmt = select(Idea.status, func.count(Idea.id)).group_by(Idea.status)
    if district_ids is not None:
        stmt = stmt.where(Idea.district_id.in_(list(district_ids)))
    counts = dict.fromkeys(IDEA_STATUSES, 0)
    counts.update(dict(db.execute(stmt).all()))
    return counts
