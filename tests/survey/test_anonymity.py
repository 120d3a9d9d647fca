"""Inspection: nothing stored or logged for a response ties it to a person or a moment."""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
import urllib.request

from sqlalchemy import DateTime, Time, select
from werkzeug.serving import make_server

from core.logs import AnonymousAccessLog
from survey.models import (
    Answer,
    FreeTextAnswer,
    InvitationCode,
    Response,
    ResponseCount,
    ResumeDraft,
    Rollup,
    UsedSubmissionToken,
)
from survey.tokens import issue_submission_token
from tests.survey.helpers import make_wave, valid_form

RESPONSE_TABLES = (Response, Answer, FreeTextAnswer, Rollup, ResponseCount,
                   UsedSubmissionToken, InvitationCode, ResumeDraft)
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) InspectionBrowser/99.1"
FORWARDED = "203.0.113.77"
TIME_OF_DAY = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b")
IP_ADDRESS = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")


def test_response_tables_have_no_identity_or_time_columns():
    assert {c.name for c in Response.__table__.columns} == {
        "id", "wave_id", "district_id", "service_area_id", "staff_role_id", "extra_key",
        "submitted_on",
    }
    for model in RESPONSE_TABLES:
        for column in model.__table__.columns:
            assert not isinstance(column.type, DateTime | Time), (model, column.name)
            assert not re.search(r"ip|addr|agent|user|session|time|created", column.name), (
                model, column.name)
    # responses and answers are stored without rowid on SQLite: no insertion order
    for model in (Response, Answer, FreeTextAnswer, UsedSubmissionToken):
        assert model.__table__.dialect_kwargs.get("sqlite_with_rowid") is False


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_nothing_stored_or_logged_identifies_the_respondent(app, db):
    wave = make_wave(db)
    with app.test_request_context():
        token = issue_submission_token(wave.id)
    form = {**valid_form(db, wave), "submission_token": token}

    log = logging.getLogger("werkzeug")
    log.addFilter(AnonymousAccessLog())
    capture = Capture()
    log.addHandler(capture)
    old_level = log.level
    log.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/survey/{wave.id}/all",
            data=urllib.parse.urlencode(form).encode(),
            headers={"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED},
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310  (local http, follows the 303)
            assert response.status == 200
        # the link of a printed invitation code's QR code: the code stays out of the log
        printed = f"http://127.0.0.1:{server.server_port}/survey/{wave.id}/?code=QRCD-PRNT-ED"
        with urllib.request.urlopen(printed) as response:  # noqa: S310  (local http)
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join(timeout=5)
        log.removeHandler(capture)
        log.setLevel(old_level)

    assert any(f"/survey/{wave.id}/all" in line for line in capture.lines), capture.lines
    assert any(f"GET /survey/{wave.id}/ HTTP" in line for line in capture.lines), capture.lines
    for line in capture.lines:
        assert "QRCD" not in line and "?" not in line, line
        assert "127.0.0.1" not in line and FORWARDED not in line, line
        assert not IP_ADDRESS.search(line), line
        assert "InspectionBrowser" not in line, line
        assert not TIME_OF_DAY.search(line), line

    db.expire_all()
    assert db.scalar(select(Response.id)) is not None
    for model in RESPONSE_TABLES:
        for row in db.execute(select(model.__table__)).all():
            text = " ".join(str(value) for value in row)
            assert "127.0.0.1" not in text and FORWARDED not in text, (model, text)
            assert "InspectionBrowser" not in text, (model, text)
            assert not TIME_OF_DAY.search(text), (model, text)
