"""Alembic brings an empty database to the heads of every branch, and the result matches the
models exactly. On SQLite by default; on PostgreSQL (in a throwaway schema) when
TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app import create_app
from core import migrate
from core.db import Base, make_engine


def all_models_registered(url: str) -> None:
    """A package may import its models in ``init_app``: build an app so all are on the
    metadata (as ``flask db revision`` does when it runs in an app)."""
    create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"}).extensions[
        "db_engine"].dispose()


@contextmanager
def empty_database(tmp_path) -> Iterator[str]:
    """A URL of an empty database: a new SQLite file, or a new schema on the PostgreSQL server
    of TEST_DATABASE_URL that is dropped afterwards."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server or server.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    schema = f"migration_test_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def describe(diff) -> str:
    lines = []
    for entry in diff:
        items = entry if isinstance(entry, list) else [entry]
        for item in items:
            lines.append("  " + " ".join(str(part) for part in item[:3])[:200])
    return "\n".join(lines)


def test_upgrade_from_empty_matches_the_models(tmp_path):
    with empty_database(tmp_path) as url:
        all_models_registered(url)
        migrate.upgrade(url)
        migrate.upgrade(url)  # running it again is harmless
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                assert "alembic_version" in tables
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, Base.metadata)
        finally:
            engine.dispose()
    assert not diff, (
        "the migrations do not match the models; generate a revision on the package's "
        "branch (see CONVENTIONS: flask db revision --branch <pkg>):\n" + describe(diff)
    )


def test_every_branch_has_one_head(tmp_path):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(f"sqlite:///{tmp_path}/x"))
    heads = script.get_heads()
    branches = {}
    for head in heads:
        for label in script.get_revision(head).branch_labels or {"core"}:
            branches.setdefault(label, []).append(head)
    split = {label: revs for label, revs in branches.items() if len(revs) > 1}
    assert not split, f"branches with more than one head (merge them): {split}"
    assert "core" in branches


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
                    reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_the_throwaway_schema_is_really_used(tmp_path):
    with empty_database(tmp_path) as url:
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT current_schema()")).startswith("migration_test_")
        engine.dispose()
