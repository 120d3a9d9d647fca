"""Question pages of the questionnaire editor (registered by ``survey.editor.blueprint``):
add a question of a chosen type to a section, edit it (also moving it to another section),
move it up or down, delete it after a confirmation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from core.access import ADMIN, requires
from core.db import get_session
from core.i18n import _
from core.org.models import DevelopmentArea, list_active
from survey.editor import editing
from survey.editor.forms import NO_CHOICE, TYPE_LABELS, QuestionForm
from survey.editor.instruments import (
    editable_or_404,
    instrument_error,
    section_or_404,
)
from survey.instruments import InstrumentError
from survey.models import CHOICE, QUESTION_TYPES, Instrument, Question


def _question_or_404(instrument: Instrument, question_id: int) -> Question:
    question = get_session().get(Question, question_id)
    if question is None or question.instrument_id != instrument.id:
        abort(404)
    return question


def _question_form(instrument: Instrument, qtype: str, question: Question | None) -> QuestionForm:
    form = QuestionForm(qtype)
    form.section_id.choices = [
        SelectChoice(s.id, f"{s.position}. {s.title}") for s in instrument.sections
    ]
    areas = list_active(get_session(), DevelopmentArea)
    form.development_area_id.choices = [SelectChoice(NO_CHOICE, _("None"))] + [
        SelectChoice(a.id, f"{a.number}. {a.name}") for a in areas
    ]
    if question is not None and request.method == "GET":
        form.fill_from(question)
    form.add_spare_rows()
    return form


def _save(form: QuestionForm, action) -> bool:
    """Run ``action`` (which writes) and commit; a refusal becomes a message on the form."""
    db = get_session()
    try:
        action()
    except InstrumentError as error:
        db.rollback()
        form.form_errors.append(instrument_error(error))
        return False
    db.commit()
    return True


def _code_free(form: QuestionForm, instrument: Instrument, question: Question | None) -> bool:
    taken = editing.question_code_taken(
        get_session(), instrument, form.code.data, question.id if question else None
    )
    if taken:
        form.code.errors.append(_("Another question of this questionnaire has this code."))
    return not taken


def _render(form, instrument, section, question, qtype):
    return render_template(
        "survey/editor/question_form.html", form=form, instrument=instrument, section=section,
        question=question, qtype=qtype, type_label=TYPE_LABELS[qtype],
    ), (422 if request.method == "POST" else 200)


@requires(ADMIN)
def new_question(instrument_id: int, section_id: int):
    instrument = editable_or_404(instrument_id)
    section = section_or_404(instrument, section_id)
    qtype = request.args.get("type", "")
    if qtype not in QUESTION_TYPES:
        abort(404)
    form = _question_form(instrument, qtype, None)
    del form.section_id
    if form.validate_on_submit() and _code_free(form, instrument, None):
        fields = editing.question_fields(qtype, form.field_data())
        options = form.option_rows() if qtype == CHOICE else []
        created: list[Question] = []
        if _save(form, lambda: created.append(
            editing.add_question(get_session(), section, fields, options)
        )):
            flash(_("The question was added."), "success")
            return redirect(url_for(".instrument", instrument_id=instrument.id,
                                    _anchor=f"q{created[0].id}"))
    return _render(form, instrument, section, None, qtype)


@requires(ADMIN)
def edit_question(instrument_id: int, question_id: int):
    instrument = editable_or_404(instrument_id)
    question = _question_or_404(instrument, question_id)
    qtype = question.type
    form = _question_form(instrument, qtype, question)
    if form.validate_on_submit() and _code_free(form, instrument, question):
        fields = editing.question_fields(qtype, form.field_data())
        options = form.option_rows() if qtype == CHOICE else []
        target = section_or_404(instrument, form.section_id.data)
        if _save(form, lambda: editing.update_question(
            get_session(), question, fields, options, target
        )):
            flash(_("The question was saved."), "success")
            return redirect(url_for(".instrument", instrument_id=instrument.id,
                                    _anchor=f"q{question.id}"))
    return _render(form, instrument, question.section, question, qtype)


@requires(ADMIN)
def move_question(instrument_id: int, question_id: int):
    db = get_session()
    instrument = editable_or_404(instrument_id)
    question = _question_or_404(instrument, question_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    if editing.move_question(db, question, offset):
        db.commit()
    return redirect(url_for(".instrument", instrument_id=instrument.id,
                            _anchor=f"q{question.id}"))


@requires(ADMIN)
def delete_question(instrument_id: int, question_id: int):
    """A confirmation page; the POST deletes the question."""
    db = get_session()
    instrument = editable_or_404(instrument_id)
    question = _question_or_404(instrument, question_id)
    if request.method == "POST":
        editing.delete_question(db, question)
        db.commit()
        flash(_("The question was deleted."), "success")
        return redirect(url_for(".instrument", instrument_id=instrument.id))
    return render_template(
        "survey/editor/confirm.html",
        title=_("Delete the question “%(code)s”?", code=question.code),
        text=question.text,
        action=_("Delete the question"),
        cancel=url_for(".instrument", instrument_id=instrument.id, _anchor=f"q{question.id}"),
    )
