"""Respondent pages (all public, no login, no identity): the list of open waves, the start
page (pick a unit or enter an invitation code), one page per section, review, thank-you,
continue later / resume, and the whole questionnaire on one page.

The one-page form is also the quickest way to store a response: ``POST /survey/<id>/all``
with ``csrf_token``, ``submission_token`` (both from the GET), the unit fields (``district``,
``service_area``, ``staff_role`` as codes, ``dim_<code>``; or ``code`` for invitation-code
waves) and one field ``q<question id>`` per answer. It answers 303 to the thank-you page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from core.access import public
from core.db import get_session
from core.i18n import _l, fmt_date
from survey import drafts
from survey.answers import form_value, missing_required, validate_answers
from survey.models import INVITATION_CODES, NOT_YET_OPEN, OPEN, InvitationCode, Wave
from survey.queries import wave_instrument, waves_with_status
from survey.respond import (
    STATUS_MESSAGES,
    feedback_url,
    org_choices,
    parse_unit,
    unit_labels,
    wave_dimensions,
)
from survey.services import WAVE_NOT_OPEN, SubmissionRefused, submit
from survey.tokens import (
    display_code,
    normalize_code,
    valid_submission_token,
)
from survey.waves import find_code

bp = Blueprint("survey", __name__, url_prefix="/survey")
DRAFT_KEY = "survey_draft"
CODE_UNKNOWN = _l("The code is not valid for this survey. Check that you typed it correctly.")
CODE_USED = _l("This code has already been used. Each code can be used once.")
FORM_EXPIRED = _l("The form had expired. Please check your answers and send them again.")


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


def check_code(wave: Wave, raw: str | None) -> tuple[InvitationCode | None, object | None]:
    code = find_code(get_session(), wave, normalize_code(raw))
    if code is None:
        return None, CODE_UNKNOWN
    if code.used:
        return None, CODE_USED
    return code, None


def _current_draft(wave: Wave):
    return drafts.find_draft(get_session(), session.get(DRAFT_KEY), wave.id)


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
    """Introduction and the unit (open link) or invitation code; then the first page."""
    wave = wave_or_404(wave_id)
    closed = not_open_page(wave)
    if closed is not None:
        return closed
    db = get_session()
    choices = org_choices(db)
    errors: dict[str, object] = {}
    values = dict(request.form) if request.method == "POST" else {}
    if request.method == "POST":
        code = None
        if wave.mode == INVITATION_CODES:
            code, error = check_code(wave, request.form.get("code"))
            if error:
                errors["code"] = error
        unit, unit_errors = parse_unit(wave, request.form, choices, code)
        errors.update(unit_errors if wave.mode != INVITATION_CODES or code else {})
        if not errors:
            draft = drafts.start_draft(
                db, wave, unit, invitation_code=code.code if code else None, today=today()
            )
            db.commit()
            session[DRAFT_KEY] = draft.id
            return redirect(url_for(".page", wave_id=wave.id, number=1), code=303)
    return render_template(
        "survey/start.html", wave=wave, spec=wave_instrument(db, wave), choices=choices,
        dimensions=wave_dimensions(wave, choices), values=values, errors=errors,
    ), (422 if errors else 200)


@bp.route("/<int:wave_id>/page/<int:number>", methods=["GET", "POST"])
@public
def page(wave_id: int, number: int):
    """One section; answers go into the draft when moving on, back or saving for later."""
    wave = wave_or_404(wave_id)
    closed = not_open_page(wave)
    if closed is not None:
        return closed
    db = get_session()
    draft = _current_draft(wave)
    if draft is None:
        return redirect(url_for(".start", wave_id=wave.id))
    spec = wave_instrument(db, wave)
    if not 1 <= number <= len(spec.sections):
        abort(404)
    section = spec.sections[number - 1]
    answers = drafts.draft_answers(draft)
    values = {q.field_name: form_value(q, answers.get(q.id)) for q in section.questions}
    errors: dict[str, object] = {}
    if request.method == "POST":
        action = request.form.get("action", "next")
        parsed, errors = validate_answers(
            section.questions, request.form, check_required=action == "next"
        )
        values = {q.field_name: request.form.get(q.field_name, "") for q in section.questions}
        if not errors:
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
    draft = _current_draft(wave)
    token = request.form.get("submission_token")
    if draft is None:
        if request.method == "POST" and valid_submission_token(wave.id, token):
            # a repeated send after the response was stored: nothing more to do
            return redirect(url_for(".thanks", wave_id=wave.id), code=303)
        return redirect(url_for(".start", wave_id=wave.id))
    answers = drafts.draft_answers(draft)
    missing = missing_required(spec.questions, answers)
    error = None
    if request.method == "POST" and not missing:
        if token != draft.submission_token:
            error = FORM_EXPIRED
        else:
            try:
                stored = submit(
                    db, wave, drafts.draft_unit(draft), answers, token=draft.submission_token,
                    invitation_code=draft.invitation_code, today=today(),
                )
            except SubmissionRefused as refused:
                db.rollback()
                page = not_open_page(wave_or_404(wave.id))
                if refused.reason == WAVE_NOT_OPEN and page is not None:
                    return page
                error = CODE_USED
            else:
                if stored is None:  # the same form sent twice at once: the other one stored
                    db.rollback()
                else:
                    drafts.delete_draft(db, draft)
                    db.commit()
                session.pop(DRAFT_KEY, None)
                return redirect(url_for(".thanks", wave_id=wave.id), code=303)
    choices = org_choices(db)
    return render_template(
        "survey/review.html", wave=wave, spec=spec, answers=answers,
        missing={q.id for q in missing}, error=error, token=draft.submission_token,
        unit=unit_labels(wave, drafts.draft_unit(draft), choices),
        total=len(spec.sections) + 1,
    ), (422 if error or (missing and request.method == "POST") else 200)


@bp.get("/<int:wave_id>/later")
@public
def later(wave_id: int):
    """The resume code of the current draft, to continue on this or another device."""
    wave = wave_or_404(wave_id)
    draft = _current_draft(wave)
    if draft is None:
        return redirect(url_for(".start", wave_id=wave.id))
    return render_template("survey/later.html", wave=wave, code=display_code(draft.id))


@bp.route("/resume", methods=["GET", "POST"])
@public
def resume():
    """Continue with a resume code: back to the first page without answers."""
    error = None
    if request.method == "POST":
        db = get_session()
        draft = drafts.find_draft(db, normalize_code(request.form.get("resume_code")))
        wave = db.get(Wave, draft.wave_id) if draft is not None else None
        if draft is None or wave is None:
            error = _l("No saved answers were found with that code. Check the code; saved "
                       "answers are deleted when the survey closes.")
        elif wave.status(today()) != OPEN:
            error = STATUS_MESSAGES.get(wave.status(today()))
        else:
            session[DRAFT_KEY] = draft.id
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
