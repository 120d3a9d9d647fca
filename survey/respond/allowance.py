"""How many answering sessions one client may start on an open link: the brake on ballot
stuffing that still lets a whole office behind one address answer.

Every response needs a one-time submission token, and on an open link a token is only
handed out with a new answering session (``survey.respond.passes``), which costs one count of the
client's allowance: ``SURVEY_RESPONSES_PER_CLIENT`` per ``SURVEY_CLIENT_WINDOW_SECONDS``
(300 an hour by default, so 200 colleagues behind one office address all get through,
while a script looping on the form is stopped at 300). A browser that keeps its pass
(reloading the form, going back and forth) is not counted again. A worker takes ten counts
at a time and hands them out from memory (``take_allowance``).

The client is a keyed digest of its address (``core.clients.client_digest``), counted in
a transaction of its own when the session starts, never in the one that stores the
response; rows whose window has passed are deleted at a later start (every few minutes per
worker), and all of a wave's rows when it closes (``survey.respond.drafts.purge_drafts``)."""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import Integer, bindparam, case, delete, select
from sqlalchemy.orm import Session

from core.clients import client_digest
from core.db import dialect_insert
from survey.fastsql import Prepared
from survey.models import ClientAllowance

PURPOSE = "survey-open-link"
#: window starts are kept to the minute: no finer time of a client is stored
WINDOW_STEP_SECONDS = 60
#: how often a worker deletes the rows of windows that have passed
PURGE_EVERY_SECONDS = 300.0
#: sessions a worker takes from a client's allowance at a time (one write per ten starts)
LEASE = 10

_table = ClientAllowance.__table__


def _take(dialect: str):
    """Count ``size`` sessions for (wave, client) if they fit (``count <= room``, where
    room = limit - size): a new window when the old one has passed. The row is written
    only when they fit, so the row count says whether they did (1) or not (0)."""
    size = bindparam("size", type_=Integer)
    statement = dialect_insert(dialect)(_table).values(
        wave_id=bindparam("wave_id"), client=bindparam("client"),
        window_start=bindparam("now"), count=size,
    )
    passed = _table.c.window_start <= bindparam("cutoff")
    return statement.on_conflict_do_update(
        index_elements=["wave_id", "client"],
        set_={
            "count": case((passed, size), else_=_table.c.count + size),
            "window_start": case((passed, bindparam("now")), else_=_table.c.window_start),
        },
        where=passed | (_table.c.count <= bindparam("room")),
    )


TAKE = Prepared(_take, ("wave_id", "client", "now", "cutoff", "room", "size"))


def take_allowance(db: Session, wave_id: int, *, now: float | None = None) -> bool:
    """Count a new answering session of the current client on ``wave_id``; False when the
    client has started ``SURVEY_RESPONSES_PER_CLIENT`` within the window already (nothing
    is written then). Always True when the limit is 0 (no limit). The caller commits.

    A worker takes ``LEASE`` sessions at a time while they fit, and hands them out from
    memory: the database is written once per ten starts, and its count does not mark each
    start. Every session handed out is counted first, so a client never gets more than the
    limit in a window; near the limit, sessions another worker holds are out of reach, so
    a client may be refused up to nine sessions early per further worker."""
    if db.new or db.dirty or db.deleted:
        raise RuntimeError("a client is counted in a transaction of its own")
    config = current_app.config
    limit = config["SURVEY_RESPONSES_PER_CLIENT"]
    if limit <= 0:
        return True
    window = config["SURVEY_CLIENT_WINDOW_SECONDS"]
    client = client_digest(PURPOSE)
    leases: dict[tuple[int, str], list[float]] = current_app.extensions.setdefault(
        "survey_allowance_leases", {})
    clock = time.monotonic()
    lease = leases.get((wave_id, client))
    if lease is not None and lease[0] > 0 and lease[1] > clock:
        lease[0] -= 1
        return True
    moment = int(time.time() if now is None else now)
    moment -= moment % WINDOW_STEP_SECONDS
    cutoff = moment - window
    _purge_passed(db, cutoff, leases, clock)
    for size in sorted({min(LEASE, limit), 1}, reverse=True):
        if TAKE.run(db, (wave_id, client, moment, cutoff, limit - size, size)) == 1:
            leases[(wave_id, client)] = [size - 1, clock + window]
            return True
    return False


def retry_after(db: Session, wave_id: int, *, now: float | None = None) -> int:
    """Seconds until the current client, refused now, may start again."""
    window = current_app.config["SURVEY_CLIENT_WINDOW_SECONDS"]
    started = db.scalar(
        select(ClientAllowance.window_start).where(
            ClientAllowance.wave_id == wave_id,
            ClientAllowance.client == client_digest(PURPOSE),
        )
    )
    moment = time.time() if now is None else now
    if started is None:
        return WINDOW_STEP_SECONDS
    return max(int(started + window - moment) + WINDOW_STEP_SECONDS, WINDOW_STEP_SECONDS)


def _purge_passed(db: Session, cutoff: int, leases: dict, clock: float) -> None:
    """Delete rows whose window has passed, and this worker's spent leases, at most every
    few minutes per worker."""
    state = current_app.extensions.setdefault("survey_allowance_purged", [0.0])
    if clock - state[0] < PURGE_EVERY_SECONDS:
        return
    state[0] = clock
    for key in [k for k, (left, until) in leases.items() if left <= 0 or until <= clock]:
        leases.pop(key, None)
    db.execute(delete(ClientAllowance).where(ClientAllowance.window_start <= cutoff))
