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


#: tables of a package carry its prefix; core's tables have none
TABLE_PREFIXES = {"survey": "survey_", "cafe": "cafe_", "steering": "steering_"}


def table_belongs_to(table_name: str, branch: str) -> bool:
    if branch == "core":
        return not any(table_name.startswith(p) for p in TABLE_PREFIXES.values())
    return table_name.startswith(TABLE_PREFIXES[branch])


def revision(message: str, branch: str, autogenerate: bool = True) -> None:
    """Autogenerate a revision on one package's branch, comparing only that package's tables.

    The first revision of a branch starts it (branch label, depending on core's head)."""
    from alembic.script import ScriptDirectory

    cfg = alembic_config()
    cfg.attributes["only_branch"] = branch
    script = ScriptDirectory.from_config(cfg)
    version_path = str(ROOT / "migrations" / "versions" / branch)
    count = len(list(Path(version_path).glob("*.py")))
    rev_id = f"{branch}_{count + 1:04d}"
    if count:
        command.revision(cfg, message=message, autogenerate=autogenerate,
                         head=f"{branch}@head", rev_id=rev_id)
    else:
        core_head = script.get_revision("core@head").revision
        command.revision(cfg, message=message, autogenerate=autogenerate, head="base",
                         branch_label=branch, version_path=version_path, rev_id=rev_id,
                         depends_on=core_head)
