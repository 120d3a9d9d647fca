"""Fixtures of the fuzz suite: the demo city (CSRF off, so that hostile values reach the
views) on the database of the pass (PostgreSQL when TEST_DATABASE_URL is set), an index of
the forms its pages show, and the server errors the app logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from core.db import get_session
from tests.demo_site import ROLE_USERS, app_for, demo_database_url, discard, session_workdir
from tests.fuzz.crawl import FormIndex


class ErrorLog(logging.Handler):
    """Keeps the tracebacks of unhandled errors (core.web logs them before the 500 page)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        formatter = logging.Formatter()
        return "\n".join(formatter.format(r) for r in self.records[-3:])


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory, request) -> Iterator[Flask]:
    name = request.module.__name__.rsplit(".", 1)[-1]
    url = demo_database_url(session_workdir(tmp_path_factory), f"fuzz-{name}")
    app = app_for(url, WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["db_engine"].dispose()
    discard(url)


@pytest.fixture(scope="session")
def form_index(tmp_path_factory) -> FormIndex:
    """The forms of every page, read once per session from an untouched demo city."""
    url = demo_database_url(session_workdir(tmp_path_factory), "fuzz-crawl")
    app = app_for(url, WTF_CSRF_ENABLED=False)
    index = FormIndex.crawl(app)
    app.extensions["db_engine"].dispose()
    discard(url)
    return index


@pytest.fixture(scope="module")
def api_headers(fuzz_site) -> dict[str, str]:
    """A central analyst's personal API token, for the JSON API."""
    from sqlalchemy import select

    from core.auth.accounts import User, issue_token

    with fuzz_site.app_context():
        db = get_session()
        user = db.scalar(select(User).where(User.username == ROLE_USERS["central"]))
        token = issue_token(db, user, "fuzz")
        db.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def error_log() -> Iterator[ErrorLog]:
    handler = ErrorLog()
    logger = logging.getLogger("medarbetardialog")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
