"""Layered configuration: defaults, then instance/config.py, then the environment, then
overrides passed to the factory (tests). Every setting is listed here with its default."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "MEDARBETARDIALOG"

DEFAULTS: dict[str, Any] = {
    # where data lives; None means instance/app.sqlite
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    # anonymity
    "MIN_GROUP_SIZE": 5,
    "MIN_GROUP_SIZE_FREE_TEXT": 10,
    "MEANINGFUL_DIFFERENCE": 5.0,
    "RELIABILITY_MIN_RESPONDENTS": 30,
    # i18n
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "LANGUAGES": ["sv", "en"],
    # security
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # sign-in throttling: free tries per user name and client, and per client, then waits
    # from LOGIN_BACKOFF_SECONDS doubling up to LOGIN_WINDOW_SECONDS (see core/auth/throttle.py)
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_CLIENT": 30,
    "LOGIN_BACKOFF_SECONDS": 5,
    "LOGIN_WINDOW_SECONDS": 900,
    # reverse proxies in front whose X-Forwarded-For / -Proto are trusted (ProxyFix)
    "TRUSTED_PROXY_COUNT": 0,
    "PASSWORD_MIN_LENGTH": 10,
    # open survey links: answering sessions one client address may start per window (0: no
    # limit)
    "SURVEY_RESPONSES_PER_CLIENT": 300,
    "SURVEY_CLIENT_WINDOW_SECONDS": 3600,
    # SQLite: seconds between checkpoints that empty and truncate the write-ahead log (0: off;
    # None: 60, or off when TESTING)
    "SQLITE_CHECKPOINT_SECONDS": None,
    # werkzeug's hash method; None = its default (scrypt), or a fast one when TESTING
    "PASSWORD_HASH_METHOD": None,
    # caps (core.limits): far above what a city needs, low enough to keep pages fast
    "ORG_MAX_ITEMS": 100,
    "RESULTS_MAX_UNITS": 400,
    "IMPORT_MAX_BYTES": 64 * 1024 * 1024,
    "HR_IMPORT_MAX_ROWS": 20_000,
    "SURVEY_IMPORT_MAX_ROWS": 200_000,
    # misc
    "SQL_ECHO": False,
    "ITEMS_PER_PAGE": 25,
}

#: seconds between truncations of SQLite's write-ahead log outside testing
DEFAULT_CHECKPOINT_SECONDS = 60

#: settings that are read from the environment without the prefix as well
UNPREFIXED_ENV = ("DATABASE_URL", "SECRET_KEY")


class ConfigurationError(RuntimeError):
    """Raised at start-up when the configuration cannot run safely."""


#: environment variable naming another instance folder (config.py and app.sqlite)
INSTANCE_PATH_ENV = f"{ENV_PREFIX}_INSTANCE_PATH"


def load_config(app: Flask, overrides: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from the four layers, in order, and check the result."""
    if os.environ.get(INSTANCE_PATH_ENV):
        app.instance_path = os.path.abspath(os.environ[INSTANCE_PATH_ENV])
    app.config.update(DEFAULTS)
    app.config.from_pyfile(os.path.join(app.instance_path, "config.py"), silent=True)
    for name in UNPREFIXED_ENV:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.from_prefixed_env(ENV_PREFIX)
    app.config.pop("INSTANCE_PATH", None)  # the folder itself, not a setting
    if overrides:
        app.config.update(overrides)

    if not app.config.get("DATABASE_URL"):
        db_path = Path(app.instance_path) / "app.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{db_path}"
    if not app.config.get("SECRET_KEY"):
        if app.debug or app.testing:
            app.config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise ConfigurationError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable or put "
                "SECRET_KEY = '...' in instance/config.py (make demo creates one)."
            )
    if app.testing and not app.config.get("PASSWORD_HASH_METHOD"):
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"  # noqa: S105  (tests only)
    if app.config.get("SQLITE_CHECKPOINT_SECONDS") is None:
        app.config["SQLITE_CHECKPOINT_SECONDS"] = 0 if app.testing else DEFAULT_CHECKPOINT_SECONDS
    for key, minimum in (
        ("TRUSTED_PROXY_COUNT", 0),
        ("LOGIN_MAX_FAILURES", 1),
        ("LOGIN_MAX_FAILURES_PER_CLIENT", 1),
        ("LOGIN_BACKOFF_SECONDS", 1),
        ("LOGIN_WINDOW_SECONDS", 1),
        ("SURVEY_RESPONSES_PER_CLIENT", 0),
        ("SURVEY_CLIENT_WINDOW_SECONDS", 1),
        ("SQLITE_CHECKPOINT_SECONDS", 0),
        # the caps of core.limits
        ("ORG_MAX_ITEMS", 1),
        ("RESULTS_MAX_UNITS", 1),
        ("IMPORT_MAX_BYTES", 1),
        ("HR_IMPORT_MAX_ROWS", 1),
        ("SURVEY_IMPORT_MAX_ROWS", 1),
    ):
        app.config[key] = _whole_number(app.config, key, minimum)
    for key in ("MIN_GROUP_SIZE", "MIN_GROUP_SIZE_FREE_TEXT"):
        try:
            value = int(app.config[key])
        except (TypeError, ValueError):
            raise ConfigurationError(
                f"{key} must be a whole number (got {app.config[key]!r})."
            ) from None
        if value < 3:
            raise ConfigurationError(f"{key} must be at least 3 (got {value}).")
        app.config[key] = value


def _whole_number(config: Mapping[str, Any], key: str, minimum: int) -> int:
    value = config[key]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigurationError(f"{key} must be a whole number (got {value!r}).")
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{key} must be a whole number (got {value!r}).") from None
    if number < minimum:
        raise ConfigurationError(f"{key} must be at least {minimum} (got {number}).")
    return number
