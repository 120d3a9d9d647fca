"""Writing café notes: the idempotent, conflict-aware ``save_note`` used by the tablets'
offline queue and the plain form, deletion, table head counts and the masked word list.

Every note text passes ``core.text.mask_personal_data`` before it is stored. Writes lock
the café's row first (``cafe.tablet.locks``) so that they never overlap its closing. Services
flush, never commit; the caller commits.
"""

from __future__ import annotations

import time
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from cafe.models import CLOSED, IDEA, NOTE_KINDS, CafeTable, MaskedWord, Note, NoteRevision
from cafe.tablet.locks import lock_cafe
from core.access import ADMIN
from core.auth.accounts import User, utcnow
from core.i18n import _, ngettext
from core.inputs import clean_text
from core.org.models import DevelopmentArea
from core.text import (
    COORDINATION_NUMBER,
    EMAIL,
    LISTED_WORD,
    NAME,
    PERSONAL_NUMBER,
    PHONE,
    mask_personal_data,
)

MAX_NOTE_LENGTH = 2000
MAX_VOTES = 999

#: what ``save_note`` did: a new note, a repeat of what is stored, an applied edit, or an
#: older edit that lost against a newer one (kept as a conflict revision)
CREATED, DUPLICATE, UPDATED, KEPT = "created", "duplicate", "updated", "kept"


class NoteError(ValueError):
    """A note that cannot be saved; ``field`` names the offending input, if any."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


@dataclass
class NoteInput:
    """A note as the tablet sends it. Times are the device's clock in milliseconds."""

    uuid: str
    round_id: int
    text: str
    kind: str = "observation"
    votes: int = 0
    area_ids: list[int] = field(default_factory=list)
    created_ms: int | None = None
    edited_ms: int | None = None
    base_version: int = 0


@dataclass
class SaveResult:
    note: Note
    outcome: str
    conflict: bool = False
    masked: dict[str, int] = field(default_factory=dict)

    @property
    def created(self) -> bool:
        return self.outcome == CREATED


def now_ms() -> int:
    return int(time.time() * 1000)


def normalise_uuid(value: str) -> str:
    try:
        return str(uuidlib.UUID(str(value)))
    except (ValueError, AttributeError, TypeError):
        raise NoteError(_("The note has no valid identifier."), "uuid") from None


def masked_words(db: Session) -> list[str]:
    """The administrator's list of words (names) to mask in notes."""
    return list(db.scalars(select(MaskedWord.word).order_by(MaskedWord.normalized)))


def _validated(db: Session, table: CafeTable, data: NoteInput) -> tuple[str, list]:
    if data.kind not in NOTE_KINDS:
        raise NoteError(_("Choose a kind of note."), "kind")
    # control characters are invisible on the tablet: taken out (core.inputs), and a note
    # from the offline queue is never refused for them
    text = clean_text(data.text or "", multiline=True).strip()
    if not text:
        raise NoteError(_("Write something before saving."), "text")
    if len(text) > MAX_NOTE_LENGTH:
        raise NoteError(_("Keep the note under %(n)d characters.", n=MAX_NOTE_LENGTH), "text")
    if not 0 <= data.votes <= MAX_VOTES:
        raise NoteError(_("Votes must be between 0 and %(n)d.", n=MAX_VOTES), "votes")
    if data.round_id not in {r.id for r in table.cafe.rounds}:
        raise NoteError(_("Choose a round of this café."), "round")
    areas = []
    if data.area_ids:
        areas = list(
            db.scalars(select(DevelopmentArea).where(DevelopmentArea.id.in_(data.area_ids)))
        )
        if len(areas) != len(set(data.area_ids)):
            raise NoteError(_("Choose development areas from the list."), "areas")
    return text, areas


def closed_error() -> NoteError:
    """The answer for a note that reaches a closed café: refused, never stored."""
    return NoteError(
        _("The café has been closed, so this note was not saved. Copy its text and give it "
          "to the moderator."),
        status=409,
    )


def _apply(note: Note, data: NoteInput, text: str, areas: list, edited_ms: int) -> None:
    note.kind = data.kind
    note.text = text
    note.votes = data.votes if data.kind == IDEA else 0
    note.round_id = data.round_id
    note.areas = areas
    note.edited_ms = edited_ms
    note.updated_at = utcnow()


def _revision(note: Note, *, conflict: bool, kind=None, text=None, votes=None, edited_ms=None):
    return NoteRevision(
        note=note,
        kind=kind or note.kind,
        text=note.text if text is None else text,
        votes=note.votes if votes is None else votes,
        edited_ms=note.edited_ms if edited_ms is None else edited_ms,
        conflict=conflict,
    )


def _stored(db: Session, note_uuid: str) -> Note | None:
    """The note as committed now (not as an earlier read in this session saw it)."""
    stmt = select(Note).where(Note.uuid == note_uuid).execution_options(populate_existing=True)
    return db.scalar(stmt)


#: how often a compare-and-set that lost against a concurrent edit is decided again
CAS_ATTEMPTS = 5


def save_note(
    db: Session,
    table: CafeTable,
    data: NoteInput,
    author: User | None,
    words: Iterable[str] | None = None,
) -> SaveResult:
    """Create or update the note ``data.uuid`` at ``table``, idempotently.

    The same UUID sent again gives the stored note (DUPLICATE), also after the café has
    closed. An edit based on the stored version is applied (UPDATED). An edit based on an
    older version meets a conflict: the edit with the later device time wins and the other
    text is kept as a conflict revision (UPDATED or KEPT, ``conflict=True``). Every update
    is a compare-and-set on the note's version; one that loses against a concurrent edit is
    decided again on the new version, so it becomes a conflict instead of overwriting.

    The café's row is locked first (``cafe.tablet.locks``), so the note is stored before a
    concurrent close (and is routed by it) or meets the closed café and is refused.
    Raises NoteError for bad input or a closed café.
    """
    note_uuid = normalise_uuid(data.uuid)
    cafe = lock_cafe(db, table.cafe_id, exclusive=False)
    mask = mask_personal_data((data.text or "").strip(),
                              masked_words(db) if words is None else words)
    edited_ms = data.edited_ms or now_ms()
    for _attempt in range(CAS_ATTEMPTS):
        existing = _stored(db, note_uuid)
        if existing is None:
            if not cafe.notes_editable:
                raise closed_error()
            text, areas = _validated(db, table, data)
            note = Note(
                uuid=note_uuid,
                table_id=table.id,
                author_id=author.id if author else None,
                created_ms=data.created_ms or edited_ms,
                version=1,
            )
            _apply(note, data, mask.text, areas, edited_ms)
            try:
                with db.begin_nested():
                    db.add(note)
                    db.flush()
            except IntegrityError:
                # the same note arrived at the same moment through another request
                if _stored(db, note_uuid) is None:
                    raise
                continue
            return SaveResult(note, CREATED, masked=mask.found)
        try:
            with db.begin_nested():
                return _update_existing(db, existing, table, data, mask.text, edited_ms,
                                        mask.found)
        except StaleDataError:
            continue  # another edit was stored since we read the note: decide again
    # a temporary state: the tablet keeps the note queued and sends it again
    raise NoteError(_("The note is being changed on another device. Try again."), status=503)


def _update_existing(db, note, table, data, text, edited_ms, masked) -> SaveResult:
    if note.table_id != table.id:
        raise NoteError(_("This note belongs to another table."), status=403)
    if note.deleted:
        return SaveResult(note, KEPT)
    votes = data.votes if data.kind == IDEA else 0
    same = (
        note.text == text
        and note.kind == data.kind
        and note.votes == votes
        and note.round_id == data.round_id
        and sorted(a.id for a in note.areas) == sorted(set(data.area_ids))
    )
    if same or edited_ms in {r.edited_ms for r in note.revisions}:
        return SaveResult(note, DUPLICATE)  # nothing new, or a late retry of a known edit
    if not table.cafe.notes_editable:
        raise NoteError(_("The café is closed; notes can no longer be changed."), status=409)
    _unmasked, areas = _validated(db, table, data)
    if data.base_version >= note.version:
        db.add(_revision(note, conflict=False))
        _apply(note, data, text, areas, edited_ms)
        note.version += 1
        db.flush()
        return SaveResult(note, UPDATED, masked=masked)
    note.has_conflict = True
    if edited_ms > note.edited_ms:
        db.add(_revision(note, conflict=True))
        _apply(note, data, text, areas, edited_ms)
        note.version += 1
        db.flush()
        return SaveResult(note, UPDATED, conflict=True, masked=masked)
    db.add(_revision(note, conflict=True, kind=data.kind, text=text, votes=votes,
                     edited_ms=edited_ms))
    note.version += 1  # the devices learn that their copy is stale
    db.flush()
    return SaveResult(note, KEPT, conflict=True, masked=masked)


def delete_note(db: Session, note: Note) -> None:
    """Delete a note; a tombstone stays so that a late retry of it is not stored again."""
    cafe = lock_cafe(db, note.table.cafe_id, exclusive=False)
    if not cafe.notes_editable:
        raise NoteError(_("The café is closed; notes can no longer be changed."), status=409)
    try:
        with db.begin_nested():
            note.deleted = True
            note.version += 1
            note.updated_at = utcnow()
            db.flush()
    except StaleDataError:
        raise NoteError(_("The note is being changed on another device. Try again."),
                        status=409) from None


def set_table_participants(db: Session, table: CafeTable, count: int | None,
                           user: User | None = None) -> None:
    """Record how many people sat at the table (a count, never names). The counts decide
    whether a café's word clouds may be shown, so a closed café's counts change only by an
    administrator."""
    if count is not None and not 0 <= count <= 100:
        raise NoteError(_("Enter a number between 0 and 100."), "participants")
    cafe = lock_cafe(db, table.cafe_id, exclusive=False)
    if cafe.status == CLOSED and (user is None or user.role != ADMIN):
        raise NoteError(_("The café is closed; only an administrator can change it."),
                        status=409)
    table.participants = count
    db.flush()


def describe_masking(found: dict[str, int]) -> str | None:
    """A sentence in the active language telling the writer what was masked."""
    labels = {
        PERSONAL_NUMBER: lambda n: ngettext(
            "%(num)d personal identity number", "%(num)d personal identity numbers", n
        ),
        COORDINATION_NUMBER: lambda n: ngettext(
            "%(num)d coordination number", "%(num)d coordination numbers", n
        ),
        PHONE: lambda n: ngettext("%(num)d phone number", "%(num)d phone numbers", n),
        EMAIL: lambda n: ngettext("%(num)d e-mail address", "%(num)d e-mail addresses", n),
        NAME: lambda n: ngettext("%(num)d name", "%(num)d names", n),
        LISTED_WORD: lambda n: ngettext("%(num)d name or listed word",
                                        "%(num)d names or listed words", n),
    }
    parts = [labels[kind](count) for kind, count in found.items() if kind in labels and count]
    if not parts:
        return None
    return _("Personal data was masked before saving: %(items)s.", items=", ".join(parts))


def normalise_word(word: str) -> str:
    return " ".join(word.split()).casefold()


def add_masked_word(db: Session, word: str) -> MaskedWord:
    """Add a word or name to the mask list; raises NoteError for an empty or known word."""
    cleaned = " ".join((word or "").split())
    if not cleaned:
        raise NoteError(_("Enter a word."), "word")
    if len(cleaned) > 100:
        raise NoteError(_("Keep the word under %(n)d characters.", n=100), "word")
    key = normalise_word(cleaned)
    if db.scalar(select(MaskedWord).where(MaskedWord.normalized == key)) is not None:
        raise NoteError(_("The word is already on the list."), "word")
    entry = MaskedWord(word=cleaned, normalized=key)
    db.add(entry)
    db.flush()
    return entry


def remove_masked_word(db: Session, entry: MaskedWord) -> None:
    db.delete(entry)
    db.flush()
