"""A demonstration city for the browser, fuzz and security suites.

The packages' demo loaders (``flask demo load``) run once per test session into a SQLite
file, plus one invitation-code wave; each suite then works on its own copy of that file, so
what one suite changes (a submitted survey, a published summary) never leaks into another.
These suites always use SQLite: they test the web layer, and the PostgreSQL run of the
suite covers the database."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from core.auth import User
from core.db import Base, get_session
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


def app_for(database: Path, **overrides: Any) -> Flask:
    """The production application on ``database`` (CSRF on unless overridden)."""
    config = {
        "DATABASE_URL": f"sqlite:///{database}",
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


def demo_database(workdir: Path) -> Path:
    """Build the demo database once per session (in ``workdir``) and return its path."""
    if "path" not in _built:
        path = workdir / "demo-city.sqlite"
        app = app_for(path)
        Base.metadata.create_all(app.extensions["db_engine"])
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        if result.exit_code != 0:
            raise RuntimeError(f"flask demo load failed:\n{result.output}") from result.exception
        with app.app_context():
            _add_codes_wave(get_session())
        app.extensions["db_engine"].dispose()
        _built["path"] = path
    return _built["path"]


def demo_copy(workdir: Path, name: str) -> Path:
    """A private copy of the demo database for one suite or test."""
    target = workdir / f"{name}.sqlite"
    shutil.copyfile(demo_database(workdir), target)
    return target


def _add_codes_wave(db) -> None:
    """An open invitation-code wave: the demo has only open-link waves."""
    from core.org import District, ServiceArea, by_code
    from survey.codes import generate_codes
    from survey.models import INVITATION_CODES
    from survey.queries import latest_instrument
    from survey.waves import create_wave, open_wave

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
