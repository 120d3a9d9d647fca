"""Setting up a café: the event itself, expected participants, rounds, tables, status
changes, copying a café as a template, and the plenary summary. Services flush, never
commit; ``SetupError`` carries a message for the user and the form field it concerns.

A closed café is a record: its details, hosting districts, head counts, rounds and tables
change only by an administrator (``user``), and its notes not at all. Every change locks
the café's row first (``cafe.tablet.locks``), so it cannot slip past a concurrent close. The
plenary summary stays the moderator's to finish and publish after the café."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cafe.ideas.services import route_ideas
from cafe.models import (
    CLOSED,
    DRAFT,
    OPEN,
    Cafe,
    CafeTable,
    ExpectedParticipants,
    Note,
    Round,
)
from cafe.tablet.locks import lock_cafe
from core.access import ADMIN, FACILITATOR
from core.auth.accounts import User, utcnow
from core.i18n import _
from core.org.models import District
from core.text import mask_personal_data


class SetupError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class CafeData:
    """What the café form edits; ``expected`` maps a staff role id to a head count."""

    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str = ""
    district_ids: list[int] = field(default_factory=list)
    expected: dict[int, int] = field(default_factory=dict)


def _check(data: CafeData) -> None:
    if not data.title.strip():
        raise SetupError(_("Enter a title."), "title")
    if data.ends_at <= data.starts_at:
        raise SetupError(_("The café must end after it starts."), "ends_at")
    if any(count < 0 for count in data.expected.values()):
        raise SetupError(_("Counts cannot be negative."), "expected")


def _apply(db: Session, cafe: Cafe, data: CafeData) -> None:
    _check(data)
    cafe.title = data.title.strip()
    cafe.starts_at = data.starts_at
    cafe.ends_at = data.ends_at
    cafe.venue = data.venue.strip()
    cafe.districts = list(db.scalars(select(District).where(District.id.in_(data.district_ids))))
    by_role = {p.staff_role_id: p for p in cafe.participants}
    for role_id, count in data.expected.items():
        if role_id in by_role:
            by_role[role_id].expected = count
        else:
            cafe.participants.append(ExpectedParticipants(staff_role_id=role_id, expected=count))


def create_cafe(db: Session, data: CafeData) -> Cafe:
    cafe = Cafe(status=DRAFT)
    _apply(db, cafe, data)
    db.add(cafe)
    db.flush()
    return cafe


def may_change(cafe: Cafe, user: User | None) -> bool:
    """Whether ``user`` may change the café's setup: anyone with access while it is not
    closed; an administrator always."""
    return cafe.status != CLOSED or (user is not None and user.role == ADMIN)


def require_changeable(db: Session, cafe: Cafe, user: User | None) -> Cafe:
    """Lock the café against a concurrent close and refuse if it is closed (except for an
    administrator). Returns the café as read under the lock."""
    cafe = lock_cafe(db, cafe.id, exclusive=True)
    if not may_change(cafe, user):
        raise SetupError(_("The café is closed; only an administrator can change it."))
    return cafe


def update_cafe(db: Session, cafe: Cafe, data: CafeData, user: User | None = None) -> None:
    require_changeable(db, cafe, user)
    _apply(db, cafe, data)
    db.flush()


def copy_cafe(db: Session, source: Cafe, title: str, starts_at: datetime,
              ends_at: datetime) -> Cafe:
    """A new draft café with the source's venue, districts, expected counts, rounds and
    tables (with their facilitators) — the template for the next café. Notes stay behind."""
    data = CafeData(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=source.venue,
        district_ids=[d.id for d in source.districts],
        expected={p.staff_role_id: p.expected for p in source.participants},
    )
    cafe = create_cafe(db, data)
    cafe.copied_from_id = source.id
    for r in source.rounds:
        cafe.rounds.append(Round(position=r.position, question_sv=r.question_sv,
                                 question_en=r.question_en, minutes=r.minutes,
                                 development_area_id=r.development_area_id))
    for t in source.tables:
        cafe.tables.append(CafeTable(number=t.number, name=t.name,
                                     facilitator_id=t.facilitator_id))
    db.flush()
    return cafe


def note_count(db: Session, cafe: Cafe) -> int:
    stmt = (
        select(func.count(Note.id))
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(CafeTable.cafe_id == cafe.id, Note.deleted.is_(False))
    )
    return db.scalar(stmt) or 0


def delete_cafe(db: Session, cafe: Cafe) -> None:
    """Delete a café that is not closed (a closed café's ideas have an answer trail)."""
    if cafe.status == CLOSED:
        raise SetupError(_("A closed café cannot be deleted; its ideas are being answered."))
    db.delete(cafe)
    db.flush()


def set_status(db: Session, cafe: Cafe, status: str) -> int:
    """Move a café forward: draft → open → closed. Closing routes the café's ideas to the
    steering groups and returns how many were routed.

    The café's row is locked exclusively first: notes being stored are committed before
    the close reads them (and are routed), notes arriving later see the closed café."""
    cafe = lock_cafe(db, cafe.id, exclusive=True)
    allowed = {DRAFT: OPEN, OPEN: CLOSED}
    if allowed.get(cafe.status) != status:
        raise SetupError(_("The café cannot go from this status to that one."))
    if status == OPEN and (not cafe.rounds or not cafe.tables):
        raise SetupError(_("Add at least one round and one table before opening the café."))
    cafe.status = status
    routed = 0
    if status == CLOSED:
        cafe.closed_at = utcnow()
        routed = route_ideas(db, cafe)
    db.flush()
    return routed


def set_current_round(db: Session, cafe: Cafe, position: int, user: User | None = None) -> None:
    require_changeable(db, cafe, user)
    if position not in {r.position for r in cafe.rounds}:
        raise SetupError(_("Choose a round of this café."), "round")
    cafe.current_round = position
    db.flush()


@dataclass
class RoundData:
    question_sv: str = ""
    question_en: str = ""
    development_area_id: int | None = None
    minutes: int = 20
    free: bool = False


def _apply_round(rnd: Round, data: RoundData) -> None:
    if not data.free and not (data.question_sv.strip() or data.question_en.strip()):
        raise SetupError(
            _("Write the round's question, or mark it as a free conversation."), "question_sv"
        )
    if not 1 <= data.minutes <= 240:
        raise SetupError(_("A round lasts between 1 and 240 minutes."), "minutes")
    rnd.question_sv = "" if data.free else data.question_sv.strip()
    rnd.question_en = "" if data.free else data.question_en.strip()
    rnd.development_area_id = data.development_area_id
    rnd.minutes = data.minutes


def add_round(db: Session, cafe: Cafe, data: RoundData, user: User | None = None) -> Round:
    require_changeable(db, cafe, user)
    rnd = Round(position=max((r.position for r in cafe.rounds), default=0) + 1)
    _apply_round(rnd, data)
    cafe.rounds.append(rnd)
    db.flush()
    return rnd


def update_round(db: Session, rnd: Round, data: RoundData, user: User | None = None) -> None:
    require_changeable(db, rnd.cafe, user)
    _apply_round(rnd, data)
    db.flush()


def _has_notes(db: Session, column, value: int) -> bool:
    return db.scalar(select(func.count(Note.id)).where(column == value)) > 0


def delete_round(db: Session, rnd: Round, user: User | None = None) -> None:
    """Delete a round without notes; the later rounds move up one place."""
    require_changeable(db, rnd.cafe, user)
    if _has_notes(db, Note.round_id, rnd.id):
        raise SetupError(_("The round has notes and cannot be deleted."))
    cafe = rnd.cafe
    cafe.rounds.remove(rnd)
    db.flush()
    _renumber(db, cafe, [r for r in cafe.rounds if r is not rnd])


def move_round(db: Session, rnd: Round, step: int, user: User | None = None) -> None:
    """Move a round one place earlier (step -1) or later (+1)."""
    require_changeable(db, rnd.cafe, user)
    rounds = list(rnd.cafe.rounds)
    index = rounds.index(rnd)
    target = index + step
    if 0 <= target < len(rounds):
        rounds[index], rounds[target] = rounds[target], rounds[index]
        _renumber(db, rnd.cafe, rounds)


def _renumber(db: Session, cafe: Cafe, ordered: list[Round]) -> None:
    # two passes keep the unique (café, position) constraint satisfied at every flush
    for offset, r in enumerate(ordered, start=1):
        r.position = 1000 + offset
    db.flush()
    for offset, r in enumerate(ordered, start=1):
        r.position = offset
    cafe.current_round = min(max(cafe.current_round, 1), max(len(ordered), 1))
    db.flush()
    db.expire(cafe, ["rounds"])


@dataclass
class TableData:
    number: int
    name: str = ""
    facilitator_id: int | None = None


def _apply_table(db: Session, cafe: Cafe, table: CafeTable, data: TableData,
                 user: User | None) -> None:
    require_changeable(db, cafe, user)
    if data.number < 1:
        raise SetupError(_("Table numbers start at 1."), "number")
    if any(t.number == data.number and t is not table for t in cafe.tables):
        raise SetupError(_("Another table already has this number."), "number")
    if data.facilitator_id is not None:
        user = db.get(User, data.facilitator_id)
        if user is None or user.role != FACILITATOR or not user.active:
            raise SetupError(_("Choose a user with the facilitator role."), "facilitator_id")
    table.number = data.number
    table.name = data.name.strip()
    table.facilitator_id = data.facilitator_id


def add_table(db: Session, cafe: Cafe, data: TableData, user: User | None = None) -> CafeTable:
    table = CafeTable()
    _apply_table(db, cafe, table, data, user)
    cafe.tables.append(table)
    db.flush()
    return table


def update_table(db: Session, table: CafeTable, data: TableData, user: User | None = None) -> None:
    _apply_table(db, table.cafe, table, data, user)
    db.flush()


def delete_table(db: Session, table: CafeTable, user: User | None = None) -> None:
    require_changeable(db, table.cafe, user)
    if _has_notes(db, Note.table_id, table.id):
        raise SetupError(_("The table has notes and cannot be deleted."))
    table.cafe.tables.remove(table)
    db.flush()


def next_table_number(cafe: Cafe) -> int:
    return max((t.number for t in cafe.tables), default=0) + 1


def facilitators(db: Session) -> list[User]:
    stmt = select(User).where(User.role == FACILITATOR, User.active.is_(True))
    return list(db.scalars(stmt.order_by(User.display_name, User.username)))


def save_summary(db: Session, cafe: Cafe, text: str, words: Iterable[str] = ()) -> dict:
    """Store the summary masked like a note (``words``: the mask list); returns what was
    masked, by kind."""
    mask = mask_personal_data(text.strip(), words)
    cafe.summary = mask.text
    db.flush()
    return mask.found


def pull_into_summary(db: Session, cafe: Cafe, note: Note) -> None:
    """Append an idea from a table to the summary as a bullet and mark it as used."""
    if note.table.cafe_id != cafe.id or note.deleted:
        raise SetupError(_("The note is not part of this café."))
    if not note.in_summary:
        try:
            with db.begin_nested():
                note.in_summary = True
                db.flush()  # a compare-and-set on the note's version, like every edit
        except StaleDataError:
            raise SetupError(_("The note is being changed on another device. Try again.")
                             ) from None
        line = f"- {note.text}"
        cafe.summary = f"{cafe.summary.rstrip()}\n{line}".strip()
    db.flush()


def publish_summary(db: Session, cafe: Cafe, publish: bool) -> None:
    if publish and not cafe.summary.strip():
        raise SetupError(_("Write the summary before publishing it."), "summary")
    cafe.summary_published_at = utcnow() if publish else None
    db.flush()
