"""Invitation codes: made in batches for one unit, printed and handed out before the wave
opens, and exchanged one by one for an anonymous answering session.

Why it is shaped this way:

- A code is spent by ``exchange_code`` in a transaction that writes nothing else; the
  response is stored later, in another transaction that holds no code (``survey.respond.passes``
  carries the session in between). So no database page, commit or PostgreSQL row version
  holds both a code and an answer.
- Once a wave has opened, no page or file lists codes, used or unused: a list of unused
  codes shrinks by exactly the code of each person who answers. A batch made while the
  wave is open is shown once, when it is made, for printing. What the administration sees
  is participation per batch, through the disclosure gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, false, func, select, true, update
from sqlalchemy.orm import Session

from core.disclosure.gate import TOTAL, Cell, SumRelation, suppress
from core.org.models import District, ServiceArea, StaffRole
from survey.models import (
    INVITATION_CODES,
    NOT_PUBLISHED,
    NOT_YET_OPEN,
    OPEN,
    CodeBatch,
    InvitationCode,
    Wave,
)
from survey.tokens import INVITATION_CODE_LENGTH, random_code
from survey.units import Unit
from survey.waves.lifecycle import WaveError

MAX_CODES_PER_BATCH = 2000


def make_batch(
    db: Session,
    wave: Wave,
    count: int,
    *,
    district: District,
    service_area: ServiceArea | None = None,
    staff_role: StaffRole | None = None,
    today: date | None = None,
) -> CodeBatch:
    """A batch of ``count`` new single-use codes for one unit of an invitation-code wave.
    A batch made while the wave already takes answers is to be printed at once: it can be
    shown once (``show_batch``)."""
    if wave.mode != INVITATION_CODES:
        raise WaveError("this wave uses an open link, not invitation codes")
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise WaveError(f"make between 1 and {MAX_CODES_PER_BATCH} codes at a time")
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(random_code(INVITATION_CODE_LENGTH))
    taken = _existing(db, codes)
    while taken:
        codes -= taken
        while len(codes) < count:
            codes.add(random_code(INVITATION_CODE_LENGTH))
        taken = _existing(db, codes)
    today = today or date.today()
    before_opening = wave.status(today) in (NOT_PUBLISHED, NOT_YET_OPEN)
    batch = CodeBatch(
        wave_id=wave.id, district=district, service_area=service_area,
        staff_role=staff_role, size=count, made_on=today,
        # before opening, the batch is on the printable list of all codes instead
        shown=before_opening,
    )
    db.add(batch)
    db.flush()
    db.add_all(
        InvitationCode(code=code, wave_id=wave.id, batch_id=batch.id, used=False)
        for code in sorted(codes)
    )
    db.flush()
    return batch


def _existing(db: Session, codes: set[str]) -> set[str]:
    return set(db.scalars(select(InvitationCode.code).where(InvitationCode.code.in_(codes))))


def generate_codes(
    db: Session,
    wave: Wave,
    count: int,
    *,
    district: District,
    service_area: ServiceArea | None = None,
    staff_role: StaffRole | None = None,
) -> list[InvitationCode]:
    """``make_batch``, returning the batch's codes (the demonstration and tests hand them
    out directly)."""
    batch = make_batch(
        db, wave, count, district=district, service_area=service_area, staff_role=staff_role
    )
    return batch_codes(db, batch)


def batch_codes(db: Session, batch: CodeBatch) -> list[InvitationCode]:
    return list(
        db.scalars(
            select(InvitationCode)
            .where(InvitationCode.batch_id == batch.id)
            .order_by(InvitationCode.code)
        )
    )


def wave_batches(db: Session, wave: Wave) -> list[CodeBatch]:
    """The wave's batches in the order they were made."""
    return list(
        db.scalars(select(CodeBatch).where(CodeBatch.wave_id == wave.id).order_by(CodeBatch.id))
    )


def any_code_used(db: Session, wave: Wave) -> bool:
    return db.scalar(
        select(InvitationCode.code)
        .where(InvitationCode.wave_id == wave.id, InvitationCode.used == true())
        .limit(1)
    ) is not None


def codes_may_be_listed(db: Session, wave: Wave, today: date) -> bool:
    """Whether the wave's codes may be printed or downloaded: only before it takes answers
    (not published yet, or opening later) and while no code has been used, so that no list
    can show whose code has gone."""
    return wave.status(today) in (NOT_PUBLISHED, NOT_YET_OPEN) and not any_code_used(db, wave)


def batch_may_be_shown(db: Session, wave: Wave, batch: CodeBatch, today: date) -> bool:
    """Before the wave takes answers: always. Afterwards: only a batch made while the wave
    was open, once, right after it was made."""
    return codes_may_be_listed(db, wave, today) or not batch.shown


def mark_shown(db: Session, wave: Wave, batch: CodeBatch, today: date) -> None:
    """Record that ``batch`` was shown, so that it cannot be shown again once the wave
    takes answers."""
    if wave.status(today) not in (NOT_PUBLISHED, NOT_YET_OPEN):
        batch.shown = True
        db.flush()


def find_code(db: Session, wave_id: int, code: str) -> InvitationCode | None:
    """The code as typed (normalised) for this wave, or None. Reads only."""
    if not code:
        return None
    return db.scalar(
        select(InvitationCode).where(
            InvitationCode.wave_id == wave_id, InvitationCode.code == code
        )
    )


def code_unit(code: InvitationCode) -> Unit:
    """The unit a code fixes (its batch's); the staff role may be left to the respondent."""
    batch = code.batch
    return Unit(batch.district_id, batch.service_area_id, batch.staff_role_id)


def exchange_code(db: Session, wave_id: int, code: str) -> bool:
    """Spend ``code``: True when it was unused and is now used. Of two simultaneous
    exchanges of one code exactly one succeeds (``UPDATE … WHERE used = false``). The
    caller commits at once, before anything else is written: the exchange is a
    transaction of its own (refused if the session holds unwritten changes)."""
    if db.new or db.dirty or db.deleted:
        raise RuntimeError("an invitation code is spent in a transaction of its own")
    result = db.execute(
        update(InvitationCode)
        .where(
            InvitationCode.wave_id == wave_id,
            InvitationCode.code == code,
            InvitationCode.used == false(),
        )
        .values(used=True)
    )
    return result.rowcount == 1


@dataclass(frozen=True)
class BatchRow:
    """One batch on the administration page: codes made, and how many were taken into use
    (None when hidden: ``reason`` says why)."""

    batch: CodeBatch
    used: int | None
    reason: str | None

    @property
    def share(self) -> float | None:
        return None if self.used is None else self.used / self.batch.size


@dataclass(frozen=True)
class Participation:
    rows: list[BatchRow]
    codes: int
    used: int | None
    reason: str | None


WAVE_OPEN_BELOW_MINIMUM = "below_minimum"


def participation(db: Session, wave: Wave, minimum: int, today: date) -> Participation:
    """Codes made and taken into use per batch, and in all. The counts are a scope of the
    disclosure gate (the total is the sum of the batches): a count below ``minimum`` is
    hidden, and so is any count it could be worked out from. While the wave is open, a
    count of zero is hidden too, so that watching it cannot tell when someone started."""
    batches = wave_batches(db, wave)
    used_by_batch = dict(
        db.execute(
            select(
                InvitationCode.batch_id,
                func.sum(case((InvitationCode.used == true(), 1), else_=0)),
            )
            .where(InvitationCode.wave_id == wave.id)
            .group_by(InvitationCode.batch_id)
        ).all()
    )
    counts = {b.id: int(used_by_batch.get(b.id) or 0) for b in batches}
    cells = [Cell(batch_id, n) for batch_id, n in counts.items()]
    cells.append(Cell(TOTAL, sum(counts.values())))
    relations = [SumRelation(TOTAL, tuple(counts))] if counts else []
    outcome = suppress(cells, relations, minimum)
    wave_open = wave.status(today) == OPEN

    def shown(key) -> tuple[int | None, str | None]:
        cell = outcome[key]
        if cell.published and wave_open and cell.n == 0:
            return None, WAVE_OPEN_BELOW_MINIMUM
        return cell.n, cell.reason

    rows = [BatchRow(b, *shown(b.id)) for b in batches]
    total, reason = shown(TOTAL)
    return Participation(rows, sum(b.size for b in batches), total, reason)
