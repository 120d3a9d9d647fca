"""The demonstration season: ten closed cafés in June, August and September 2017, about 500
participants at about 60 tables, ideas in every status, published summaries; deterministic
and fast."""

from __future__ import annotations

import random
import time
from datetime import date

from sqlalchemy import func, select

import cafe.demo
from app import create_app
from cafe.ideas.models import IDEA_STATUSES, Idea, IdeaStatusChange
from cafe.models import CLOSED, Cafe, CafeTable, Note
from core.auth import accounts as auth
from core.db import Base, get_session
from core.demo_dates import story_year
from core.org.seed import seed_organisation
from core.text import mask_personal_data
from demo import DEMO_PASSWORD, DEMO_USERS


def load_demo(application) -> float:
    with application.app_context():
        db = get_session()
        seed_organisation(db)
        for username, role, name, districts in DEMO_USERS:
            if auth.find_user(db, username) is None:
                auth.create_user(db, username, DEMO_PASSWORD, role, name, districts)
        started = time.perf_counter()
        cafe.demo.load(db, random.Random(2017))
        db.commit()
        return time.perf_counter() - started


def fingerprint(application) -> list:
    with application.app_context():
        db = get_session()
        notes = db.execute(select(Note.uuid, Note.text, Note.votes).order_by(Note.id)).all()
        ideas = db.execute(select(Idea.status, Idea.published).order_by(Idea.id)).all()
        return [tuple(n) for n in notes] + [tuple(i) for i in ideas]


def test_demo_season(app):
    seconds = load_demo(app)
    assert seconds < 10
    with app.app_context():
        db = get_session()
        season = db.scalars(select(Cafe).where(Cafe.status == CLOSED)).all()
        assert len(season) == 10
        assert {c.starts_at.month for c in season} == {6, 8, 9}
        # held in the summer before the follow-up survey, as in the story's 2017
        assert all(c.starts_at.year == story_year(2017) for c in season)
        coming = db.scalars(select(Cafe).where(Cafe.status != CLOSED)).all()
        assert len(coming) == 1 and coming[0].starts_at.date() > date.today()
        assert len({d.code for c in season for d in c.districts}) >= 10
        people = db.scalar(select(func.sum(CafeTable.participants)).join(Cafe).where(
            Cafe.status == CLOSED))
        assert 480 <= people <= 520
        assert 480 <= sum(c.expected_total for c in season) <= 520
        tables = db.scalar(select(func.count(CafeTable.id)).join(Cafe).where(
            Cafe.status == CLOSED))
        assert 55 <= tables <= 65
        assert all(c.summary and c.summary_published_at for c in season)
        texts = db.scalars(select(Note.text)).all()
        assert len(texts) > 500
        assert all(not mask_personal_data(t).changed for t in set(texts))
        statuses = dict(db.execute(select(Idea.status, func.count()).group_by(Idea.status)).all())
        assert set(statuses) == set(IDEA_STATUSES)
        answered = db.scalars(select(Idea).where(Idea.status != "new")).all()
        assert all(i.answer and i.answered_on for i in answered)
        assert db.scalar(select(func.count()).where(Idea.published.is_(True))) > 20
        changes = db.scalar(select(func.count(IdeaStatusChange.id)))
        assert changes > len(answered)
        facilitators = {u.username for u in db.scalars(
            select(auth.User).where(auth.User.role == "facilitator"))}
        assert {"samtalsledare1", "samtalsledare2", "samtalsledare8"} <= facilitators
        extra = auth.find_user(db, "samtalsledare5")
        assert extra.check_password(DEMO_PASSWORD)
        assert db.scalar(select(func.count(Cafe.id)).where(Cafe.status == "open")) == 1


def test_demo_is_deterministic(app, tmp_path):
    load_demo(app)
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}",
                        "SECRET_KEY": "x"})
    Base.metadata.create_all(other.extensions["db_engine"])
    load_demo(other)
    assert fingerprint(app) == fingerprint(other)
    other.extensions["db_engine"].dispose()


def test_demo_pages_render(app, client):
    load_demo(app)
    assert client.get("/you-said-we-did/farsta").status_code == 200
    client.post("/login", data={"username": "styrgrupp.farsta", "password": DEMO_PASSWORD})
    inbox = client.get("/ideas/")
    assert inbox.status_code == 200 and "Farsta" in inbox.get_data(as_text=True)
    client.post("/logout")
    client.post("/login", data={"username": "samtalsledare1", "password": DEMO_PASSWORD})
    tables = client.get("/my-tables/").get_data(as_text=True)
    assert "Uppföljande dialogcafé Farsta" in tables
