"""Steering-group feedback. Each feature is a subpackage with its own blueprint module:
``results`` (the disclosure patterns of a wave, the overview, unit, café and imported pages,
the print report and exports), ``api`` (the JSON API and its tokens) and ``plan`` (the action
plan follow-up); the charts are in the package itself."""

from __future__ import annotations

from flask import Flask

from core.access import ADMIN, CENTRAL, LOCAL
from core.i18n import _l
from core.web import HomePanel, register_home_panel, register_nav
from steering import home
from steering.api import blueprint as api_blueprint
from steering.plan import blueprint as plan_blueprint
from steering.plan import models as plan_models  # noqa: F401  (the action plan's tables)
from steering.results import blueprint as results_blueprint
from steering.results import stored_patterns  # noqa: F401  (the stored disclosure patterns)
from steering.results.data import hidden_units
from steering.results.participation import band
from steering.results.tables import range_text, reason_text
from survey.waves.raw_export import PUBLISHED_PATTERN


def init_app(app: Flask) -> None:
    """Blueprints, navigation, the home-page panel and the template helpers."""
    for feature in (results_blueprint, api_blueprint, plan_blueprint):
        feature.register(app)
    register_nav(app, "steering.overview", _l("Results"), (CENTRAL, LOCAL, ADMIN), order=20)
    register_home_panel(app, HomePanel("steering/_home_steering.html", (CENTRAL, LOCAL),
                                       home.steering_context, order=5))
    app.jinja_env.globals.setdefault("steering_reason", reason_text)
    app.jinja_env.globals.setdefault("steering_range", range_text)
    app.jinja_env.globals.setdefault(
        "steering_band", lambda n: band(n, int(app.config["MIN_GROUP_SIZE"])))
    app.jinja_env.filters["counted"] = counted
    # the raw responses export (survey package) coarsens its rows with the same pattern
    app.extensions[PUBLISHED_PATTERN] = hidden_units


def counted(texts) -> list[tuple[str, int]]:
    """Each distinct text once with how many times it occurs, the most frequent first (ties
    in the order given): free-text answers written word for word by several people."""
    from collections import Counter

    counts = Counter(texts)
    return sorted(counts.items(), key=lambda item: -item[1])
