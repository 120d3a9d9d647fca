"""What every respondent page shares: its messages, the wave of a URL, the pages for a wave
that is not open, answered already or out of sessions, taking an invitation code or one
count of the open link's allowance for a new answering session, and the session's draft."""

from __future__ import annotations

from datetime import date

from flask import abort, redirect, render_template, url_for

from core.db import get_session
from core.i18n import _l, fmt_date
from survey.catalog import WaveInfo
from survey.models import NOT_YET_OPEN, OPEN, InvitationCode, Wave
from survey.queries import token_spent
from survey.respond import drafts
from survey.respond.allowance import retry_after, take_allowance
from survey.respond.choices import (
    STATUS_MESSAGES,
    feedback_url,
)
from survey.respond.passes import (
    Pass,
    drop_pass,
    keep_pass,
    mark_answered,
)
from survey.tokens import (
    issue_submission_token,
    normalize_code,
)
from survey.units import Unit
from survey.waves.codes import exchange_code, find_code

CODE_UNKNOWN = _l("The code is not valid for this survey. Check that you typed it correctly.")
CODE_USED = _l("This code has already been used. Each code can be used once.")
FORM_EXPIRED = _l("The form had expired. Please check your answers and send them again.")
#: ``?then=all``: after the start page, go to the one-page form
ONE_PAGE = "all"


def today() -> date:
    return date.today()


def wave_or_404(wave_id: int) -> Wave:
    wave = get_session().get(Wave, wave_id)
    if wave is None:
        abort(404)
    return wave


def not_open_page(wave: Wave):
    """The page for a wave that does not take answers now, or None when it is open."""
    status = wave.status(today())
    if status == OPEN:
        return None
    message = str(STATUS_MESSAGES[status])
    if status == NOT_YET_OPEN:
        message = message % {"date": fmt_date(wave.opens_on)}
    return render_template("survey/not_open.html", wave=wave, message=message, status=status)


def answered_page(wave: Wave | WaveInfo):
    """This browser has sent its answers to the wave already."""
    return render_template("survey/answered.html", wave=wave, feedback_url=feedback_url())


def too_many_page(wave: Wave | WaveInfo, status: int = 429):
    """The client has started as many answering sessions as one address may in a while."""
    seconds = retry_after(get_session(), wave.id)
    minutes = max(1, round(seconds / 60))
    response = render_template("survey/too_many.html", wave=wave, minutes=minutes)
    return response, status, {"Retry-After": str(seconds)}


def check_code(wave: Wave | WaveInfo, raw: str | None) -> tuple[InvitationCode | None, object]:
    code = find_code(get_session(), wave.id, normalize_code(raw))
    if code is None:
        return None, CODE_UNKNOWN
    if code.used:
        return None, CODE_USED
    return code, None


def pass_for_code(wave: Wave | WaveInfo, code: InvitationCode, unit: Unit) -> Pass | None:
    """Spend ``code`` in a transaction of its own (committed here, before anything else is
    written) and give the browser an answering session for ``unit``; None when the code
    was used at the same moment by someone else."""
    return _start_pass(wave, unit, exchange_code(get_session(), wave.id, code.code))


def pass_for_open_link(wave: Wave | WaveInfo, unit: Unit | None) -> Pass | None:
    """A new answering session on an open link, paid for with one count of the client's
    allowance (committed here, in a transaction of its own); None when it is used up."""
    return _start_pass(wave, unit, take_allowance(get_session(), wave.id))


def _start_pass(wave: Wave | WaveInfo, unit: Unit | None, paid: bool) -> Pass | None:
    """Commit what was taken for a new answering session and give it to the browser; roll
    back and give None when nothing could be taken."""
    db = get_session()
    if not paid:
        db.rollback()
        return None
    db.commit()
    held = Pass(wave.id, issue_submission_token(wave.id), unit)
    keep_pass(held)
    return held


def held_draft(wave_id: int, held: Pass | None):
    """The draft of the answering session, if answers have been saved."""
    if held is None or not held.resume:
        return None
    return drafts.find_draft(get_session(), held.resume, wave_id)


def session_over(wave: Wave, held: Pass):
    """The session's draft is gone: its response was stored (sent from another device, or
    this very send's answer was lost on the way back and it is sent again), or the wave
    closed meanwhile. The thank-you page when it was stored, else the start page."""
    drop_pass(wave.id)
    if token_spent(get_session(), held.token):
        mark_answered(wave.id, wave.closes_on)
        return redirect(url_for(".thanks", wave_id=wave.id), code=303)
    return redirect(url_for(".start", wave_id=wave.id))
