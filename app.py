"""Composition root: ``create_app()`` wires the core kernel and the survey, café and
steering packages into one Flask application."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

import cafe
import steering
import survey
from core import access, cli, clients, db, i18n, logs, web
from core.admin import blueprint as admin_blueprint
from core.auth import accounts
from core.auth import blueprint as auth_blueprint

ROOT = Path(__file__).resolve().parent
csrf = CSRFProtect()


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``overrides`` is the last configuration layer (tests)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    if overrides and overrides.get("TESTING"):
        app.testing = True
    from core.config import load_config

    load_config(app, overrides)
    clients.trust_proxies(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    logs.install()
    db.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    accounts.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    auth_blueprint.register(app)
    admin_blueprint.register(app)
    _register_packages(app)
    access.check_all_views_declared(app)
    return app


def _register_packages(app: Flask) -> None:
    """Each domain package contributes blueprints, navigation and commands via ``init_app``.
    The packages are imported at module level so that importing ``app`` registers every
    model on the shared metadata (Alembic's env.py and the test fixtures rely on it)."""
    for package in (survey, cafe, steering):
        package.init_app(app)
    from demo import DEMO_LOADERS, demo_cli

    app.cli.add_command(demo_cli)
    app.extensions[DEMO_LOADERS] = _demo_loaders


def _demo_loaders() -> list[Callable[[Session, random.Random], None]]:
    """Each package's ``demo.load(db, rng)``, in dependency order (imported only when the
    demonstration city is loaded)."""
    from cafe import demo as cafe_demo
    from steering import demo as steering_demo
    from survey import demo as survey_demo

    return [survey_demo.load, cafe_demo.load, steering_demo.load]
