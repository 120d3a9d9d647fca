"""Respondent pages (all public, no login, no identity): the list of open waves, the start
page (pick a unit or enter an invitation code), one page per section, review, thank-you,
continue later / resume, "you have answered already", and the whole questionnaire on one
page (``survey.respond.one_page``).

An answering session (``survey.respond.passes``) begins on the start page, or on the one-page form
of an open link: an invitation code is spent, or one count of the client's allowance on an
open link is used, in a transaction of its own. Answers are saved and the response is
stored in later requests, whose transactions hold nothing from that one."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from core.access import public
from core.db import get_session
from core.i18n import _l
from survey.catalog import wave_instrument, waves_with_status
from survey.models import INVITATION_CODES, OPEN, Wave
from survey.queries import token_spent
from survey.respond import drafts
from survey.respond.answers import form_value, missing_required, validate_answers
from survey.respond.choices import (
    STATUS_MESSAGES,
    feedback_url,
    org_choices,
    parse_unit,
    unit_labels,
    wave_dimensions,
)
from survey.respond.pages import (
    CODE_USED,
    FORM_EXPIRED,
    ONE_PAGE,
    answered_page,
    check_code,
    held_draft,
    not_open_page,
    pass_for_code,
    pass_for_open_link,
    session_over,
    today,
    too_many_page,
    wave_or_404,
)
from survey.respond.passes import (
    Pass,
    current_pass,
    drop_pass,
    forget_answered,
    has_answered,
    keep_pass,
    mark_answered,
)
from survey.services import SubmissionRefused, submit
from survey.tokens import (
    display_code,
    normalize_code,
    valid_submission_token,
)
from survey.waves.codes import code_unit


@public
def index():
    """Open waves, and a way back in with a resume code."""
    db = get_session()
    if drafts.purge_closed_drafts(db, today()):
        db.commit()
    waves = waves_with_status(db, {OPEN}, today())
    return render_template("survey/index.html", waves=waves)


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
                stored = submit(db, wave, spec, held.unit, answers, token=held.token, today=today())
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


@public
def thanks(wave_id: int):
    wave = wave_or_404(wave_id)
    return render_template("survey/thanks.html", wave=wave, feedback_url=feedback_url())


@public
def another(wave_id: int):
    """Someone else answers on a device whose browser has answered: forget that it has."""
    wave = wave_or_404(wave_id)
    forget_answered(wave.id)
    drop_pass(wave.id)
    return redirect(url_for(".start", wave_id=wave.id), code=303)
