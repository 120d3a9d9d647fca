"""A demonstration city for the browser, fuzz and security suites.

The packages' demo loaders (``flask demo load``) run once per test session into a SQLite
file, plus one invitation-code wave; each suite then works on its own copy of that file, so
what one suite changes (a submitted survey, a published summary) never leaks into another.

The fuzz suite sends every kind of hostile input, and PostgreSQL refuses some text that
SQLite stores (a NUL byte), so it runs on the database of the pass: with
``TEST_DATABASE_URL`` set, the demo city is loaded once into the database
``<name>_demo`` on that server and each copy is made from it with
``CREATE DATABASE ... TEMPLATE`` (``demo_database_url``). The browser and security suites
test the web layer and keep to SQLite copies."""

from __future__ import annotations

import atexit
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import make_url, select, text

from app import create_app
from core.auth.accounts import User
from core.db import Base, get_session, make_engine
from demo import DEMO_PASSWORD

#: the demo user that plays each role in these suites
ROLE_USERS = {
    "admin": "admin",
    "central": "analytiker",
    "local": "styrgrupp.farsta",
    "moderator": "moderator",
    "facilitator": "samtalsledare1",
}
ROLES = tuple(ROLE_USERS)
PASSWORD = DEMO_PASSWORD
CODES_WAVE = "Inbjudningskoder 2026"
#: how many invitation codes the extra wave gets (Farsta, economic aid)
CODES = 40

_built: dict[str, Path] = {}
#: the server URL, then the PostgreSQL databases made in this test session (dropped when
#: it ends)
_made: list[str] = []


def app_for(database: Path | str, **overrides: Any) -> Flask:
    """The production application on ``database`` (a SQLite file or a database URL; CSRF
    on unless overridden)."""
    config = {
        "DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "SECRET_KEY": "demo-site-test-secret",
        "TESTING": True,
    }
    config.update(overrides)
    return create_app(config)


def session_workdir(tmp_path_factory: Any) -> Path:
    """One folder per test session for the demo database and its copies."""
    path = Path(tmp_path_factory.getbasetemp()) / "demo-city"
    path.mkdir(exist_ok=True)
    return path


def _load_demo(database: Path | str) -> None:
    """Create the schema in ``database`` and load the demo city and the codes wave."""
    app = app_for(database)
    Base.metadata.create_all(app.extensions["db_engine"])
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    if result.exit_code != 0:
        raise RuntimeError(f"flask demo load failed:\n{result.output}") from result.exception
    with app.app_context():
        _add_codes_wave(get_session())
    app.extensions["db_engine"].dispose()


def demo_database(workdir: Path) -> Path:
    """Build the demo database once per session (in ``workdir``) and return its path."""
    if "path" not in _built:
        path = workdir / "demo-city.sqlite"
        _load_demo(path)
        _built["path"] = path
    return _built["path"]


def demo_copy(workdir: Path, name: str) -> Path:
    """A private copy of the demo database for one suite or test."""
    target = workdir / f"{name}.sqlite"
    shutil.copyfile(demo_database(workdir), target)
    return target


def demo_database_url(workdir: Path, name: str) -> str:
    """A private copy of the demo city as a database URL: a PostgreSQL database beside
    ``TEST_DATABASE_URL`` when that is set, else a SQLite copy in ``workdir``."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server or make_url(server).get_backend_name() != "postgresql":
        return f"sqlite:///{demo_copy(workdir, name)}"
    base = make_url(server)
    template = _database_name(base.database, "demo")
    if template not in _made:
        _recreate(server, template)
        _load_demo(base.set(database=template).render_as_string(hide_password=False))
    copy = _database_name(base.database, name)
    _recreate(server, copy, template=template)
    return base.set(database=copy).render_as_string(hide_password=False)


def worker_database(server: str) -> str:
    """An empty database ``<name>_<worker>`` beside ``server`` for one pytest-xdist worker
    (dropped when the test session ends)."""
    base = make_url(server)
    name = _database_name(base.database, "suite")
    _recreate(server, name)
    return base.set(database=name).render_as_string(hide_password=False)


def discard(url: str) -> None:
    """Drop a PostgreSQL copy made by ``demo_database_url`` (SQLite copies stay with the
    test session's temporary folder)."""
    if url.startswith("postgresql"):
        _drop(os.environ["TEST_DATABASE_URL"], make_url(url).database)


def _database_name(base: str | None, name: str) -> str:
    """``<base>_<name>`` as a PostgreSQL identifier (lower case, at most 63 bytes), with the
    pytest-xdist worker in it when the suite runs in parallel."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return re.sub(r"[^a-z0-9_]+", "_", "_".join(filter(None, (base, worker, name))).lower())[:63]


def _server_command(server: str, statement: str) -> None:
    engine = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def _drop(server: str, database: str) -> None:
    _server_command(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    if database in _made[1:]:
        _made.remove(database)


def _recreate(server: str, database: str, template: str | None = None) -> None:
    _drop(server, database)
    copy_of = f' TEMPLATE "{template}"' if template else ""
    _server_command(server, f'CREATE DATABASE "{database}"{copy_of}')
    if not _made:
        _made.append(server)  # first entry: the server to drop them on at exit
        atexit.register(_drop_made)
    _made.append(database)


def _drop_made() -> None:
    server, *databases = _made
    for database in reversed(databases):
        _drop(server, database)


def _add_codes_wave(db) -> None:
    """An open invitation-code wave: the demo has only open-link waves."""
    from core.org.models import District, ServiceArea, by_code
    from survey.catalog import latest_instrument
    from survey.models import INVITATION_CODES
    from survey.waves.codes import generate_codes
    from survey.waves.lifecycle import create_wave, open_wave

    instrument = latest_instrument(db, "hme-arbetsbelastning")
    today = date.today()
    wave = create_wave(
        db, name=CODES_WAVE, instrument=instrument, opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30), mode=INVITATION_CODES,
    )
    open_wave(db, wave)
    generate_codes(
        db, wave, CODES, district=by_code(db, District, "farsta"),
        service_area=by_code(db, ServiceArea, "ekonomiskt-bistand"),
    )
    db.commit()


def unused_codes(app: Flask, count: int = 1) -> list[str]:
    """Invitation codes of the extra wave that nobody has used yet."""
    from survey.models import InvitationCode, Wave

    with app.app_context():
        db = get_session()
        wave_id = db.scalar(select(Wave.id).where(Wave.name == CODES_WAVE))
        codes = db.scalars(
            select(InvitationCode.code)
            .where(InvitationCode.wave_id == wave_id, InvitationCode.used.is_(False))
            .order_by(InvitationCode.code)
            .limit(count)
        )
        return list(codes)


def wave_id(app: Flask, name: str | None = None) -> int:
    """The id of the wave called ``name``; by default the demo's open open-link wave."""
    from survey.models import OPEN_LINK, STATE_OPEN, Wave

    with app.app_context():
        stmt = select(Wave.id)
        if name is None:
            stmt = stmt.where(Wave.state == STATE_OPEN, Wave.mode == OPEN_LINK)
        else:
            stmt = stmt.where(Wave.name == name)
        found = get_session().scalar(stmt.order_by(Wave.id))
    assert found is not None, f"no wave {name or '(open, open link)'} in the demo"
    return found


def sign_in(client: FlaskClient, app: Flask, role: str | None) -> FlaskClient:
    """Put the demo user of ``role`` in the client's session (works with CSRF on);
    ``None`` leaves the client anonymous."""
    if role is None:
        return client
    with app.app_context():
        user = get_session().scalar(select(User).where(User.username == ROLE_USERS[role]))
        assert user is not None, f"demo user for {role} is missing"
        sign_in_key = user.sign_in_key
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = sign_in_key  # what Flask-Login's login_user stores
        session["_fresh"] = True
    return client
