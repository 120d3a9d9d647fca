"""``flask demo load`` fills the organisation and the demo users, prints how to sign in, and
running it again duplicates nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from core.auth import accounts as auth
from core.db import Base, get_session
from core.org.models import DevelopmentArea, District, ServiceArea, StaffRole
from demo import DEMO_PASSWORD, DEMO_USERS


def row_counts(app) -> dict[str, int]:
    with app.app_context():
        db = get_session()
        return {t.name: db.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


def test_demo_load_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    for username, role, _name, _districts in DEMO_USERS:
        assert f"{username:20} {DEMO_PASSWORD}   {role}" in first.output
    assert "styrgrupp.farsta" in first.output and "(farsta)" in first.output

    with app.app_context():
        db = get_session()
        assert db.scalar(select(func.count()).select_from(District)) == 16
        assert db.scalar(select(func.count()).select_from(ServiceArea)) == 6
        assert db.scalar(select(func.count()).select_from(StaffRole)) == 4
        assert db.scalar(select(func.count()).select_from(DevelopmentArea)) == 13
        for username, role, _name, districts in DEMO_USERS:
            user = auth.find_user(db, username)
            assert user.role == role and user.check_password(DEMO_PASSWORD)
            assert sorted(d.code for d in user.districts) == sorted(districts)
    loaded = row_counts(app)

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "admin" in second.output and DEMO_PASSWORD in second.output
    assert row_counts(app) == loaded


def test_demo_users_can_sign_in(app, client):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    response = client.post("/login", data={"username": "styrgrupp.farsta",
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302
