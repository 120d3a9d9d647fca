"""``flask demo load``: a realistic, deterministic city to try the product with."""

from __future__ import annotations

import random

import click
from flask import current_app
from flask.cli import AppGroup

from core.auth import accounts
from core.db import get_session
from core.org.seed import seed_organisation

demo_cli = AppGroup("demo", help="Demonstration data.")

#: (user name, role, display name, district codes); every password is printed on load
DEMO_USERS = [
    ("admin", "admin", "Alva Administratör", []),
    ("analytiker", "central", "Cecilia Central", []),
    ("styrgrupp.farsta", "local", "Lars Lokal (Farsta)", ["farsta"]),
    ("styrgrupp.rinkeby", "local", "Leila Lokal (Rinkeby-Kista)", ["rinkeby-kista"]),
    ("moderator", "moderator", "Maja Moderator", []),
    ("samtalsledare1", "facilitator", "Fredrik Samtalsledare", []),
    ("samtalsledare2", "facilitator", "Fatima Samtalsledare", []),
]
#: the key under which the composition root lists each package's demonstration loader
DEMO_LOADERS = "demo_loaders"
DEMO_PASSWORD = "demo-lösenord-2026"  # noqa: S105  (demo only, printed on load)


@demo_cli.command("load")
@click.option("--seed", default=2017, show_default=True, help="Random seed.")
def load(seed: int) -> None:
    """Fill the database with a demonstration city (idempotent for the organisation)."""
    db = get_session()
    if accounts.find_user(db, DEMO_USERS[0][0]) is not None:
        click.echo("Demo data is already loaded.")
        _print_logins()
        return
    rng = random.Random(seed)
    seed_organisation(db)
    for username, role, name, districts in DEMO_USERS:
        if accounts.find_user(db, username) is None:
            accounts.create_user(db, username, DEMO_PASSWORD, role, name, districts)
    db.flush()
    for loader in current_app.extensions[DEMO_LOADERS]():
        loader(db, rng)
    db.commit()
    click.echo("Demo data loaded.")
    _print_logins()


def _print_logins() -> None:
    click.echo("Sign in at http://127.0.0.1:5000/login with:")
    for username, role, _name, districts in DEMO_USERS:
        scope = f" ({', '.join(districts)})" if districts else ""
        click.echo(f"  {username:20} {DEMO_PASSWORD}   {role}{scope}")

