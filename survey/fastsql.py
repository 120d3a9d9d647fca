"""Prebuilt SQLAlchemy statements compiled once per dialect and run straight on the DB-API
cursor of the session's connection (same transaction). Used only on the submission path,
where the per-execution bookkeeping of SQLAlchemy would cost more than the SQL itself; the
SQL still comes from SQLAlchemy constructs, so it stays right for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

Row = tuple[Any, ...]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: positional paramstyle: the row index of each placeholder; None when rows are in
    #: placeholder order already. Named paramstyle: unused.
    order: tuple[int, ...] | None
    positional: bool
    #: (row index, bind processor) for the values the driver cannot take as they are
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]


class Prepared:
    """One statement whose parameters are ``names``; rows are tuples in that order.
    ``run`` executes it for one row, ``run_many`` for many; both return the DB-API rowcount.
    ``statement`` is a statement, or a function of the dialect name giving one (for
    dialect-specific constructs such as ``INSERT … ON CONFLICT``). Every bound parameter
    must be one of ``names``: write constants as SQL literals (``true()``)."""

    def __init__(
        self,
        statement: ClauseElement | Callable[[str], ClauseElement],
        names: Sequence[str],
    ) -> None:
        self.statement = statement
        self.names = tuple(names)
        self._compiled: dict[str, _Compiled] = {}
        self._lock = Lock()

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is not None:
            return compiled
        statement = self.statement
        if not isinstance(statement, ClauseElement):
            statement = statement(dialect.name)
        form = statement.compile(dialect=dialect, column_keys=list(self.names))
        unknown = set(form.binds) - set(self.names)
        if unknown:
            raise ValueError(f"parameters {sorted(unknown)} are not among {self.names}")
        index = {name: i for i, name in enumerate(self.names)}
        processors = []
        for name, bind in form.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors.append((index[name], processor))
        order = None
        if form.positional:
            placeholders = tuple(index[name] for name in form.positiontup or ())
            order = None if placeholders == tuple(range(len(self.names))) else placeholders
        compiled = _Compiled(str(form), order, bool(form.positional), tuple(processors))
        with self._lock:
            self._compiled[dialect.name] = compiled
        return compiled

    def _params(self, compiled: _Compiled, row: Row):
        if compiled.processors:
            values = list(row)
            for i, processor in compiled.processors:
                values[i] = processor(values[i])
            row = tuple(values)
        if not compiled.positional:
            return dict(zip(self.names, row, strict=True))
        if compiled.order is not None:
            return tuple(row[i] for i in compiled.order)
        return row

    def _cursor(self, db: Session):
        connection = db.connection()
        return self._for(connection.dialect), connection.connection.dbapi_connection.cursor()

    def run(self, db: Session, row: Row) -> int:
        compiled, cursor = self._cursor(db)
        try:
            cursor.execute(compiled.sql, self._params(compiled, row))
            return cursor.rowcount
        finally:
            cursor.close()

    def run_many(self, db: Session, rows: Sequence[Row]) -> int:
        if not rows:
            return 0
        compiled, cursor = self._cursor(db)
        try:
            simple = compiled.positional and compiled.order is None and not compiled.processors
            params = rows if simple else [self._params(compiled, row) for row in rows]
            cursor.executemany(compiled.sql, params)
            return cursor.rowcount
        finally:
            cursor.close()
