"""The pages that run waves (blueprint ``survey_admin`` under ``/survey/admin``) and the
analysts' raw-responses CSV (blueprint ``survey_export`` under ``/survey``): every route of
``survey.waves.views`` and ``survey.waves.raw_export``, registered here."""

from __future__ import annotations

from flask import Flask

from core.web import GET, GET_POST, POST, routed_blueprint
from survey.waves import raw_export, views

#: (rule, view, methods) of every wave administration page
ROUTES = (
    ("/waves", views.waves, GET),
    ("/waves/new", views.new_wave, GET_POST),
    ("/waves/<int:wave_id>", views.wave, GET_POST),
    ("/waves/<int:wave_id>/open", views.open_wave, POST),
    ("/waves/<int:wave_id>/close", views.close_wave, POST),
    ("/waves/<int:wave_id>/headcounts", views.wave_headcounts, GET_POST),
    ("/waves/<int:wave_id>/codes", views.make_codes, POST),
    ("/waves/<int:wave_id>/codes", views.print_codes, GET),
    ("/waves/<int:wave_id>/codes/batch/<int:batch_id>", views.print_batch, GET),
    ("/waves/<int:wave_id>/poster", views.poster, GET),
    ("/waves/<int:wave_id>/codes.csv", views.codes_csv, GET),
)
#: the raw responses of a closed wave, beside the respondent pages of the wave
EXPORT_ROUTES = (
    ("/<int:wave_id>/responses.csv", raw_export.responses_csv, GET),
)


def register(app: Flask) -> None:
    app.register_blueprint(routed_blueprint("survey_admin", __name__, "/survey/admin", ROUTES))
    app.register_blueprint(routed_blueprint("survey_export", __name__, "/survey", EXPORT_ROUTES))
