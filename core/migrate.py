"""Alembic wiring. Each package keeps its migrations in its own branch
(``migrations/versions/<package>``); ``flask db upgrade`` brings every branch to its head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app

ROOT = Path(__file__).resolve().parent.parent
BRANCHES = ("core", "survey", "cafe", "steering")


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    locations = [str(ROOT / "migrations" / "versions" / b) for b in BRANCHES]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    url = database_url or current_app.config["DATABASE_URL"]
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "heads")


def downgrade(revision: str, database_url: str | None = None) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str | None = None) -> None:
    command.current(alembic_config(database_url), verbose=False)


def revision(message: str, branch: str, autogenerate: bool = True) -> None:
    """Create a new revision on ``branch`` (one of BRANCHES)."""
    cfg = alembic_config()
    command.revision(cfg, message=message, autogenerate=autogenerate, head=f"{branch}@head")
