"""A lost database connection answers 503 with Retry-After and the friendly page (clients
and the load test retry it); other database errors stay 500."""

from __future__ import annotations

import pytest
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
