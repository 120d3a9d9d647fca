"""Sign-in throttling that slows an attacker without locking out the real user.

Failed sign-ins are counted per (user name, client) and per client, never per user name
alone: otherwise anyone could lock a user out by failing on purpose. The first
``LOGIN_MAX_FAILURES`` tries of a user name from a client (``LOGIN_MAX_FAILURES_PER_CLIENT``
of any names) are free; after that each further try must wait, ``LOGIN_BACKOFF_SECONDS``
at first, twice as long after each further failure, at most ``LOGIN_WINDOW_SECONDS``. A
count is forgotten once ``LOGIN_WINDOW_SECONDS`` pass without a try, and a successful
sign-in forgets the (user name, client) count. A try that is refused checks no password and
adds no wait, so the real user is only ever slowed, never shut out.

A try is counted *before* its password is checked, in its own committed transaction: one
conditional ``UPDATE`` takes the row (the database serialises concurrent tries on it, across
workers and servers) and only passes while the try is allowed, so parallel tries make at most
as many password checks as the limit allows. Clients are keyed digests of their address
(:mod:`core.clients`), user names keyed digests too: the table holds neither."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import (
    CheckConstraint,
    Connection,
    DateTime,
    Integer,
    String,
    case,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.clients import client_digest, keyed_digest
from core.db import Base, dialect_insert, get_engine

PURPOSE = "sign-in"


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class SignInThrottle(Base):
    """Failed sign-ins of one client, or of one user name from one client."""

    __tablename__ = "sign_in_throttle"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)
    #: keyed digest of the client, or of the client and the user name
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: keyed digest of the user name (None on a client's own count), to forget an account
    account: Mapped[str | None] = mapped_column(String(64), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: when the last try was counted
    last_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    #: the next try is allowed from this moment on
    next_at: Mapped[datetime] = mapped_column(DateTime)


_table = SignInThrottle.__table__


@dataclass(frozen=True)
class Attempt:
    """A counted try: the keys it was counted under."""

    client_key: str
    pair_key: str


class Throttled(Exception):
    """The try must wait; nothing was counted and no password may be checked."""

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"wait {wait_seconds} s")
        self.wait_seconds = wait_seconds


def account_digest(username: str) -> str:
    return keyed_digest(PURPOSE, "account", username)


def wait_after(failures: int, free: int) -> timedelta:
    """How long the next try waits after ``failures`` counted tries (``free`` pass at once)."""
    if failures < free:
        return timedelta(0)
    cfg = current_app.config
    longest = float(cfg["LOGIN_WINDOW_SECONDS"])
    seconds = float(cfg["LOGIN_BACKOFF_SECONDS"]) * 2 ** min(failures - free, 32)
    return timedelta(seconds=min(seconds, longest))


def begin_attempt(username: str) -> Attempt:
    """Count a try of ``username`` from the current client before its password is checked;
    raise :class:`Throttled` (counting nothing) when it must wait."""
    cfg = current_app.config
    client = client_digest(PURPOSE)
    attempt = Attempt(client, keyed_digest(PURPOSE, "pair", client, username))
    now = utcnow()
    # the client's row first, then the pair's: every try takes its rows in the same order
    with get_engine().begin() as conn:
        _count(conn, attempt.client_key, None, cfg["LOGIN_MAX_FAILURES_PER_CLIENT"], now)
        _count(conn, attempt.pair_key, account_digest(username), cfg["LOGIN_MAX_FAILURES"], now)
    return attempt


def _count(conn: Connection, key: str, account: str | None, free: int, now: datetime) -> None:
    window_start = now - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    # a new row allows a try at once, also to a concurrent try whose clock read earlier
    insert = dialect_insert(conn.dialect.name)(_table).values(
        key=key, account=account, failures=0, last_at=now, next_at=window_start
    ).on_conflict_do_nothing(index_elements=["key"])
    stale = _table.c.last_at < window_start
    count = (
        update(_table)
        .where(_table.c.key == key, or_(_table.c.next_at <= now, stale))
        .values(failures=case((stale, 1), else_=_table.c.failures + 1), last_at=now)
        .returning(_table.c.failures)
    )
    for _again in range(3):
        conn.execute(insert)
        counted = conn.execute(count).scalar()
        if counted is not None:
            break
        next_at = conn.scalar(select(_table.c.next_at).where(_table.c.key == key))
        if next_at is not None:
            raise Throttled(max(1, int((next_at - now).total_seconds() + 0.999)))
        # the row went between the two statements (a sign-in succeeded): count anew
    else:
        raise Throttled(1)
    wait = wait_after(counted, free)
    if wait:  # a free try leaves the row open to the tries racing with it
        conn.execute(update(_table).where(_table.c.key == key).values(next_at=now + wait))


def attempt_succeeded(attempt: Attempt) -> None:
    """The password was right: forget the (user name, client) count, and take the try back
    from the client's count (it was counted as a failure before the check)."""
    with get_engine().begin() as conn:  # the client's row first, as every try does
        conn.execute(
            update(_table)
            .where(_table.c.key == attempt.client_key, _table.c.failures > 0)
            .values(failures=_table.c.failures - 1)
        )
        conn.execute(delete(_table).where(_table.c.key == attempt.pair_key))


def attempt_failed() -> None:
    """The try stays counted; counts nobody has added to for a window are dropped."""
    cutoff = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    # rows another try holds are skipped, never waited for: no deadlock with it
    stale = select(_table.c.key).where(_table.c.last_at < cutoff).with_for_update(
        skip_locked=True)
    with get_engine().begin() as conn:
        conn.execute(delete(_table).where(_table.c.key.in_(stale)))


def forget_account(db: Session, username: str) -> None:
    """Drop every count of ``username`` (its password was just changed)."""
    db.execute(delete(SignInThrottle).where(SignInThrottle.account == account_digest(username)))
    db.flush()
