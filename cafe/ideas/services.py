"""The idea loop's writes: routing a closed café's idea notes to a steering group, and
status changes with a public wording and an answer, each kept as a history row. Services
flush, never commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from cafe.ideas.models import IDEA_STATUSES, NEW, Idea, IdeaStatusChange
from cafe.models import IDEA, Cafe, CafeTable, Note
from core.auth.accounts import User, utcnow
from core.i18n import _
from core.org.models import District
from core.text import mask_personal_data


class IdeaError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def central_district(db: Session) -> District | None:
    """The central administration that answers ideas no single district owns."""
    stmt = select(District).where(District.is_central.is_(True))
    return db.scalars(stmt.order_by(District.sort_order, District.code)).first()


def routing_district(db: Session, cafe: Cafe) -> District | None:
    """The café's own district when it had exactly one, otherwise the central one."""
    if len(cafe.districts) == 1:
        return cafe.districts[0]
    return central_district(db)


def route_ideas(db: Session, cafe: Cafe) -> int:
    """Create an inbox entry (status new) for every idea note of the café not yet routed."""
    district = routing_district(db, cafe)
    if district is None:
        return 0
    routed = set(db.scalars(select(Idea.note_id).where(Idea.cafe_id == cafe.id)))
    notes = db.scalars(
        select(Note)
        .join(CafeTable, Note.table_id == CafeTable.id)
        .where(CafeTable.cafe_id == cafe.id, Note.kind == IDEA, Note.deleted.is_(False))
        .order_by(Note.id)
    )
    count = 0
    for note in notes:
        if note.id in routed:
            continue
        area = note.areas[0].id if note.areas else note.round.development_area_id
        idea = Idea(note=note, cafe_id=cafe.id, district_id=district.id,
                    development_area_id=area, status=NEW)
        idea.history.append(IdeaStatusChange(status=NEW))
        db.add(idea)
        count += 1
    db.flush()
    return count


@dataclass
class IdeaUpdate:
    status: str
    answer: str = ""
    answered_on: date | None = None
    answer_public: bool = False
    published: bool = False
    development_area_id: int | None = None
    #: the wording for the public page; empty keeps the note's own (masked) text
    public_text: str = ""


@dataclass
class IdeaSaved:
    """What ``update_idea`` did: whether anything changed, and what was masked by kind."""

    changed: bool
    masked: dict[str, int] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.changed


def update_idea(db: Session, idea: Idea, change: IdeaUpdate, user: User | None,
                words: Iterable[str] = ()) -> IdeaSaved:
    """Set status, public wording, answer and publication. The wording and the answer are
    published, so both pass the same masking as notes (``words``: the mask list) before
    they are stored. Every change is appended to the idea's history."""
    if change.status not in IDEA_STATUSES:
        raise IdeaError(_("Choose a status."), "status")
    wording = mask_personal_data(change.public_text.strip(), words)
    answer = mask_personal_data(change.answer.strip(), words)
    masked = Counter(wording.found) + Counter(answer.found)
    if change.answer_public and not answer.text:
        raise IdeaError(_("Write an answer before publishing it."), "answer")
    # the note's text as it stands is no wording of its own
    public_text = "" if wording.text == idea.note.text else wording.text
    if answer.text and change.answered_on is None:
        change.answered_on = date.today()
    before = (idea.status, idea.public_text, idea.answer, idea.answered_on, idea.answer_public,
              idea.published, idea.development_area_id)
    after = (change.status, public_text, answer.text,
             change.answered_on if answer.text else None, change.answer_public,
             change.published, change.development_area_id)
    if before == after:
        return IdeaSaved(False, dict(masked))
    (idea.status, idea.public_text, idea.answer, idea.answered_on, idea.answer_public,
     idea.published, idea.development_area_id) = after
    idea.updated_at = utcnow()
    idea.history.append(
        IdeaStatusChange(
            status=idea.status,
            public_text=idea.public_text,
            answer=idea.answer,
            answered_on=idea.answered_on,
            answer_public=idea.answer_public,
            published=idea.published,
            changed_by_id=user.id if user else None,
        )
    )
    db.flush()
    return IdeaSaved(True, dict(masked))
