"""The questionnaire editor's blueprint (``survey_editor`` under ``/survey/admin/instruments``):
every page of ``survey.editor.instruments`` and ``survey.editor.questions``, registered here."""

from __future__ import annotations

from flask import Flask

from core.web import GET, GET_POST, POST, routed_blueprint
from survey.editor import instruments as editor_views
from survey.editor import questions as editor_questions

#: (rule, view, methods) of every editor page
ROUTES = (
    ("/", editor_views.instruments, GET),
    ("/new", editor_views.new_instrument, GET_POST),
    ("/<int:instrument_id>", editor_views.instrument, GET),
    ("/<int:instrument_id>/edit", editor_views.edit_instrument, GET_POST),
    ("/<int:instrument_id>/new-version", editor_views.make_new_version, POST),
    ("/<int:instrument_id>/sections/new", editor_views.new_section, GET_POST),
    ("/<int:instrument_id>/sections/<int:section_id>/edit", editor_views.edit_section, GET_POST),
    ("/<int:instrument_id>/sections/<int:section_id>/move", editor_views.move_section, POST),
    ("/<int:instrument_id>/sections/<int:section_id>/delete",
     editor_views.delete_section, GET_POST),
    ("/<int:instrument_id>/sections/<int:section_id>/questions/new",
     editor_questions.new_question, GET_POST),
    ("/<int:instrument_id>/questions/<int:question_id>/edit",
     editor_questions.edit_question, GET_POST),
    ("/<int:instrument_id>/questions/<int:question_id>/move", editor_questions.move_question, POST),
    ("/<int:instrument_id>/questions/<int:question_id>/delete",
     editor_questions.delete_question, GET_POST),
)


def register(app: Flask) -> None:
    """Register the editor's pages; they are reached from the survey waves page and the
    administrator's home page rather than from a navigation item of their own."""
    app.register_blueprint(routed_blueprint("survey_editor", __name__,
                                            "/survey/admin/instruments", ROUTES))
