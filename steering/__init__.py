"""Steering-group feedback: dashboards (overview, unit, café), exports, the print report,
the read-only JSON API with personal tokens, and the action plan follow-up."""

from __future__ import annotations

import importlib

from flask import Flask

from core.access import AUTHENTICATED, CENTRAL, LOCAL
from core.i18n import _l
from core.web import register_nav
from steering import (
    plan_models,  # noqa: F401  (the action plan's tables, for Alembic)
    stored_patterns,  # noqa: F401  (the stored disclosure patterns)
)


def init_app(app: Flask) -> None:
    """Blueprints and navigation; the API is exempt from CSRF (GET only, token auth)."""
    from steering import api, imported_views, token_views, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(token_views.bp)
    app.register_blueprint(api.bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api.bp)
    register_nav(app, "steering.overview", _l("Results"), (CENTRAL, LOCAL), order=40)
    register_nav(app, "api_tokens.index", _l("API tokens"), (AUTHENTICATED,), order=90)
    _init_action_plan(app)
    app.jinja_env.globals.setdefault("steering_reason", _reason_text)
    # the raw responses export (survey package) coarsens its rows with the same pattern
    from steering.data import hidden_units
    from survey.export import PUBLISHED_PATTERN

    app.extensions[PUBLISHED_PATTERN] = hidden_units


def _init_action_plan(app: Flask) -> None:
    """The action plan pages (``steering.plan_views``) register themselves."""
    try:
        plan_views = importlib.import_module("steering.plan_views")
    except ModuleNotFoundError as exc:
        if exc.name != "steering.plan_views":
            raise
        return
    plan_views.init_plan(app)


def _reason_text(reason: str | None) -> str:
    from steering.tables import reason_text

    return reason_text(reason)
