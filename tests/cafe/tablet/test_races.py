"""Races through a real served app: gunicorn with two workers (``gunicorn.conf.py``) on the
suite's database — SQLite in the SQLite pass, PostgreSQL in the PostgreSQL pass — so that
requests really run at the same time in two processes.

* Two devices edit the same note from the same version at the same moment, 20 times: no
  text is lost (each is the note's text or one of its revisions) and the facilitator's
  tablet page shows the conflict with the other text.
* Notes are synced while the moderator closes the café, 20 times: every note the server
  accepted was stored before the close and routed to the steering group; every other note
  was refused with a message the tablet shows, and is not stored.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
import uuid
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from cafe.ideas.models import Idea
from cafe.models import Cafe, CafeTable, Note, NoteRevision
from core.auth import accounts as auth
from core.db import get_session
from tests.cafe.conftest import make_cafe
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
from bench._common import make_instance, start_app_server, venv_bin  # noqa: E402
from bench._load import Browser, hidden_fields  # noqa: E402

pytestmark = pytest.mark.skipif(
    not Path(venv_bin("gunicorn")).exists(), reason="gunicorn is not installed in this venv"
)

TRIALS = 20
#: 12 June 2017, 13:00 in Stockholm, in milliseconds: the tablets' clock in these trials
T0 = 1_497_265_200_000


@pytest.fixture(scope="module")
def served(database_url):
    """gunicorn serving the suite's database, for both tests (each test's ``app`` fixture
    seeds the organisation and empties the tables afterwards)."""
    instance = make_instance(database_url, prefix="cafe-races-")
    server = start_app_server(instance, workers=2)
    yield server
    server.stop()
    instance.remove()


def signed_in(server, username: str) -> Browser:
    """A device signed in as ``username`` through the login page."""
    device = Browser("127.0.0.1", server.port)
    form = hidden_fields(device.get("/login").body)
    reply = device.post("/login", {**form, "username": username, "password": PASSWORD})
    assert reply.status == 302, reply.body[:300]
    token = json.loads(device.get("/my-tables/api/csrf").body)["csrf_token"] \
        if username != "moderator" else None
    device.csrf = token  # type: ignore[attr-defined]
    return device


def sync(device: Browser, table_id: int, note: dict):
    reply = device.request(
        "POST", f"/my-tables/api/tables/{table_id}/notes",
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": device.csrf},  # type: ignore[attr-defined]
        body=json.dumps(note).encode(),
    )
    return reply.status, json.loads(reply.body)


def note_payload(round_id: int, text: str, kind: str = "observation", **extra) -> dict:
    data = {"uuid": str(uuid.uuid4()), "round_id": round_id, "kind": kind, "text": text,
            "votes": 2 if kind == "idea" else 0, "area_ids": [], "created_ms": T0,
            "edited_ms": T0, "base_version": 0}
    data.update(extra)
    return data


def close(moderator: Browser, cafe_id: int, token: str, delay: float) -> int:
    time.sleep(delay)
    reply = moderator.post(f"/cafes/{cafe_id}/status?status=closed",
                           {"csrf_token": token, "confirm": "yes"})
    return reply.status


def send(device: Browser, table_id: int, batch: list[dict], pause: float) -> list:
    answers = []
    for note in batch:
        answers.append((note, *sync(device, table_id, note)))
        time.sleep(pause)
    return answers


def at_once(*calls):
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_devices_editing_one_note_at_once_lose_no_text(app, served):
    with app.app_context():
        db = get_session()
        user = auth.create_user(db, "samtalsledare", PASSWORD, "facilitator", "Sara Samtal")
        cafe = make_cafe(db, facilitator_ids=(user.id,))
        table_id, round_id = cafe.tables[0].id, cafe.rounds[0].id
        db.commit()
    device_a = signed_in(served, "samtalsledare")
    device_b = signed_in(served, "samtalsledare")
    outcomes: Counter[str] = Counter()
    for trial in range(TRIALS):
        original = note_payload(round_id, f"Försök {trial}: originaltext")
        status, _answer = sync(device_a, table_id, original)
        assert status == 201
        text_a, text_b = f"Försök {trial}: text från A", f"Försök {trial}: text från B"
        edit_a = dict(original, text=text_a, edited_ms=T0 + 1000 + trial, base_version=1)
        edit_b = dict(original, text=text_b, edited_ms=T0 + 2000 + trial, base_version=1)
        (status_a, answer_a), (status_b, answer_b) = at_once(
            partial(sync, device_a, table_id, edit_a), partial(sync, device_b, table_id, edit_b)
        )
        assert (status_a, status_b) == (200, 200), (answer_a, answer_b)
        outcomes.update([answer_a["outcome"], answer_b["outcome"]])
        # exactly one of the two met the other's edit and was told so
        assert [answer_a["conflict"], answer_b["conflict"]].count(True) == 1, (answer_a,
                                                                                 answer_b)
        with app.app_context():
            db = get_session()
            note = db.scalar(select(Note).where(Note.uuid == original["uuid"]))
            revisions = {r.text: r.conflict for r in db.scalars(
                select(NoteRevision).where(NoteRevision.note_id == note.id))}
            kept = {note.text, *revisions}
            assert {text_a, text_b, original["text"]} <= kept, (note.text, revisions)
            assert note.text == text_b, "the edit made later on its device is shown"
            assert revisions == {original["text"]: False, text_a: True}, revisions
            assert note.has_conflict and note.version == 3
        page = device_a.get(f"/my-tables/{table_id}?round=1").body
        box = page.split(f'id="note-{original["uuid"]}"', 1)[1].split("</li>", 1)[0]
        assert 'class="conflict"' in box and text_a in box, box
    print(f"\nedit races: {TRIALS} trials, outcomes {dict(outcomes)}")


def test_notes_synced_while_the_cafe_closes_are_routed_or_refused(app, served):
    with app.app_context():
        db = get_session()
        user = auth.create_user(db, "samtalsledare", PASSWORD, "facilitator", "Sara Samtal")
        auth.create_user(db, "moderator", PASSWORD, "moderator", "Mona Moderator")
        cafes = []
        for trial in range(TRIALS):
            cafe = make_cafe(db, facilitator_ids=(user.id,), title=f"Kafé {trial}")
            cafes.append((cafe.id, cafe.tables[0].id, cafe.rounds[0].id))
        db.commit()
    moderator = signed_in(served, "moderator")
    tablets = [signed_in(served, "samtalsledare") for _ in range(3)]
    tally: Counter[str] = Counter()
    rng = random.Random(11)
    for trial, (cafe_id, table_id, round_id) in enumerate(cafes):
        token = hidden_fields(moderator.get(f"/cafes/{cafe_id}").body)["csrf_token"]
        notes = [[note_payload(round_id, f"Kafé {trial}, platta {t}, idé {n}", kind="idea",
                               created_ms=T0 + n, edited_ms=T0 + n) for n in range(3)]
                 for t in range(len(tablets))]

        results = at_once(
            partial(close, moderator, cafe_id, token, rng.random() / 50),
            *(partial(send, d, table_id, b, rng.random() / 100)
              for d, b in zip(tablets, notes, strict=True)),
        )
        assert results[0] == 302
        with app.app_context():
            db = get_session()
            cafe = db.get(Cafe, cafe_id)
            assert cafe.status == "closed"
            routed = set(db.scalars(select(Note.uuid).join(Idea, Idea.note_id == Note.id)
                                    .where(Idea.cafe_id == cafe_id)))
            stored = set(db.scalars(select(Note.uuid).join(CafeTable)
                                    .where(CafeTable.cafe_id == cafe_id)))
        for note, status, answer in (a for batch in results[1:] for a in batch):
            if status == 201:
                assert note["uuid"] in stored and note["uuid"] in routed, (trial, note)
                tally["stored and routed"] += 1
            else:
                assert status == 409, (status, answer)
                assert "stängts" in answer["error"], answer
                assert note["uuid"] not in stored, (trial, note)
                tally["refused with a message"] += 1
        assert stored == routed, "no note of the café is left unrouted"
    print(f"\nclose races: {TRIALS} trials, {dict(tally)}")
    assert sum(tally.values()) == TRIALS * len(tablets) * 3
