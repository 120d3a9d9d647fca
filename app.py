"""Composition root: ``create_app()`` wires the core kernel and the survey, café and
steering packages into one Flask application."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

import cafe
import steering
import survey
from core import access, auth, cli, clients, db, i18n, logs, web
from core.admin_views import bp as admin_bp
from core.auth_views import bp as auth_bp

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
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    logs.install()
    db.init_app(app)
    clients.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    _register_packages(app)
    access.check_all_views_declared(app)
    return app


def _register_packages(app: Flask) -> None:
    """Each domain package contributes blueprints, navigation and commands via ``init_app``.
    The packages are imported at module level so that importing ``app`` registers every
    model on the shared metadata (Alembic's env.py and the test fixtures rely on it)."""
    for package in (survey, cafe, steering):
        init = getattr(package, "init_app", None)
        if init is not None:
            init(app)
    from demo import demo_cli

    app.cli.add_command(demo_cli)
