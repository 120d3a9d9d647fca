"""Read queries behind the café pages: lists for moderators, a facilitator's tables, the
notes of a table, the harvest document, the idea inbox and the public feedback page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cafe.ideas.models import Idea
from cafe.models import IDEA, Cafe, CafeTable, Note, Round, cafe_district
from core.auth.accounts import User
from core.org.models import District


def cafes_stmt(status: str | None = None) -> Select:
    stmt = select(Cafe).order_by(Cafe.starts_at.desc(), Cafe.id.desc())
    return stmt.where(Cafe.status == status) if status else stmt


def facilitator_tables(db: Session, user: User) -> list[CafeTable]:
    """The tables assigned to ``user``, latest café first."""
    stmt = (
        select(CafeTable)
        .join(Cafe, CafeTable.cafe_id == Cafe.id)
        .where(CafeTable.facilitator_id == user.id)
        .order_by(Cafe.starts_at.desc(), CafeTable.number)
    )
    return list(db.scalars(stmt))


def table_notes(db: Session, table: CafeTable, round_id: int | None = None) -> list[Note]:
    """Notes of a table in the order they were written on the tablet."""
    stmt = select(Note).where(Note.table_id == table.id, Note.deleted.is_(False))
    if round_id is not None:
        stmt = stmt.where(Note.round_id == round_id)
    return list(db.scalars(stmt.order_by(Note.created_ms, Note.id)))


def deleted_note_uuids(db: Session, table: CafeTable) -> list[str]:
    """Tombstones of the table, so that a tablet forgets notes deleted elsewhere."""
    stmt = select(Note.uuid).where(Note.table_id == table.id, Note.deleted.is_(True))
    return list(db.scalars(stmt))


def note_counts_by_round(db: Session, table: CafeTable) -> dict[int, int]:
    stmt = (
        select(Note.round_id, func.count(Note.id))
        .where(Note.table_id == table.id, Note.deleted.is_(False))
        .group_by(Note.round_id)
    )
    return dict(db.execute(stmt).all())


@dataclass
class HarvestRound:
    round: Round
    tables: list[tuple[CafeTable, list[Note]]] = field(default_factory=list)


@dataclass
class Harvest:
    cafe: Cafe
    rounds: list[HarvestRound]
    ideas: list[Note]  #: every idea of the café, most votes first

    @property
    def note_total(self) -> int:
        return sum(len(notes) for r in self.rounds for _t, notes in r.tables)


def harvest(db: Session, cafe: Cafe) -> Harvest:
    """All notes of a café by round and table, and its ideas ranked by votes."""
    notes = list(
        db.scalars(
            select(Note)
            .join(CafeTable, Note.table_id == CafeTable.id)
            .where(CafeTable.cafe_id == cafe.id, Note.deleted.is_(False))
            .order_by(Note.created_ms, Note.id)
        )
    )
    rounds = []
    for rnd in cafe.rounds:
        entry = HarvestRound(rnd)
        for table in cafe.tables:
            at_table = [n for n in notes if n.round_id == rnd.id and n.table_id == table.id]
            if at_table:
                entry.tables.append((table, at_table))
        rounds.append(entry)
    ideas = sorted((n for n in notes if n.kind == IDEA), key=lambda n: (-n.votes, n.id))
    return Harvest(cafe, rounds, ideas)


def ideas_stmt(
    district_ids: Iterable[int] | None,
    status: str | None = None,
    development_area_id: int | None = None,
    district_id: int | None = None,
) -> Select:
    """The idea inbox: ideas of the given districts (None = all), newest café first."""
    stmt = select(Idea).join(Cafe, Idea.cafe_id == Cafe.id)
    if district_ids is not None:
        stmt = stmt.where(Idea.district_id.in_(list(district_ids)))
    if district_id is not None:
        stmt = stmt.where(Idea.district_id == district_id)
    if status:
        stmt = stmt.where(Idea.status == status)
    if development_area_id:
        stmt = stmt.where(Idea.development_area_id == development_area_id)
    return stmt.order_by(Cafe.starts_at.desc(), Idea.id.desc())


def published_ideas_stmt(district_id: int, development_area_id: int | None = None) -> Select:
    """Published ideas of one district for the public page, newest first."""
    stmt = (
        select(Idea)
        .join(Cafe, Idea.cafe_id == Cafe.id)
        .where(Idea.district_id == district_id, Idea.published.is_(True))
    )
    if development_area_id:
        stmt = stmt.where(Idea.development_area_id == development_area_id)
    return stmt.order_by(Cafe.starts_at.desc(), Idea.updated_at.desc(), Idea.id.desc())


def published_idea_counts(db: Session) -> list[tuple[District, int]]:
    """Every active district with how many ideas it has published."""
    counts = dict(
        db.execute(
            select(Idea.district_id, func.count(Idea.id))
            .where(Idea.published.is_(True))
            .group_by(Idea.district_id)
        ).all()
    )
    districts = db.scalars(
        select(District).where(District.active.is_(True)).order_by(
            District.is_central, District.sort_order, District.code
        )
    )
    return [(d, counts.get(d.id, 0)) for d in districts]


def published_summaries(db: Session, district_id: int) -> list[Cafe]:
    """Cafés hosted by the district whose plenary summary is published, newest first."""
    hosted = select(cafe_district.c.cafe_id).where(cafe_district.c.district_id == district_id)
    stmt = select(Cafe).where(Cafe.id.in_(hosted), Cafe.summary_published_at.is_not(None))
    return list(db.scalars(stmt.order_by(Cafe.starts_at.desc())))
