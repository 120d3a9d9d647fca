""""Continue later" with an invitation code, read from the database at every step: the code
is spent when the respondent starts and nothing else is written then; the draft is made with
the first saved answers, keyed by an HMAC of the resume code, and holds neither the resume
code nor the invitation code; resuming on another device works; the draft is gone once the
response is stored; a made-up code, or the right code under another secret, finds nothing."""

from __future__ import annotations

import hashlib
import hmac
import re

from sqlalchemy import select

from core.db import Base
from core.org.models import District, by_code
from survey.models import INVITATION_CODES, InvitationCode, ResumeDraft
from survey.respond.drafts import find_draft
from survey.waves.codes import generate_codes
from tests.survey.helpers import counts, make_wave, qid


def _everything(db) -> str:
    """Every value of every table, as text."""
    db.expire_all()
    rows = []
    for table in Base.metadata.sorted_tables:
        rows += [" ".join(str(v) for v in row) for row in db.execute(select(table))]
    return "\n".join(rows)


def test_continue_later_with_an_invitation_code(app, db):
    wave = make_wave(db, mode=INVITATION_CODES)
    code = generate_codes(db, wave, 1, district=by_code(db, District, "farsta"))[0].code
    db.commit()
    phone = app.test_client()
    response = phone.post(f"/survey/{wave.id}/", data={
        "code": code, "staff_role": "socialsekreterare"})
    assert response.headers["Location"].endswith("/page/1")
    db.expire_all()
    assert db.get(InvitationCode, code).used
    assert db.scalar(select(ResumeDraft.id)) is None  # starting wrote only the spent code

    response = phone.post(f"/survey/{wave.id}/page/1", data={
        f"q{qid(db, wave, 'agree')}": "2", "action": "later"})
    assert response.headers["Location"].endswith("/later")
    shown = re.search(r"<code>([0-9A-Z-]+)</code>",
                      phone.get(f"/survey/{wave.id}/later").get_data(as_text=True)).group(1)
    resume = shown.replace("-", "")
    draft = db.scalars(select(ResumeDraft)).one()
    key = app.config["SECRET_KEY"].encode()
    assert draft.id == hmac.new(key, f"survey-resume:{resume}".encode(),
                                hashlib.sha256).hexdigest()
    assert draft.id != hashlib.sha256(resume.encode()).hexdigest()
    assert "invitation_code" not in ResumeDraft.__table__.columns
    stored = _everything(db)
    assert resume not in stored  # the resume code itself is kept nowhere
    draft_text = " ".join(str(getattr(draft, c.key)) for c in ResumeDraft.__table__.columns)
    assert code not in draft_text

    # a made-up code, and the right code where the secret differs, find nothing
    assert find_draft(db, "ABCDEFGHJKMN") is None
    app.config["SECRET_KEY"], saved = "another-secret", app.config["SECRET_KEY"]
    assert find_draft(db, resume) is None
    app.config["SECRET_KEY"] = saved

    desk = app.test_client()
    response = desk.post("/survey/resume", data={"resume_code": shown.lower()})
    assert response.headers["Location"].endswith(f"/survey/{wave.id}/page/2")
    page1 = desk.get(f"/survey/{wave.id}/page/1").get_data(as_text=True)
    assert re.search(rf'name="q{qid(db, wave, "agree")}" value="2" checked', page1)
    desk.post(f"/survey/{wave.id}/page/1", data={
        f"q{qid(db, wave, 'agree')}": "2", "action": "next"})
    desk.post(f"/survey/{wave.id}/page/2", data={
        f"q{qid(db, wave, 'yn')}": "1", f"q{qid(db, wave, 'txt')}": "Fler kollegor",
        "action": "next"})
    review = desk.get(f"/survey/{wave.id}/review").get_data(as_text=True)
    token = re.search(r'name="submission_token" value="([^"]+)"', review).group(1)
    response = desk.post(f"/survey/{wave.id}/review", data={"submission_token": token})
    assert response.headers["Location"].endswith("/thanks")
    assert counts(db)["survey_response"] == 1
    assert db.scalar(select(ResumeDraft.id)) is None  # gone with the stored response

    # the first device's session has ended: it is thanked and told it has answered, and
    # sending again stores nothing
    response = phone.get(f"/survey/{wave.id}/page/1")
    assert response.status_code == 303 and response.headers["Location"].endswith("/thanks")
    assert "Du har redan svarat" in phone.get(f"/survey/{wave.id}/").get_data(as_text=True)
    response = phone.post(f"/survey/{wave.id}/review", data={"submission_token": token})
    assert response.headers["Location"].endswith("/thanks")
    assert counts(db)["survey_response"] == 1
    assert desk.post("/survey/resume", data={"resume_code": shown}).status_code == 422
