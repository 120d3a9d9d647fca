"""Command-line tools: ``flask db``, ``flask users``, ``flask org``, ``flask translate``."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from flask import Flask
from flask.cli import AppGroup

from core import migrate
from core.access import LOCAL, ROLES
from core.auth import accounts
from core.db import get_session

ROOT = Path(__file__).resolve().parent.parent

db_cli = AppGroup("db", help="Database schema (Alembic).")
users_cli = AppGroup("users", help="User accounts.")
translate_cli = AppGroup("translate", help="Translation catalogues.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the current schema (all branches)."""
    migrate.upgrade()
    click.echo("database is at the current schema")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's schema revision."""
    migrate.current()


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--branch", type=click.Choice(migrate.BRANCHES), required=True)
def db_revision(message: str, branch: str) -> None:
    """Autogenerate a migration for one package's branch."""
    migrate.revision(message, branch)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="")
@click.option("--district", "districts", multiple=True, help="District code (repeatable).")
@click.option("--password", default=None, help="Omit to have one generated and printed.")
def users_create(username, role, display_name, districts, password) -> None:
    """Create a user account."""
    db = get_session()
    _check_scope(role, districts)
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        accounts.create_user(db, username, password, role, display_name, list(districts))
    except accounts.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(f"created {username} ({role})" + (f" password: {password}" if generated else ""))


@users_cli.command("list")
def users_list() -> None:
    """List user accounts with role and districts."""
    from sqlalchemy import select

    db = get_session()
    for user in db.scalars(select(accounts.User).order_by(accounts.User.username)):
        scope = ",".join(d.code for d in user.districts) or "-"
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username:24} {user.role:12} {scope}{state}")


@users_cli.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--district", "districts", multiple=True, help="Replace the district scope.")
def users_set_role(username, role, districts) -> None:
    """Change a user's role (and optionally district scope)."""
    db = get_session()
    user = accounts.find_user(db, username)
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    _check_scope(role, districts)
    user.role = role
    if districts:
        try:
            user.districts = accounts.districts_by_codes(db, list(districts))
        except accounts.AuthError as exc:
            raise click.ClickException(str(exc)) from exc
    if role == LOCAL and not user.districts:
        raise click.ClickException("a local steering group member needs --district")
    if role != LOCAL:
        user.districts = []  # as in the administration page: only local members are scoped
    db.commit()
    click.echo(f"{username} is now {role}")


def _check_scope(role: str, districts: tuple[str, ...]) -> None:
    if districts and role != LOCAL:
        raise click.ClickException(
            "--district applies to local steering group members only; "
            f"a {role} user sees {'every district' if role in ('admin', 'central') else 'none'}"
        )


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", *args])


def extract_messages(output: Path) -> None:
    """Extract every translatable string of the project into the template ``output``."""
    _pybabel("-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--no-location",
             "--ignore-dirs", ".* __pycache__ node_modules",
             "--sort-output", "-o", str(output), str(ROOT))


@translate_cli.command("extract")
def translate_extract() -> None:
    """Extract messages into translations/messages.pot."""
    extract_messages(ROOT / "translations" / "messages.pot")


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new messages into the sv and en catalogues."""
    translate_extract.callback()
    _pybabel("update", "-i", str(ROOT / "translations" / "messages.pot"),
             "-d", str(ROOT / "translations"), "--no-fuzzy-matching", "--ignore-obsolete")
    fill_source_language(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po")


def fill_source_language(po_path: Path) -> None:
    """The source strings are English: the English catalogue repeats them verbatim."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # plural: singular and plural forms as written
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
    with po_path.open("wb") as fh:
        write_po(fh, catalog, sort_output=True, width=100)


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", str(ROOT / "translations"), "--statistics")


def init_app(app: Flask) -> None:
    from core.org.csv_io import org_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(translate_cli)
