"""Two simultaneous posts: one invitation code starts exactly one answering session, and one
form (same submission token) sent twice gives exactly one response. Runs against the suite's
file-based SQLite database, or PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import threading

from sqlalchemy import select

from core.org.models import District, by_code
from survey.models import INVITATION_CODES, InvitationCode
from survey.tokens import issue_submission_token
from survey.waves.codes import generate_codes
from tests.survey.helpers import counts, make_wave, valid_form

ROUNDS = 4


def _race(app, wave, forms, path: str = "all"):
    """POST every form at the same moment from its own client; the status codes."""
    barrier = threading.Barrier(len(forms))
    statuses: list[int] = []
    lock = threading.Lock()

    def send(form):
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/survey/{wave.id}/{path}", data=form)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_one_invitation_code_sent_twice_at_once_starts_one_session(app, db):
    wave = make_wave(db, mode=INVITATION_CODES)
    farsta = by_code(db, District, "farsta")
    codes = [c.code for c in generate_codes(db, wave, ROUNDS, district=farsta)]
    db.commit()
    for code in codes:
        form = {"code": code, "staff_role": "socialsekreterare"}
        assert _race(app, wave, [form, dict(form)], path="") == [303, 422]
    db.expire_all()
    assert all(c.used for c in db.scalars(select(InvitationCode)))


def test_one_form_sent_twice_at_once_gives_one_response(app, db):
    wave = make_wave(db)
    for round_number in range(1, ROUNDS + 1):
        with app.test_request_context():
            form = {**valid_form(db, wave), "submission_token": issue_submission_token(wave.id)}
        assert _race(app, wave, [form, dict(form)]) == [303, 303]
        stored = counts(db)
        assert stored["survey_response"] == round_number
        assert stored["survey_free_text"] == round_number


def test_the_same_form_sent_again_later_stores_nothing_more(app, client, db):
    wave = make_wave(db)
    with app.test_request_context():
        form = {**valid_form(db, wave), "submission_token": issue_submission_token(wave.id)}
    for _ in range(3):
        response = client.post(f"/survey/{wave.id}/all", data=form)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/thanks")
    assert counts(db)["survey_response"] == 1
