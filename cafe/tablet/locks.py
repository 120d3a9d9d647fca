"""Serialising writes to a café with closing it.

Closing a café routes its ideas, so a note must either be stored before the close (and be
routed) or be refused after it, never land in between. Every write that depends on the
café's status takes the café's row lock first and reads the status under it:

* PostgreSQL: ``SELECT … FOR SHARE`` for writes inside a café (notes, head counts), so
  tables write in parallel, and ``SELECT … FOR UPDATE`` for closing and for changes of the
  café itself, which waits until every note in flight is committed.
* SQLite has a single writer: a first write statement takes the database's write lock, and
  everything read after it is the latest committed state until the transaction ends.

The café is re-read under the lock (``populate_existing``), so a status read earlier in the
request is not trusted.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cafe.models import Cafe


def lock_cafe(db: Session, cafe_id: int, *, exclusive: bool) -> Cafe:
    """Lock the café's row for this transaction and return it freshly read.

    ``exclusive=False`` lets other writers inside the café go on (they only must not
    overlap a close); ``exclusive=True`` waits for them and keeps them out until commit."""
    stmt = select(Cafe).where(Cafe.id == cafe_id).execution_options(populate_existing=True)
    if db.get_bind().dialect.name == "sqlite":
        # a write, even of the same value, takes SQLite's one write lock now
        db.execute(
            update(Cafe)
            .where(Cafe.id == cafe_id)
            .values(status=Cafe.status)
            .execution_options(synchronize_session=False)
        )
    else:
        stmt = stmt.with_for_update(read=not exclusive)
    return db.scalars(stmt).one()
