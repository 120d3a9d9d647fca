"""Configuration layers: defaults → instance/config.py → environment → overrides, and the
start-up checks that refuse an unsafe configuration."""

from __future__ import annotations

import os

import pytest
from flask import request

from app import create_app
from core.config import DEFAULTS, INSTANCE_PATH_ENV, ConfigurationError


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder and an environment without any of our variables."""
    for name in list(os.environ):
        if name.startswith("MEDARBETARDIALOG_") or name in (
                "SECRET_KEY", "DATABASE_URL", "FLASK_DEBUG"):
            monkeypatch.delenv(name)
    monkeypatch.setenv(INSTANCE_PATH_ENV, str(tmp_path))
    return tmp_path


def write_instance_config(folder, text: str) -> None:
    (folder / "config.py").write_text(text, encoding="utf-8")


def test_defaults_apply_and_the_database_lives_in_the_instance_folder(instance):
    app = create_app({"TESTING": True})
    for key in ("MIN_GROUP_SIZE", "MIN_GROUP_SIZE_FREE_TEXT", "ITEMS_PER_PAGE",
                "BABEL_DEFAULT_LOCALE", "MAX_CONTENT_LENGTH"):
        assert app.config[key] == DEFAULTS[key]
    assert app.instance_path == str(instance)
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'app.sqlite'}"
    assert "INSTANCE_PATH" not in app.config


def test_instance_file_overrides_defaults(instance):
    write_instance_config(instance, "SECRET_KEY = 'from-instance'\nMIN_GROUP_SIZE = 7\n"
                                    "ITEMS_PER_PAGE = 10\n")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["MIN_GROUP_SIZE"] == 7
    assert app.config["ITEMS_PER_PAGE"] == 10


def test_environment_overrides_the_instance_file(instance, monkeypatch):
    write_instance_config(instance, "SECRET_KEY = 'from-instance'\nMIN_GROUP_SIZE = 7\n"
                                    "DATABASE_URL = 'sqlite:///instance.sqlite'\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///env.sqlite")
    monkeypatch.setenv("MEDARBETARDIALOG_MIN_GROUP_SIZE", "8")
    monkeypatch.setenv("MEDARBETARDIALOG_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("MEDARBETARDIALOG_LANGUAGES", '["sv", "en"]')
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["DATABASE_URL"] == "sqlite:///env.sqlite"
    assert app.config["MIN_GROUP_SIZE"] == 8
    assert app.config["SESSION_COOKIE_SECURE"] is True  # values are read as JSON
    assert app.config["LANGUAGES"] == ["sv", "en"]


def test_prefixed_names_win_over_the_unprefixed_ones(instance, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "plain")
    monkeypatch.setenv("MEDARBETARDIALOG_SECRET_KEY", "prefixed")
    assert create_app().config["SECRET_KEY"] == "prefixed"


def test_overrides_are_the_last_layer(instance, monkeypatch):
    write_instance_config(instance, "MIN_GROUP_SIZE = 7\n")
    monkeypatch.setenv("MEDARBETARDIALOG_MIN_GROUP_SIZE", "8")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app({"MIN_GROUP_SIZE": 9, "SECRET_KEY": "override"})
    assert app.config["MIN_GROUP_SIZE"] == 9
    assert app.config["SECRET_KEY"] == "override"


def test_missing_secret_key_in_production_is_a_clear_error(instance):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app()


@pytest.mark.parametrize("mode", ["testing", "debug"])
def test_missing_secret_key_outside_production_gets_a_random_one(instance, monkeypatch, mode):
    if mode == "debug":
        monkeypatch.setenv("FLASK_DEBUG", "1")
        app = create_app()
    else:
        app = create_app({"TESTING": True})
    assert len(app.config["SECRET_KEY"]) == 64


@pytest.mark.parametrize("key", ["MIN_GROUP_SIZE", "MIN_GROUP_SIZE_FREE_TEXT"])
@pytest.mark.parametrize("value", [2, 0, -5])
def test_minimum_group_size_below_three_is_refused(instance, key, value):
    with pytest.raises(ConfigurationError, match=f"{key} must be at least 3"):
        create_app({"TESTING": True, key: value})


def test_minimum_group_size_from_the_environment_is_checked_too(instance, monkeypatch):
    monkeypatch.setenv("MEDARBETARDIALOG_MIN_GROUP_SIZE", "2")
    with pytest.raises(ConfigurationError, match="at least 3"):
        create_app({"TESTING": True})
    monkeypatch.setenv("MEDARBETARDIALOG_MIN_GROUP_SIZE", "five")
    with pytest.raises(ConfigurationError, match="whole number"):
        create_app({"TESTING": True})


@pytest.mark.parametrize(("key", "value", "message"), [
    ("TRUSTED_PROXY_COUNT", "-1", "at least 0"),
    ("TRUSTED_PROXY_COUNT", "one", "a whole number"),
    ("LOGIN_BACKOFF_SECONDS", "0", "at least 1"),
    ("LOGIN_MAX_FAILURES", "2.5", "a whole number"),
])
def test_sign_in_and_proxy_settings_are_checked(instance, monkeypatch, key, value, message):
    monkeypatch.setenv(f"MEDARBETARDIALOG_{key}", value)
    with pytest.raises(ConfigurationError, match=f"{key} must be {message}"):
        create_app({"TESTING": True})


def test_a_trusted_proxy_count_takes_the_client_from_x_forwarded_for(instance, monkeypatch):
    monkeypatch.setenv("MEDARBETARDIALOG_TRUSTED_PROXY_COUNT", "1")
    app = create_app({"TESTING": True})
    seen = []
    app.before_request(lambda: seen.append(request.remote_addr))
    for forwarded in ("198.51.100.7", "203.0.113.9, 198.51.100.7"):
        app.test_client().get("/healthz", environ_base={"REMOTE_ADDR": "10.0.0.2"},
                              headers={"X-Forwarded-For": forwarded})
    # one proxy: its own entry (the last) is the client; what the client wrote is not
    assert seen == ["198.51.100.7", "198.51.100.7"]


@pytest.mark.parametrize("key", ["ORG_MAX_ITEMS", "RESULTS_MAX_UNITS", "IMPORT_MAX_BYTES",
                                 "HR_IMPORT_MAX_ROWS", "SURVEY_IMPORT_MAX_ROWS"])
def test_caps_are_positive_whole_numbers(instance, monkeypatch, key):
    with pytest.raises(ConfigurationError, match=f"{key} must be at least 1"):
        create_app({"TESTING": True, key: 0})
    monkeypatch.setenv(f"MEDARBETARDIALOG_{key}", "many")
    with pytest.raises(ConfigurationError, match=f"{key} must be a whole number"):
        create_app({"TESTING": True})
    monkeypatch.setenv(f"MEDARBETARDIALOG_{key}", "250")
    assert create_app({"TESTING": True}).config[key] == 250


def test_readme_documents_every_setting():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [key for key in DEFAULTS if f"`{key}`" not in readme]
    assert not missing, f"README.md's configuration table lacks {missing}"
