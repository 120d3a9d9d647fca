"""The respondent pages (blueprint ``survey`` under ``/survey``): every route of
``survey.respond.views`` and ``survey.respond.one_page``, registered here."""

from __future__ import annotations

from flask import Flask

from core.web import GET, GET_POST, POST, routed_blueprint
from survey.respond import one_page, views

#: (rule, view, methods) of every respondent page
ROUTES = (
    ("/", views.index, GET),
    ("/<int:wave_id>/", views.start, GET_POST),
    ("/<int:wave_id>/page/<int:number>", views.page, GET_POST),
    ("/<int:wave_id>/review", views.review, GET_POST),
    ("/<int:wave_id>/later", views.later, GET),
    ("/resume", views.resume, GET_POST),
    ("/<int:wave_id>/thanks", views.thanks, GET),
    ("/<int:wave_id>/another", views.another, POST),
    ("/<int:wave_id>/all", one_page.single, GET_POST),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("survey", __name__, "/survey", ROUTES))
