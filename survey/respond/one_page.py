"""The whole questionnaire on one page (``survey.single``), and the quickest way to store a
response: ``POST /survey/<id>/all`` with ``csrf_token`` and ``submission_token`` (both from
the GET), the unit fields (``district``, ``service_area``, ``staff_role`` as codes,
``dim_<dimension code>``) and one field ``q<question id>`` per answer. Stored → 303 to the
thank-you page; errors → 422 with the messages on the fields and nothing stored.

The GET starts the answering session: on an open link it counts one of the client's
allowance (``survey.respond.allowance``); on an invitation-code wave the code is entered on the
start page first, and its unit comes with the session (``survey.respond.passes``). So the POST
that stores the response never spends a code or counts a client.

The POST reads nothing on the way to storing: the wave's settings, the questionnaire and
the organisation lists are cached per worker, and whether the wave is still open is checked
by the statement that spends the submission token (``survey.services.submit``)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from core.access import public
from core.db import get_session
from core.i18n import _l
from survey.catalog import WAVE_INFO_SECONDS, WaveInfo, wave_info, wave_instrument
from survey.models import INVITATION_CODES, OPEN
from survey.queries import token_spent
from survey.respond import drafts
from survey.respond.answers import validate_answers
from survey.respond.blank_form import blank_fields
from survey.respond.choices import org_choices, parse_unit, unit_labels, wave_dimensions
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
    today,
    too_many_page,
    wave_or_404,
)
from survey.respond.passes import Pass, current_pass, has_answered, mark_answered
from survey.services import SubmissionRefused, submit
from survey.tokens import valid_submission_token
from survey.waves.codes import code_unit

ENTER_CODE = _l("Enter the invitation code from your note first. Your answers below are kept.")
CODE_ACCEPTED = _l("Your code is accepted. Check your answers and send them.")


@public
def single(wave_id: int):
    """The whole questionnaire on one page; sending it stores the response at once."""
    db = get_session()
    if request.method == "POST":
        info = wave_info(db, wave_id, max_age=WAVE_INFO_SECONDS)
        if info is not None and info.status(today()) != OPEN:
            info = wave_info(db, wave_id)  # read again: it may have opened just now
        if info is None:
            abort(404)
        if info.status(today()) == OPEN:
            return _store(info)
    wave = wave_info(db, wave_id)  # read now: a wave just closed must say so at once
    if wave is None:
        abort(404)
    if wave.status(today()) != OPEN:
        return not_open_page(wave_or_404(wave_id))
    held = current_pass(wave.id)
    if held is None and has_answered(wave.id):
        return answered_page(wave)
    if wave.mode == INVITATION_CODES and (held is None or held.unit is None):
        return redirect(url_for(".start", wave_id=wave.id, then=ONE_PAGE))
    if held is None:
        held = pass_for_open_link(wave, None)
        if held is None:
            return too_many_page(wave)
    choices = org_choices(db)
    spec = wave_instrument(db, wave)
    dimensions = wave_dimensions(wave, choices)
    return render_template(
        "survey/single.html", wave=wave, spec=spec, choices=choices, dimensions=dimensions,
        values={}, errors={}, token=held.token, form_error=None,
        blank_fields=blank_fields(wave, spec, choices, dimensions),
        unit=_unit_rows(wave, held, choices),
    )


def _unit_rows(wave: WaveInfo, held: Pass | None, choices) -> list[tuple[str, str]] | None:
    """The unit an invitation code fixed, shown instead of the unit fields."""
    if wave.mode != INVITATION_CODES or held is None or held.unit is None:
        return None
    return unit_labels(wave, held.unit, choices)


def _store(info: WaveInfo):
    db = get_session()
    spec = wave_instrument(db, info)
    choices = org_choices(db)
    form = request.form
    token = form.get("submission_token")
    held = current_pass(info.id)
    codes = info.mode == INVITATION_CODES
    if codes and (held is None or token != held.token) \
            and valid_submission_token(info.id, token) and token_spent(db, token):
        # a repeated send of a form that was stored (its session has ended)
        return redirect(url_for(".thanks", wave_id=info.id), code=303)
    errors: dict[str, object] = {}
    form_error = None
    if codes:
        if held is None or held.unit is None:
            return _code_first(info, spec, choices)
        unit = held.unit
    else:
        unit, errors = parse_unit(info, form, choices)
    answers, answer_errors = validate_answers(spec.questions, form)
    errors.update(answer_errors)
    if not valid_submission_token(info.id, token) or (codes and token != held.token):
        form_error = FORM_EXPIRED
        if held is None:
            held = pass_for_open_link(info, None)
            if held is None:
                return too_many_page(info, status=429)
        token = held.token
    if not errors and form_error is None:
        given = {qid: value for qid, value in answers.items() if value is not None}
        try:
            stored = submit(db, info, spec, unit, given, token=token, today=today())
        except SubmissionRefused:
            db.rollback()
            return not_open_page(wave_or_404(info.id)) or _form(info, spec, choices, form,
                                                                 errors, token, FORM_EXPIRED)
        draft = held_draft(info.id, held) if held is not None and held.token == token else None
        if stored is not None and draft is not None:
            drafts.delete_draft(db, draft)
        db.commit()
        mark_answered(info.id, info.closes_on)
        return redirect(url_for(".thanks", wave_id=info.id), code=303)
    return _form(info, spec, choices, form, errors, token, form_error, held=held)


def _code_first(info: WaveInfo, spec, choices):
    """An invitation-code wave posted without an answering session (its cookie was lost):
    keep the answers, and take the code (spent now, in a transaction of its own); the
    answers are stored when the form is sent again, in a later request."""
    form = request.form
    if not (form.get("code") or "").strip():
        return _form(info, spec, choices, form, {"code": ENTER_CODE}, "", None)
    code, error = check_code(info, form.get("code"))
    if code is None:
        return _form(info, spec, choices, form, {"code": error}, "", None)
    unit, errors = parse_unit(info, form, choices, code_unit(code))
    if errors:
        return _form(info, spec, choices, form, errors, "", None)
    held = pass_for_code(info, code, unit)
    if held is None:
        return _form(info, spec, choices, form, {"code": CODE_USED}, "", None)
    return _form(info, spec, choices, form, {}, held.token, CODE_ACCEPTED, held=held)


def _form(info: WaveInfo, spec, choices, form, errors, token, form_error, held=None):
    """The one-page form again with what was sent, the messages and nothing stored."""
    wave = wave_or_404(info.id)
    return render_template(
        "survey/single.html", wave=wave, spec=spec, choices=choices,
        dimensions=wave_dimensions(wave, choices), values=dict(form), errors=errors,
        token=token, form_error=form_error, unit=_unit_rows(info, held, choices),
    ), 422
