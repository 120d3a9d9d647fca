"""Steering-group feedback: dashboards (overview, unit, café), exports, the print report,
the read-only JSON API with personal tokens, and the action plan follow-up."""

from __future__ import annotations

from flask import Flask

from core.access import ADMIN, CENTRAL, LOCAL
from core.i18n import _l
from core.web import HomePanel, register_home_panel, register_nav
from steering import (
    plan_models,  # noqa: F401  (the action plan's tables, for Alembic)
    stored_patterns,  # noqa: F401  (the stored disclosure patterns)
)


def init_app(app: Flask) -> None:
    """Blueprints and navigation; the API is exempt from CSRF (GET only, token auth)."""
    from steering import (
        api,
        home,
        imported_views,  # noqa: F401  (adds the imported results pages to the blueprint)
        plan_blueprint,
        token_views,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(token_views.bp)
    app.register_blueprint(api.bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(api.bp)
    register_nav(app, "steering.overview", _l("Results"), (CENTRAL, LOCAL, ADMIN), order=20)
    register_home_panel(app, HomePanel("steering/_home_steering.html", (CENTRAL, LOCAL),
                                       home.steering_context, order=5))
    plan_blueprint.init_plan(app)
    app.jinja_env.globals.setdefault("steering_reason", _reason_text)
    from steering.participation import band
    from steering.tables import range_text

    app.jinja_env.globals.setdefault("steering_range", range_text)
    app.jinja_env.globals.setdefault(
        "steering_band", lambda n: band(n, int(app.config["MIN_GROUP_SIZE"])))
    app.jinja_env.filters["counted"] = counted
    # the raw responses export (survey package) coarsens its rows with the same pattern
    from steering.data import hidden_units
    from survey.export import PUBLISHED_PATTERN

    app.extensions[PUBLISHED_PATTERN] = hidden_units


def counted(texts) -> list[tuple[str, int]]:
    """Each distinct text once with how many times it occurs, the most frequent first (ties
    in the order given): free-text answers written word for word by several people."""
    from collections import Counter

    counts = Counter(texts)
    return sorted(counts.items(), key=lambda item: -item[1])


def _reason_text(reason: str | None) -> str:
    from steering.tables import reason_text

    return reason_text(reason)
