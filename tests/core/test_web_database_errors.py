"""A lost database connection answers 503 with Retry-After and the friendly page (clients
and the load test retry it); other database errors stay 500."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from core.access import public


class _DriverError(Exception):
    pass


@pytest.fixture
def failing_app(app):
    def lost_connection():
        raise OperationalError("SELECT 1", {}, _DriverError("server closed the connection"))

    def broken_constraint():
        raise IntegrityError("INSERT", {}, _DriverError("duplicate key"))

    app.add_url_rule("/test-db-down", "test_db_down", public(lost_connection))
    app.add_url_rule("/test-db-integrity", "test_db_integrity", public(broken_constraint))
    return app


def test_lost_database_connection_gives_503_with_retry_after(failing_app):
    client = failing_app.test_client()
    client.set_cookie("lang", "en")
    response = client.get("/test-db-down")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_other_database_errors_stay_500(failing_app):
    response = failing_app.test_client().get("/test-db-integrity")
    assert response.status_code == 500


def test_a_connection_lost_while_closing_the_session_does_not_fail_the_response(app):
    from core.db import get_session

    closed = []

    def view():
        session = get_session()
        session.execute(text("SELECT 1"))

        def lost():
            raise OperationalError("ROLLBACK", {}, _DriverError("terminating connection"))

        session.close = lost
        session.invalidate = lambda: closed.append(True)
        return "made"

    app.add_url_rule("/test-db-close", "test_db_close", public(view))
    response = app.test_client().get("/test-db-close")
    assert response.status_code == 200 and response.get_data(as_text=True) == "made"
    assert closed == [True]


class _FakeDbapi:
    class OperationalError(Exception):
        pass

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.attempts = 0

    def connect(self, *args, **kwargs):
        self.attempts += 1
        if self.attempts <= self.refusals:
            raise self.OperationalError("the database system is starting up")
        return "connection"


def test_server_connections_are_retried_while_the_server_restarts(monkeypatch):
    from types import SimpleNamespace

    from core import db

    monkeypatch.setattr(db.time, "sleep", lambda _s: None)
    dbapi = _FakeDbapi(refusals=3)
    dialect = SimpleNamespace(loaded_dbapi=dbapi)
    assert db._connect_with_retry(dialect, None, (), {}) == "connection"
    assert dbapi.attempts == 4

    monkeypatch.setattr(db, "CONNECT_RETRY_SECONDS", 0.0)
    with pytest.raises(_FakeDbapi.OperationalError):
        db._connect_with_retry(SimpleNamespace(loaded_dbapi=_FakeDbapi(refusals=1)), None, (), {})


def test_driver_errors_from_the_raw_cursor_also_give_503(app):
    import sqlite3

    def raw_cursor_failure():
        raise sqlite3.OperationalError("database is locked")

    app.add_url_rule("/test-db-raw", "test_db_raw", public(raw_cursor_failure))
    response = app.test_client().get("/test-db-raw")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"


def _flaky_view(error: Exception, failures: int):
    """A view that fails with ``error`` ``failures`` times, then answers; it counts its runs."""
    runs = []

    def view():
        runs.append(True)
        if len(runs) <= failures:
            raise error
        return "made"

    return view, runs


def test_a_view_whose_connection_was_cut_runs_once_more_on_a_new_connection(app):
    lost = OperationalError("INSERT", {}, _DriverError("server closed the connection"),
                            connection_invalidated=True)
    view, runs = _flaky_view(lost, failures=1)
    app.add_url_rule("/test-db-restart", "test_db_restart", public(view))
    response = app.test_client().get("/test-db-restart")
    assert response.status_code == 200 and response.get_data(as_text=True) == "made"
    assert len(runs) == 2


def test_a_server_shutdown_from_the_driver_is_retried_once_then_gives_503(app):
    import psycopg

    shutdown = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    view, runs = _flaky_view(shutdown, failures=5)
    app.add_url_rule("/test-db-shutdown", "test_db_shutdown", public(view))
    response = app.test_client().get("/test-db-shutdown")
    assert response.status_code == 503
    assert len(runs) == 2


def test_errors_that_are_not_a_lost_connection_are_not_repeated(app):
    busy = OperationalError("INSERT", {}, _DriverError("database is locked"))
    view, runs = _flaky_view(busy, failures=1)
    app.add_url_rule("/test-db-busy", "test_db_busy", public(view))
    assert app.test_client().get("/test-db-busy").status_code == 503
    assert len(runs) == 1
