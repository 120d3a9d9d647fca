"""Shared fixtures: an app on a fresh schema (SQLite by default, PostgreSQL when
TEST_DATABASE_URL is set), a client, and one signed-in user per role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from core.auth import accounts as auth
from core.db import Base, get_session, make_engine
from core.org.seed import seed_organisation

PASSWORD = "correct horse battery"  # noqa: S105


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        # tests run in parallel: each worker gets a database of its own on the server
        from tests.demo_site import worker_database

        url = worker_database(url)
    # the packages register their models when the app is made: make one first, so that
    # every table is on the metadata before the schema is created
    create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"}).extensions[
        "db_engine"
    ].dispose()
    engine = make_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield url


def _empty_all_tables(app: Flask) -> None:
    engine = app.extensions["db_engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def app_config(database_url: str) -> dict:
    """Override per test module by redefining this fixture."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    application = create_app(app_config)
    with application.app_context():
        seed_organisation(get_session())
        get_session().commit()
    yield application
    _empty_all_tables(application)
    application.extensions["db_engine"].dispose()


@pytest.fixture
def db(app: Flask):
    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


ROLE_USERS = {
    "admin": ("admin", []),
    "central": ("central", []),
    "local": ("local", ["farsta"]),
    "moderator": ("moderator", []),
    "facilitator": ("facilitator", []),
}


@pytest.fixture
def users(app: Flask) -> dict[str, int]:
    """One user per role (user name = role); the local one is scoped to Farsta."""
    ids = {}
    with app.app_context():
        db = get_session()
        for name, (role, districts) in ROLE_USERS.items():
            ids[name] = auth.create_user(db, name, PASSWORD, role, name.title(), districts).id
        db.commit()
    return ids


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login(client: FlaskClient, users: dict[str, int]):
    """``login("central")`` signs the test client in as that role's user."""

    def _login(username: str) -> FlaskClient:
        response = sign_in(client, username)
        assert response.status_code == 302, response.data[:500]
        return client

    return _login


ROOT = Path(__file__).resolve().parent.parent
#: real survey data nobody here wrote, copied into the repository (see its README.md)
EXTERNAL_DATA = ROOT / "tests" / "data" / "external"
