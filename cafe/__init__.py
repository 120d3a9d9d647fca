"""Dialogue cafés: events, rounds and tables, offline-safe tablet notes, the plenary
summary and harvest, and the idea loop ending on the public "you said, we did" page. Each
feature is a subpackage with its own blueprint module: ``setup``, ``tablet``, ``plenary`` and
``ideas``; the tables, reads and forms they share are in the package itself."""

from __future__ import annotations

from flask import Flask

from cafe import home, models  # noqa: F401  (models: tables for create_all and Alembic)
from cafe.ideas import blueprint as ideas_blueprint
from cafe.ideas import models as idea_models  # noqa: F401  (the idea loop's tables)
from cafe.plenary import blueprint as plenary_blueprint
from cafe.setup import blueprint as setup_blueprint
from cafe.tablet import blueprint as tablet_blueprint
from cafe.texts import CAFE_STATUS_LABELS
from core.access import ADMIN, CENTRAL, FACILITATOR, LOCAL, MODERATOR, PUBLIC
from core.i18n import _l
from core.web import HomePanel, register_home_panel, register_nav


def init_app(app: Flask) -> None:
    """Blueprints, navigation and the home-page panels of the café package."""
    for feature in (setup_blueprint, plenary_blueprint, tablet_blueprint, ideas_blueprint):
        feature.register(app)
    register_nav(app, "cafe_tablet.my_tables", _l("My tables"), (FACILITATOR,), 30)
    register_nav(app, "cafes.index", _l("Cafés"), (MODERATOR, ADMIN), 31)
    register_nav(app, "cafe_ideas.inbox", _l("Ideas"), (LOCAL, CENTRAL, ADMIN), 22)
    register_nav(app, "you_said.index", _l("You said, we did"), (PUBLIC,), 80)
    app.jinja_env.globals["cafe_status_label"] = lambda code: CAFE_STATUS_LABELS.get(code, code)
    for panel in (
        HomePanel("cafe/_home_panel.html", (PUBLIC,), order=70),
        HomePanel("cafe/_home_tables.html", (FACILITATOR,), home.facilitator_context, 10),
        HomePanel("cafe/_home_cafes.html", (MODERATOR, ADMIN), home.moderator_context, 20),
        HomePanel("cafe/_home_ideas.html", (LOCAL, CENTRAL), home.steering_context, 10),
    ):
        register_home_panel(app, panel)
