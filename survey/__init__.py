"""Anonymous satisfaction and workload surveys. Each feature is a subpackage with its own
blueprint module: ``respond`` (the public respondent pages), ``waves`` (running waves, codes,
the raw CSV), ``editor`` (the questionnaire editor) and ``importing`` (``flask survey
import``); what they share (the tables, questionnaires, counters and storing a response) is
in the package itself."""

from __future__ import annotations

from flask import Flask

from core.access import ADMIN, AUTHENTICATED, MODERATOR, PUBLIC
from core.i18n import _l
from core.web import HomePanel, register_home_panel, register_nav
from survey import home, models  # noqa: F401  (models: the tables on the shared metadata)
from survey.cli import survey_cli
from survey.editor import blueprint as editor_blueprint
from survey.importing.cli import import_command
from survey.respond import blueprint as respond_blueprint
from survey.tokens import display_code
from survey.waves import blueprint as waves_blueprint


def init_app(app: Flask) -> None:
    """Blueprints, navigation, the home-page panels and ``flask survey``."""
    for feature in (respond_blueprint, waves_blueprint, editor_blueprint):
        feature.register(app)
    app.jinja_env.filters["code_display"] = display_code
    register_nav(app, "survey.index", _l("Surveys"), (PUBLIC,), order=10)
    register_nav(app, "survey_admin.waves", _l("Survey waves"), (MODERATOR, ADMIN), order=60)
    for panel in (
        HomePanel("survey/_home_panel.html", (PUBLIC,), home.open_waves_context, order=10),
        HomePanel("survey/_home_waves.html", (MODERATOR, ADMIN), home.waves_context, 15),
        HomePanel("survey/_home_answer.html", (AUTHENTICATED,), home.open_waves_context, 95),
    ):
        register_home_panel(app, panel)
    survey_cli.add_command(import_command)
    app.cli.add_command(survey_cli)
