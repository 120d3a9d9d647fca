"""Dialogue cafés: events, rounds and tables, offline-safe tablet notes, the plenary
summary and harvest, and the idea loop ending on the public "you said, we did" page."""

from __future__ import annotations

from flask import Flask

from core.access import ADMIN, CENTRAL, FACILITATOR, LOCAL, MODERATOR, PUBLIC
from core.i18n import _l
from core.web import HomePanel, register_home_panel, register_nav


def init_app(app: Flask) -> None:
    from cafe import idea_models, models  # noqa: F401  (tables for create_all and Alembic)
    from cafe.views import (
        idea_views,
        plenary_views,
        public_views,
        setup_views,
        structure_views,
        sync_views,
        tablet_views,
    )

    for module in (setup_views, structure_views, plenary_views, tablet_views, sync_views,
                   idea_views, public_views):
        app.register_blueprint(module.bp)
    register_nav(app, "cafe_tablet.my_tables", _l("My tables"), (FACILITATOR,), 30)
    register_nav(app, "cafes.index", _l("Cafés"), (MODERATOR, ADMIN), 31)
    register_nav(app, "cafe_ideas.inbox", _l("Ideas"), (LOCAL, CENTRAL, ADMIN), 22)
    register_nav(app, "you_said.index", _l("You said, we did"), (PUBLIC,), 80)
    from cafe.texts import CAFE_STATUS_LABELS

    app.jinja_env.globals["cafe_status_label"] = lambda code: CAFE_STATUS_LABELS.get(code, code)
    from cafe import home

    for panel in (
        HomePanel("cafe/_home_panel.html", (PUBLIC,), order=70),
        HomePanel("cafe/_home_tables.html", (FACILITATOR,), home.facilitator_context, 10),
        HomePanel("cafe/_home_cafes.html", (MODERATOR, ADMIN), home.moderator_context, 20),
        HomePanel("cafe/_home_ideas.html", (LOCAL, CENTRAL), home.steering_context, 10),
    ):
        register_home_panel(app, panel)
