"""Answers in progress, kept on the server so that a respondent can move back and forth, or
continue later on another device. A draft is made when the first page of answers is saved
(never in the request that spent an invitation code), is found by a keyed hash of its
random resume code (the code itself is not stored), holds no identity and no invitation
code, and is deleted when its response is stored or its wave closes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from survey.models import STATE_CLOSED, ClientAllowance, ResumeDraft, Wave
from survey.tokens import RESUME_CODE_LENGTH, random_code, resume_key
from survey.units import Unit


def start_draft(
    db: Session, wave_id: int, unit: Unit, *, submission_token: str, today: date
) -> tuple[ResumeDraft, str]:
    """A new, empty draft for an answering session; returns it and its resume code (which
    only the respondent keeps)."""
    resume_code = random_code(RESUME_CODE_LENGTH)
    draft = ResumeDraft(
        id=resume_key(resume_code),
        wave_id=wave_id,
        district_id=unit.district_id,
        service_area_id=unit.service_area_id,
        staff_role_id=unit.staff_role_id,
        extra_key=unit.extra_key,
        answers={},
        submission_token=submission_token,
        updated_on=today,
    )
    db.add(draft)
    db.flush()
    return draft, resume_code


def find_draft(
    db: Session, resume_code: str | None, wave_id: int | None = None
) -> ResumeDraft | None:
    """The draft that ``resume_code`` opens (of ``wave_id`` when given), or None."""
    if not resume_code:
        return None
    draft = db.get(ResumeDraft, resume_key(resume_code))
    if draft is None or (wave_id is not None and draft.wave_id != wave_id):
        return None
    return draft


def set_unit(draft: ResumeDraft, unit: Unit, today: date) -> None:
    draft.district_id, draft.service_area_id = unit.district_id, unit.service_area_id
    draft.staff_role_id, draft.extra_key = unit.staff_role_id, unit.extra_key
    draft.updated_on = today


def draft_unit(draft: ResumeDraft) -> Unit:
    return Unit(draft.district_id, draft.service_area_id, draft.staff_role_id, draft.extra_key)


def draft_answers(draft: ResumeDraft) -> dict[int, int | str]:
    return {int(k): v for k, v in (draft.answers or {}).items()}


def save_answers(draft: ResumeDraft, answers: Mapping[int, int | str | None], today: date) -> None:
    """Merge a page's answers into the draft; None removes an answer."""
    merged = dict(draft.answers or {})
    for question_id, value in answers.items():
        if value is None:
            merged.pop(str(question_id), None)
        else:
            merged[str(question_id)] = value
    draft.answers = merged  # a new dict, so the JSON column is written
    draft.updated_on = today


def delete_draft(db: Session, draft: ResumeDraft) -> None:
    db.delete(draft)
    db.flush()


def purge_drafts(db: Session, wave: Wave) -> int:
    """Delete every draft of ``wave``, and the per-client counts of its open link (nobody
    starts any more); returns how many drafts were deleted."""
    db.execute(delete(ClientAllowance).where(ClientAllowance.wave_id == wave.id))
    result = db.execute(delete(ResumeDraft).where(ResumeDraft.wave_id == wave.id))
    wave.drafts_purged = True
    db.flush()
    return result.rowcount or 0


def purge_closed_drafts(db: Session, today: date) -> int:
    """Delete the drafts of every wave that is closed (by the administrator or by its
    date) and not yet purged. Cheap when there is nothing to do: one query on the small
    wave table."""
    closed = db.scalars(
        select(Wave).where(
            Wave.drafts_purged.is_(False),
            (Wave.state == STATE_CLOSED) | (Wave.closes_on < today),
        )
    ).all()
    total = 0
    for wave in closed:
        total += purge_drafts(db, wave)
    return total
