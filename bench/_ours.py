"""Our side of bench/peer.py, measured in this process: stored responses, SQL statements
of a form GET and of the storing POST (counted at the DB-API cursor), and the timed CSV export of
responses stored through the survey package's bulk path."""

from __future__ import annotations

import random
import sqlite3
import time

from _common import OUT, create_app_for, make_instance, prepare_survey, unit_codes
from _load import hidden_fields
from _respondent import AnswerPlan

COMMENTS = ["Fler kollegor och mindre administration.", "Bättre introduktion för nyanställda."]


def our_stored(instance, wave_id: int) -> int:
    from sqlalchemy import func, select

    from core.db import get_session
    from survey.models import Response

    app = create_app_for(instance)
    with app.app_context():
        stored = get_session().scalar(select(func.count()).where(Response.wave_id == wave_id))
    app.extensions["db_engine"].dispose()
    return stored or 0


class _CountingCursor(sqlite3.Cursor):
    """A DB-API cursor that counts its execute/executemany calls (as Django's
    ``connection.queries`` lists them: a batch is one statement)."""

    calls = 0

    def execute(self, *args, **kwargs):
        _CountingCursor.calls += 1
        return super().execute(*args, **kwargs)

    def executemany(self, *args, **kwargs):
        _CountingCursor.calls += 1
        return super().executemany(*args, **kwargs)


class _CountingConnection(sqlite3.Connection):
    def cursor(self, factory=_CountingCursor):
        return super().cursor(factory)


class StatementCounter:
    """Counts the statements the app sends to SQLite at the DB-API level, so that
    statements run on the raw cursor (the submission path does) are seen as well."""

    def measure(self, call):
        before = _CountingCursor.calls
        result = call()
        return _CountingCursor.calls - before, result


def counting_app(instance):
    """The app of ``instance`` in this process, its engine opening counting connections
    (same settings as ``core.db.make_engine`` otherwise)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import sessionmaker

    from core import db

    app = create_app_for(instance)
    app.extensions["db_engine"].dispose()
    engine = create_engine(instance.database_url, connect_args={
        "timeout": 10, "check_same_thread": False, "factory": _CountingConnection})
    event.listen(engine, "connect", db._sqlite_pragmas)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    return app, StatementCounter()


def our_statements(instance, wave_id: int) -> dict[str, int]:
    """Statements of the one-page form GET and of the storing POST (after a warm-up
    submission), through the app in this process with CSRF on, as in production."""
    app, counter = counting_app(instance)
    plan = AnswerPlan.load(instance, wave_id)
    codes = unit_codes()
    rng = random.Random(7)
    client = app.test_client()
    path = f"/survey/{wave_id}/all"
    measured = {}
    for _ in range(2):  # the first pass warms the caches
        for cookie in ("survey_pass", "survey_answered"):  # another person each time
            client.delete_cookie(cookie, path=f"/survey/{wave_id}/")
        get_count, page = counter.measure(lambda: client.get(path))
        fields = hidden_fields(page.get_data(as_text=True))
        fields.update({name: rng.choice(values) for name, values in codes.items()})
        fields.update({k: v for k, v in plan.answers(rng).items() if v})
        post_count, reply = counter.measure(lambda f=fields: client.post(path, data=f))
        measured = {"get": get_count, "post": post_count, "status": reply.status_code}
    app.extensions["db_engine"].dispose()
    return measured


def our_export(rows: int) -> dict:
    """Store ``rows`` responses through ``survey.services.store_responses`` (batches of
    5,000), close the wave (results exist only for closed waves) and time
    ``survey.waves.raw_export.write_csv`` of the whole wave into a file, its disclosure pattern
    included."""
    from datetime import date

    from sqlalchemy import select

    from core.db import get_session
    from core.org.models import District, ServiceArea, StaffRole
    from survey.models import Wave
    from survey.services import NewResponse, store_responses
    from survey.spec import instrument_spec
    from survey.units import Unit
    from survey.waves.lifecycle import close_wave
    from survey.waves.raw_export import write_csv

    instance = make_instance(prefix="bench-export-")
    try:
        wave_id = prepare_survey(instance)
        app, counter = counting_app(instance)
        with app.app_context():
            db = get_session()
            wave = db.get(Wave, wave_id)
            spec = instrument_spec(db, wave.instrument_id)
            units = [list(db.scalars(select(m.id))) for m in (District, ServiceArea, StaffRole)]
            rng = random.Random(11)
            started = time.perf_counter()
            for first in range(0, rows, 5000):
                batch = [
                    NewResponse(Unit(*(rng.choice(ids) for ids in units)),
                                stored_answers(spec, rng), date.today())
                    for _ in range(min(5000, rows - first))
                ]
                store_responses(db, wave_id, spec, batch)
                db.commit()
            inserted = time.perf_counter() - started
            close_wave(db, wave)
            db.commit()
            target = OUT / "ours-export.csv"
            started = time.perf_counter()
            with open(target, "w", encoding="utf-8", newline="") as stream:
                statements, _ = counter.measure(
                    lambda: write_csv(db, wave, stream, app.config["MIN_GROUP_SIZE"]))
            seconds = time.perf_counter() - started
        app.extensions["db_engine"].dispose()
        lines = sum(1 for _ in open(target, encoding="utf-8")) - 1
        return {"rows": rows, "insert_seconds": inserted, "seconds": seconds,
                "exported": lines, "statements": statements}
    finally:
        instance.remove()


def stored_answers(spec, rng: random.Random) -> dict[int, int | str]:
    answers: dict[int, int | str] = {}
    for q in spec.questions:
        if q.type == "agreement":
            answers[q.id] = rng.randint(1, q.points or 5)
        elif q.type == "number":
            answers[q.id] = rng.randint(q.min_value or 0, min(q.max_value or 60, 60))
        elif q.type == "yesno":
            answers[q.id] = rng.randint(0, 1)
        elif q.type == "text" and rng.random() < 0.33:
            answers[q.id] = rng.choice(COMMENTS)
    return answers
