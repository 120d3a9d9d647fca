"""Alembic environment: the models' metadata is the target; the URL comes from the app."""

from __future__ import annotations

from alembic import context

import app as composition_root  # noqa: F401  (imports every package's models)
from core.db import Base, make_engine
from core.migrate import table_belongs_to

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.attributes["database_url"],
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.attributes["database_url"])
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _include_object(obj, name, type_, reflected, compare_to) -> bool:
    """When a revision is made for one package, compare only that package's tables."""
    branch = config.attributes.get("only_branch")
    if branch is None:
        return True
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", None)
    return table_name is None or table_belongs_to(table_name, branch)


def _run(connection) -> None:
    context.configure(
        include_object=_include_object,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
