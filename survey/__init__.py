"""Anonymous satisfaction and workload surveys: instruments, waves, responding, counters."""

from __future__ import annotations

from flask import Flask

from survey import models  # noqa: F401  (registers the tables on the shared metadata)


def init_app(app: Flask) -> None:
    """Blueprints, navigation, the home-page panel and ``flask survey``."""
    from core.access import ADMIN, AUTHENTICATED, MODERATOR, PUBLIC
    from core.i18n import _l
    from core.web import HomePanel, register_home_panel, register_nav
    from survey import (
        export,  # noqa: F401  (adds the analysts' raw-responses CSV to the blueprint)
        import_cli,  # noqa: F401  (adds ``flask survey import``)
        one_page,  # noqa: F401  (adds the one-page form to the blueprint)
    )
    from survey.admin_views import bp as admin_bp
    from survey.cli import survey_cli
    from survey.editor_blueprint import init_editor
    from survey.tokens import display_code
    from survey.views import bp, home_panel_context

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.jinja_env.filters["code_display"] = display_code
    register_nav(app, "survey.index", _l("Surveys"), (PUBLIC,), order=10)
    register_nav(app, "survey_admin.waves", _l("Survey waves"), (MODERATOR, ADMIN), order=60)
    from survey import home

    for panel in (
        HomePanel("survey/_home_panel.html", (PUBLIC,), home_panel_context, order=10),
        HomePanel("survey/_home_waves.html", (MODERATOR, ADMIN), home.waves_context, 15),
        HomePanel("survey/_home_answer.html", (AUTHENTICATED,), home.answer_context, 95),
    ):
        register_home_panel(app, panel)
    app.cli.add_command(survey_cli)
    init_editor(app)
