"""Database plumbing: declarative base, engine set-up and one session per request.

Plain SQLAlchemy 2.0 (no Flask-SQLAlchemy): the engine lives on the app, a session is opened
lazily for each request or CLI command and closed when its app context ends. Services flush,
views commit.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
import weakref
from typing import Any

import psycopg
from flask import Flask, current_app, g, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model; constraint names follow one convention for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_uuid() -> str:
    """A random identifier as text; used where insertion order must not be guessable."""
    return uuid.uuid4().hex


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, foreign keys, a busy timeout, and no remnants: deleted content is overwritten
    with zeros (``secure_delete``) and the write-ahead log is cut back to nothing whenever
    it is reset after a checkpoint (``journal_size_limit``), so that old transactions do
    not stay readable in the files."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_size_limit=0")
    cursor.close()


#: how long closing a wave's checkpoint may wait for readers (writers wait meanwhile)
CHECKPOINT_BUSY_MS = 2000
#: the timer's checkpoint waits this long at most: on a busy server it gives way and
#: tries again later (SQLite's own checkpoints keep the log short meanwhile, and cut it
#: back to nothing whenever it starts over, see ``journal_size_limit``)
TIMER_BUSY_MS = 50
TIMER_RETRY_SECONDS = 5.0


def truncate_wal(engine: Engine, busy_ms: int = CHECKPOINT_BUSY_MS) -> bool:
    """Copy every transaction in SQLite's write-ahead log into the database file and
    truncate the log to zero bytes, so that the order and content of past transactions is
    no longer kept in it. New writers wait while it waits for readers (``busy_ms`` at
    most). True when done; False when readers kept it busy (or the database is not
    SQLite)."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
            busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.execute("PRAGMA busy_timeout=10000")
        finally:
            cursor.close()
    return busy == 0


class _WalJanitor:
    """One thread per process that truncates the write-ahead log of each SQLite engine
    some seconds after it was written to (``SQLITE_CHECKPOINT_SECONDS``), giving way to a
    busy server (``TIMER_BUSY_MS``) and trying again a little later. Engines are held
    weakly; the thread starts with the first commit in a process (gunicorn forks workers
    after the app may have been made)."""

    def __init__(self) -> None:
        #: engine → [seconds, when the log is due to be truncated (0.0: nothing written)]
        self._engines: weakref.WeakKeyDictionary[Engine, list[float]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()
        self._pid: int | None = None

    def watch(self, engine: Engine, seconds: float) -> None:
        """Truncate ``engine``'s log ``seconds`` after a commit (at the latest)."""
        with self._lock:
            self._engines[engine] = [seconds, 0.0]
        event.listen(engine, "commit", self._committed)

    def _committed(self, conn: Any) -> None:
        state = self._engines.get(conn.engine)
        if state is not None and state[1] == 0.0:
            state[1] = time.monotonic() + state[0]
        if self._pid != os.getpid():
            self._start()

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="sqlite-wal-janitor", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(1.0)
            now = time.monotonic()
            for engine, state in list(self._engines.items()):
                if state[1] == 0.0 or now < state[1]:
                    continue
                state[1] = 0.0
                try:
                    done = truncate_wal(engine, TIMER_BUSY_MS)
                except Exception:  # noqa: BLE001  (a failed attempt is tried again)
                    done = False
                    logging.getLogger("medarbetardialog").warning(
                        "could not truncate the SQLite write-ahead log", exc_info=True)
                if not done and state[1] == 0.0:
                    state[1] = time.monotonic() + min(state[0], TIMER_RETRY_SECONDS)


_wal_janitor = _WalJanitor()


#: how long a new server connection is retried while the server refuses it (restarting)
CONNECT_RETRY_SECONDS = 3.0


def _connect_with_retry(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Open a server connection, retrying for a few seconds while the server refuses
    (a restart takes about a second): requests then wait instead of failing."""
    deadline = time.monotonic() + CONNECT_RETRY_SECONDS
    while True:
        try:
            return dialect.loaded_dbapi.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def make_engine(url: str, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout, a server
    database stale-connection checks and connection retries."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    elif url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 10, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        event.listen(engine, "do_connect", _connect_with_retry)
    return engine


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app and close sessions after use."""
    engine = make_engine(app.config["DATABASE_URL"], echo=app.config.get("SQL_ECHO", False))
    seconds = app.config.get("SQLITE_CHECKPOINT_SECONDS") or 0
    if engine.dialect.name == "sqlite" and seconds > 0:
        _wal_janitor.watch(engine, seconds)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    retry_when_connection_lost(app)

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            try:
                if exc is not None:
                    session.rollback()
                session.close()
            except DBAPIError:
                # The connection died under us (the database server restarted): the
                # server has discarded the transaction, so drop the connection instead
                # of failing a response that is already made.
                logging.getLogger("medarbetardialog").warning(
                    "database connection lost while closing a session")
                session.invalidate()


#: PostgreSQL's "operator intervention" states a restart sends to the sessions it ends
_SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}


def _connection_lost(error: BaseException) -> bool:
    """Whether ``error`` says the server connection was cut (a database server restart),
    as opposed to a wrong statement or a busy SQLite file."""
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig or error
    if isinstance(error, psycopg.InterfaceError):
        return True  # "the connection is closed"
    if isinstance(error, psycopg.OperationalError):
        return error.sqlstate is None or error.sqlstate in _SHUTDOWN_STATES
    return False


def retry_when_connection_lost(app: Flask) -> None:
    """Run a view once more when the database connection was cut under it.

    A server restart ends the connections of requests that are running; their transactions
    are rolled back by the server, so the view is run again on a new connection (which
    waits for the server, see ``_connect_with_retry``) instead of answering 503. Storing
    views are safe to repeat: a survey response spends its one-time token in the same
    transaction, café notes are saved once per UUID."""
    dispatch = app.dispatch_request

    def dispatch_request():
        try:
            return dispatch()
        except Exception as error:
            if not _connection_lost(error):
                raise
            logging.getLogger("medarbetardialog").warning(
                "database connection lost during %s %s; running it again",
                request.method, request.path)
            session: Session | None = g.pop("db_session", None)
            if session is not None:
                session.invalidate()
            return dispatch()

    app.dispatch_request = dispatch_request  # type: ignore[method-assign]


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    """The session of the current request or command, opened on first use."""
    session = g.get("db_session")
    if session is None:
        session = current_app.extensions["db_sessionmaker"]()
        g.db_session = session
    return session


def dialect_insert(dialect: str):
    """The ``insert`` construct that knows ``ON CONFLICT`` for this dialect (SQLite or
    PostgreSQL, the two the application runs on)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise RuntimeError(f"no ON CONFLICT insert for the {dialect} dialect")
    return insert
