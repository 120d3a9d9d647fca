"""What SQLite leaves in its files: deleted rows are overwritten (``secure_delete``), and the
write-ahead log is truncated to nothing a few seconds after writes (``SQLITE_CHECKPOINT_
SECONDS``), so the files do not keep a history of transactions. Not on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from app import create_app
from core.db import get_engine, truncate_wal


@pytest.fixture
def sqlite_app(tmp_path):
    def make(**settings):
        url = f"sqlite:///{tmp_path / 'files.sqlite'}"
        return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "k", **settings})

    return make


def test_deleted_rows_leave_no_bytes_and_the_log_is_truncated_on_time(sqlite_app, tmp_path):
    app = sqlite_app(SQLITE_CHECKPOINT_SECONDS=1)
    database = tmp_path / "files.sqlite"
    wal = tmp_path / "files.sqlite-wal"
    with app.app_context():
        engine = get_engine()
        with engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
            conn.execute(text("INSERT INTO note (body) VALUES ('kvarglomd-hemlighet')"))
            conn.execute(text("INSERT INTO note (body) VALUES ('kvar')"))
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM note WHERE body = 'kvarglomd-hemlighet'"))
        assert wal.stat().st_size > 0
        deadline = time.monotonic() + 15
        while wal.stat().st_size > 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert wal.stat().st_size == 0, "the log was not truncated after the writes"
        data = database.read_bytes()
        assert b"kvar" in data and b"kvarglomd-hemlighet" not in data
        engine.dispose()


def test_truncating_now_and_the_timer_off(sqlite_app, tmp_path):
    app = sqlite_app()  # TESTING: no timer unless asked for
    assert app.config["SQLITE_CHECKPOINT_SECONDS"] == 0
    wal = tmp_path / "files.sqlite-wal"
    with app.app_context():
        engine = get_engine()
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        time.sleep(1.5)
        assert wal.stat().st_size > 0
        assert truncate_wal(engine)
        assert wal.stat().st_size == 0
        engine.dispose()
