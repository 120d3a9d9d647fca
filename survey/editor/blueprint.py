"""The questionnaire editor's blueprint (``survey_editor`` under ``/survey/admin/instruments``):
every page of ``survey.editor.instruments`` and ``survey.editor.questions``, registered here."""

from __future__ import annotations

from flask import Flask

from core.web import GET, GET_POST, POST, routed_blueprint
from survey.editor import instruments, questions

#: (rule, view, methods) of every editor page
ROUTES = (
    ("/", instruments.instruments, GET),
    ("/new", instruments.new_instrument, GET_POST),
    ("/<int:instrument_id>", instruments.instrument, GET),
    ("/<int:instrument_id>/edit", instruments.edit_instrument, GET_POST),
    ("/<int:instrument_id>/new-version", instruments.make_new_version, POST),
    ("/<int:instrument_id>/sections/new", instruments.new_section, GET_POST),
    ("/<int:instrument_id>/sections/<int:section_id>/edit", instruments.edit_section, GET_POST),
    ("/<int:instrument_id>/sections/<int:section_id>/move", instruments.move_section, POST),
    ("/<int:instrument_id>/sections/<int:section_id>/delete",
     instruments.delete_section, GET_POST),
    ("/<int:instrument_id>/sections/<int:section_id>/questions/new",
     questions.new_question, GET_POST),
    ("/<int:instrument_id>/questions/<int:question_id>/edit",
     questions.edit_question, GET_POST),
    ("/<int:instrument_id>/questions/<int:question_id>/move", questions.move_question, POST),
    ("/<int:instrument_id>/questions/<int:question_id>/delete",
     questions.delete_question, GET_POST),
)


def register(app: Flask) -> None:
    """Register the editor's pages; they are reached from the survey waves page and the
    administrator's home page rather than from a navigation item of their own."""
    app.register_blueprint(routed_blueprint("survey_editor", __name__,
                                            "/survey/admin/instruments", ROUTES))
