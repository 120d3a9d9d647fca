"""Respondent pages (all public, no login, no identity): the list of open waves, the start
page (pick a unit or enter an invitation code), one page per section, review, thank-you,
continue later / resume, "you have answered already", and the whole questionnaire on one
page (``survey.one_page``).

An answering session (``survey.passes``) begins on the start page, or on the one-page form
of an open link: an invitation code is spent, or one count of the client's allowance on an
open link is used, in a transaction of its own. Answers are saved and the response is
stored in later requests, whose transactions hold nothing from that one."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for

from core.access import public
from core.db import get_session
from core.i18n import _l, fmt_date
from survey import drafts
from survey.allowance import retry_after, take_allowance
from survey.answers import form_value, missing_required, validate_answers
from survey.catalog import WaveInfo
from survey.codes import code_unit, exchange_code, find_code
from survey.models import INVITATION_CODES, NOT_YET_OPEN, OPEN, InvitationCode, Wave
from survey.passes import (
    Pass,
    current_pass,
    drop_pass,
    forget_answered,
    has_answered,
    keep_pass,
    mark_answered,
)
from survey.queries import token_spent, wave_instrument, waves_with_status
from survey.respond import (
    STATUS_MESSAGES,
    feedback_url,
    org_choices,
    parse_unit,
    unit_labels,
    wave_dimensions,
)
from survey.services import SubmissionRefused, submit
from survey.tokens import (
    display_code,
    issue_submission_token,
    normalize_code,
    valid_submission_token,
)
from survey.units import Unit

bp = Blueprint("survey", __name__, url_prefix="/survey")
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
    db = get_session()
    if not exchange_code(db, wave.id, code.code):
        db.rollback()
        return None
    db.commit()
    held = Pass(wave.id, issue_submission_token(wave.id), unit)
    keep_pass(held)
    return held


def pass_for_open_link(wave: Wave | WaveInfo, unit: Unit | None) -> Pass | None:
    """A new answering session on an open link, paid for with one count of the client's
    allowance (committed here, in a transaction of its own); None when it is used up."""
    db = get_session()
    if not take_allowance(db, wave.id):
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


@bp.get("/")
@public
def index():
    """Open waves, and a way back in with a resume code."""
    db = get_session()
    if drafts.purge_closed_drafts(db, today()):
        db.commit()
    waves = waves_with_status(db, {OPEN}, today())
    return render_template("survey/index.html", waves=waves)


def home_panel_context() -> dict:
    return {"survey_waves": waves_with_status(get_session(), {OPEN}, today())}


@bp.route("/<int:wave_id>/", methods=["GET", "POST"])
@public
def start(wave_id: int):
    """Introduction and the unit (open link) or invitation code; then the first page (or
    the one-page form with ``?then=all``). The code is spent, or the open link's allowance
    counted, here and in a transaction of its own; no answer is written in this request."""
    wave = wave_or_404(wave_id)
    closed = not_open_page(wave)
    if closed is not None:
        return closed
    held = current_pass(wave.id)
    if held is None and has_answered(wave.id):
        return answered_page(wave)
    db = get_session()
    choices = org_choices(db)
    then = ONE_PAGE if request.values.get("then") == ONE_PAGE else ""
    codes = wave.mode == INVITATION_CODES
    errors: dict[str, object] = {}
    values = dict(request.form) if request.method == "POST" else _unit_values(held, choices)
    if request.method == "GET" and codes and request.args.get("code"):
        # the link of a printed note's QR code: the code is filled in, and spent only when
        # the respondent starts (GET never spends it)
        values["code"] = display_code(normalize_code(request.args.get("code")))
    if request.method == "POST" and codes and held is not None:
        return redirect(_after_start(wave, then), code=303)  # the code is accepted already
    if request.method == "POST":
        code = None
        if codes:
            code, error = check_code(wave, request.form.get("code"))
            if error:
                errors["code"] = error
        unit, unit_errors = parse_unit(wave, request.form, choices,
                                       code_unit(code) if code else None)
        if not codes or code is not None:
            errors.update(unit_errors)
        if not errors:
            if code is not None:
                held = pass_for_code(wave, code, unit)
                if held is None:
                    errors["code"] = CODE_USED
            elif held is None:
                held = pass_for_open_link(wave, unit)
                if held is None:
                    return too_many_page(wave)
            else:
                held = held.but(unit=unit)
                keep_pass(held)
                draft = held_draft(wave.id, held)
                if draft is not None:
                    drafts.set_unit(draft, unit, today())
                    db.commit()
        if not errors:
            return redirect(_after_start(wave, then), code=303)
    accepted = unit_labels(wave, held.unit, choices) if codes and held and held.unit else None
    return render_template(
        "survey/start.html", wave=wave, spec=wave_instrument(db, wave), choices=choices,
        dimensions=wave_dimensions(wave, choices), values=values, errors=errors, then=then,
        accepted=accepted,
    ), (422 if errors else 200)


def _after_start(wave: Wave, then: str) -> str:
    if then == ONE_PAGE:
        return url_for(".single", wave_id=wave.id)
    return url_for(".page", wave_id=wave.id, number=1)


def _unit_values(held: Pass | None, choices) -> dict[str, str]:
    """The start page's fields as picked before (open link, going back to it)."""
    if held is None or held.unit is None:
        return {}
    values = {}
    for name, kind in (("district", "districts"), ("service_area", "service_areas"),
                       ("staff_role", "staff_roles")):
        chosen = getattr(held.unit, f"{name}_id")
        values[name] = next((c.code for c in getattr(choices, kind) if c.id == chosen), "")
    for dimension_id, value_id in held.unit.extra.items():
        dim = choices.dimensions.get(dimension_id)
        if dim is not None:
            values[dim.field_name] = next((v.code for v in dim.values if v.id == value_id), "")
    return values


@bp.route("/<int:wave_id>/page/<int:number>", methods=["GET", "POST"])
@public
def page(wave_id: int, number: int):
    """One section; answers go into the draft when moving on, back or saving for later.
    The draft is made with the first answers saved, not when the session starts."""
    wave = wave_or_404(wave_id)
    closed = not_open_page(wave)
    if closed is not None:
        return closed
    db = get_session()
    held = current_pass(wave.id)
    if held is None or held.unit is None:
        return redirect(url_for(".start", wave_id=wave.id))
    draft = held_draft(wave.id, held)
    if held.resume and draft is None:
        return session_over(wave, held)
    spec = wave_instrument(db, wave)
    if not 1 <= number <= len(spec.sections):
        abort(404)
    section = spec.sections[number - 1]
    answers = drafts.draft_answers(draft) if draft is not None else {}
    values = {q.field_name: form_value(q, answers.get(q.id)) for q in section.questions}
    errors: dict[str, object] = {}
    if request.method == "POST":
        action = request.form.get("action", "next")
        parsed, errors = validate_answers(
            section.questions, request.form, check_required=action == "next"
        )
        values = {q.field_name: request.form.get(q.field_name, "") for q in section.questions}
        if not errors:
            if draft is None:
                draft, resume_code = drafts.start_draft(
                    db, wave.id, held.unit, submission_token=held.token, today=today()
                )
                keep_pass(held.but(resume=resume_code))
            drafts.save_answers(draft, parsed, today())
            db.commit()
            if action == "later":
                return redirect(url_for(".later", wave_id=wave.id), code=303)
            if action == "back":
                target = url_for(".page", wave_id=wave.id, number=max(1, number - 1))
                if number == 1:
                    target = url_for(".start", wave_id=wave.id)
                return redirect(target, code=303)
            if number < len(spec.sections):
                return redirect(url_for(".page", wave_id=wave.id, number=number + 1), code=303)
            return redirect(url_for(".review", wave_id=wave.id), code=303)
    return render_template(
        "survey/page.html", wave=wave, spec=spec, section=section, number=number,
        total=len(spec.sections) + 1, values=values, errors=errors,
    ), (422 if errors else 200)


@bp.route("/<int:wave_id>/review", methods=["GET", "POST"])
@public
def review(wave_id: int):
    """All answers with links to change them; sending them stores the response."""
    wave = wave_or_404(wave_id)
    closed = not_open_page(wave)
    if closed is not None:
        return closed
    db = get_session()
    spec = wave_instrument(db, wave)
    held = current_pass(wave.id)
    token = request.form.get("submission_token")
    if held is None or held.unit is None:
        if request.method == "POST" and valid_submission_token(wave.id, token) \
                and token_spent(db, token):
            # a repeated send after the response was stored: nothing more to do
            return redirect(url_for(".thanks", wave_id=wave.id), code=303)
        return redirect(url_for(".start", wave_id=wave.id))
    draft = held_draft(wave.id, held)
    if held.resume and draft is None:
        return session_over(wave, held)
    answers = drafts.draft_answers(draft) if draft is not None else {}
    missing = missing_required(spec.questions, answers)
    error = None
    if request.method == "POST" and not missing:
        if token != held.token:
            error = FORM_EXPIRED
        else:
            try:
                stored = submit(db, wave, held.unit, answers, token=held.token, today=today())
            except SubmissionRefused:
                db.rollback()
                return not_open_page(wave_or_404(wave.id)) or redirect(
                    url_for(".review", wave_id=wave.id), code=303)
            if stored is None:  # the same form sent twice at once: the other one stored
                db.rollback()
            else:
                if draft is not None:
                    drafts.delete_draft(db, draft)
                db.commit()
            mark_answered(wave.id, wave.closes_on)
            return redirect(url_for(".thanks", wave_id=wave.id), code=303)
    choices = org_choices(db)
    return render_template(
        "survey/review.html", wave=wave, spec=spec, answers=answers,
        missing={q.id for q in missing}, error=error, token=held.token,
        unit=unit_labels(wave, held.unit, choices),
        total=len(spec.sections) + 1,
    ), (422 if error or (missing and request.method == "POST") else 200)


@bp.get("/<int:wave_id>/later")
@public
def later(wave_id: int):
    """The resume code of the current draft, to continue on this or another device; "Continue
    now" goes on in this browser, where the answering session holds the draft already."""
    wave = wave_or_404(wave_id)
    held = current_pass(wave.id)
    draft = held_draft(wave.id, held)
    if held is None or draft is None:
        return redirect(url_for(".start", wave_id=wave.id))
    number = resume_page(wave_instrument(get_session(), wave), drafts.draft_answers(draft))
    then = (url_for(".review", wave_id=wave.id) if number is None
            else url_for(".page", wave_id=wave.id, number=number))
    return render_template("survey/later.html", wave=wave, code=display_code(held.resume),
                           continue_url=then)


@bp.route("/resume", methods=["GET", "POST"])
@public
def resume():
    """Continue with a resume code: back to the first page without answers."""
    error = None
    if request.method == "POST":
        db = get_session()
        code = normalize_code(request.form.get("resume_code"))
        draft = drafts.find_draft(db, code)
        wave = db.get(Wave, draft.wave_id) if draft is not None else None
        if draft is None or wave is None:
            error = _l("No saved answers were found with that code. Check the code; saved "
                       "answers are deleted when the survey closes.")
        elif wave.status(today()) != OPEN:
            error = STATUS_MESSAGES.get(wave.status(today()))
        else:
            keep_pass(Pass(wave.id, draft.submission_token, drafts.draft_unit(draft), code))
            spec = wave_instrument(db, wave)
            number = resume_page(spec, drafts.draft_answers(draft))
            if number is None:
                return redirect(url_for(".review", wave_id=wave.id), code=303)
            return redirect(url_for(".page", wave_id=wave.id, number=number), code=303)
    return render_template(
        "survey/resume.html", error=error, value=request.form.get("resume_code", "")
    ), (422 if error else 200)


def resume_page(spec, answers) -> int | None:
    """Where to continue: the first page with a required question unanswered, else the page
    after the last one with answers; None when the review is next."""
    sections = spec.sections
    for number, section in enumerate(sections, start=1):
        if any(q.required and q.id not in answers for q in section.questions):
            return number
    answered = [n for n, s in enumerate(sections, start=1)
                if any(q.id in answers for q in s.questions)]
    after = (answered[-1] + 1) if answered else 1
    return after if after <= len(sections) else None


@bp.get("/<int:wave_id>/thanks")
@public
def thanks(wave_id: int):
    wave = wave_or_404(wave_id)
    return render_template("survey/thanks.html", wave=wave, feedback_url=feedback_url())


@bp.post("/<int:wave_id>/another")
@public
def another(wave_id: int):
    """Someone else answers on a device whose browser has answered: forget that it has."""
    wave = wave_or_404(wave_id)
    forget_answered(wave.id)
    drop_pass(wave.id)
    return redirect(url_for(".start", wave_id=wave.id), code=303)
