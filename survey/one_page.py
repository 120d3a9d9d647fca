"""The whole questionnaire on one page (``survey.single``), and the quickest way to store a
response: ``POST /survey/<id>/all`` with ``csrf_token`` and ``submission_token`` (both from
the GET), the unit fields (``district``, ``service_area``, ``staff_role`` as codes,
``dim_<dimension code>``; or ``code`` for invitation-code waves) and one field
``q<question id>`` per answer. Stored → 303 to the thank-you page; errors → 422 with the
messages on the fields and nothing stored.

The POST reads nothing on the way to storing: the wave's settings, the questionnaire and
the organisation lists are cached per worker, and whether the wave is still open is checked
by the statement that spends the submission token (``survey.services.submit``)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from core.access import public
from core.db import get_session
from survey.answers import validate_answers
from survey.blank_form import blank_fields
from survey.models import INVITATION_CODES, OPEN
from survey.queries import WAVE_INFO_SECONDS, WaveInfo, wave_info, wave_instrument
from survey.respond import org_choices, parse_unit, wave_dimensions
from survey.services import WAVE_NOT_OPEN, SubmissionRefused, submit
from survey.tokens import issue_submission_token, valid_submission_token
from survey.views import CODE_USED, FORM_EXPIRED, bp, check_code, not_open_page, today, wave_or_404


@bp.route("/<int:wave_id>/all", methods=["GET", "POST"])
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
    choices = org_choices(db)
    spec = wave_instrument(db, wave)
    dimensions = wave_dimensions(wave, choices)
    return render_template(
        "survey/single.html", wave=wave, spec=spec, choices=choices, dimensions=dimensions,
        values={}, errors={}, token=issue_submission_token(wave.id), form_error=None,
        blank_fields=blank_fields(wave, spec, choices, dimensions),
    )


def _store(info: WaveInfo):
    db = get_session()
    spec = wave_instrument(db, info)
    choices = org_choices(db)
    form = request.form
    token = form.get("submission_token")
    code = None
    errors: dict[str, object] = {}
    if info.mode == INVITATION_CODES:
        code, error = check_code(info, form.get("code"))
        if error:
            errors["code"] = error
    unit, unit_errors = parse_unit(info, form, choices, code)
    if info.mode != INVITATION_CODES or code is not None:
        errors.update(unit_errors)
    answers, answer_errors = validate_answers(spec.questions, form)
    errors.update(answer_errors)
    form_error = None
    if not valid_submission_token(info.id, token):
        form_error, token = FORM_EXPIRED, issue_submission_token(info.id)
    if not errors and form_error is None:
        given = {qid: value for qid, value in answers.items() if value is not None}
        try:
            submit(db, info, unit, given, token=token,
                   invitation_code=code.code if code else None, today=today())
        except SubmissionRefused as refused:
            db.rollback()
            page = not_open_page(wave_or_404(info.id))
            if refused.reason == WAVE_NOT_OPEN and page is not None:
                return page
            errors["code"] = CODE_USED
        else:
            db.commit()
            return redirect(url_for(".thanks", wave_id=info.id), code=303)
    wave = wave_or_404(info.id)
    return render_template(
        "survey/single.html", wave=wave, spec=spec, choices=choices,
        dimensions=wave_dimensions(wave, choices), values=dict(form), errors=errors,
        token=token, form_error=form_error,
    ), 422
