"""Notes from the tablet: idempotent save on the tablet's UUID (also concurrently), edits on
two devices, masking, and who may read and write a table's notes."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from cafe.models import CafeTable, Note, NoteRevision
from cafe.tablet import notes as services
from cafe.tablet.notes import DUPLICATE, KEPT, UPDATED, NoteInput
from core.db import get_session
from tests.conftest import sign_in

#: a device time (12 June 2017, 13:20 in Stockholm) the tests count from, in milliseconds
T0 = 1_497_266_400_000


def payload(round_id, text="Vi behöver fler mentorer", **extra):
    data = {"uuid": str(uuid.uuid4()), "round_id": round_id, "kind": "observation",
            "text": text, "votes": 0, "area_ids": [], "created_ms": T0 + 1000,
            "edited_ms": T0 + 1000, "base_version": 0}
    data.update(extra)
    return data


def api(table_id):
    return f"/my-tables/api/tables/{table_id}/notes"


def note_count(app):
    with app.app_context():
        return get_session().scalar(select(func.count(Note.id)))


def test_same_uuid_twice_gives_one_note_201_then_200(app, login, cafe_ids):
    client = login("facilitator")
    data = payload(cafe_ids.rounds[0])
    first = client.post(api(cafe_ids.tables[0]), json=data)
    second = client.post(api(cafe_ids.tables[0]), json=data)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json["outcome"] == DUPLICATE
    assert first.json["note"]["uuid"] == second.json["note"]["uuid"] == data["uuid"]
    assert note_count(app) == 1


def test_concurrent_posts_of_one_uuid_store_one_note(app, users, cafe_ids):
    data = payload(cafe_ids.rounds[0])
    barrier = threading.Barrier(4)
    statuses = []

    def post():
        client = app.test_client()
        sign_in(client, "facilitator")
        barrier.wait()
        statuses.append(client.post(api(cafe_ids.tables[0]), json=data).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert note_count(app) == 1


def test_insert_racing_an_uncommitted_insert_returns_the_stored_note(app, users, cafe_ids):
    """The second save waits for the first transaction and then finds its note."""
    data = NoteInput(uuid=str(uuid.uuid4()), round_id=cafe_ids.rounds[0], text="Samma",
                     edited_ms=5, created_ms=5)
    first_flushed = threading.Event()
    result = {}

    def second():
        with app.app_context():
            db = get_session()
            first_flushed.wait()
            table = db.get(CafeTable, cafe_ids.tables[0])
            outcome = services.save_note(db, table, data, None)
            db.commit()
            result["outcome"] = outcome.outcome
            result["id"] = outcome.note.id

    with app.app_context():
        db = get_session()
        table = db.get(CafeTable, cafe_ids.tables[0])
        created = services.save_note(db, table, data, None)
        worker = threading.Thread(target=second)
        worker.start()
        first_flushed.set()
        worker.join(0.3)  # the second save is now waiting for our transaction
        db.commit()
        worker.join()
        first_id = created.note.id
    assert result == {"outcome": DUPLICATE, "id": first_id}
    assert note_count(app) == 1


def test_edit_based_on_the_stored_version_is_applied(app, login, cafe_ids):
    client = login("facilitator")
    data = payload(cafe_ids.rounds[0])
    client.post(api(cafe_ids.tables[0]), json=data)
    edit = dict(data, text="Vi behöver fler mentorer och handledning", edited_ms=T0 + 2000,
                base_version=1)
    response = client.post(api(cafe_ids.tables[0]), json=edit)
    assert response.status_code == 200
    assert response.json["outcome"] == UPDATED and not response.json["conflict"]
    assert response.json["note"]["version"] == 2
    # a late retry of the original creation does not undo the edit
    again = client.post(api(cafe_ids.tables[0]), json=data)
    assert again.json["outcome"] == DUPLICATE
    assert again.json["note"]["text"].endswith("handledning")


def test_conflicting_edits_keep_the_later_and_keep_the_other_as_revision(app, login, cafe_ids):
    client = login("facilitator")
    data = payload(cafe_ids.rounds[0], text="Original")
    client.post(api(cafe_ids.tables[0]), json=data)
    # two devices edit version 1; the one edited later (device B) reaches the server first
    device_b = dict(data, text="Text från surfplatta B", edited_ms=T0 + 3000, base_version=1)
    device_a = dict(data, text="Text från surfplatta A", edited_ms=T0 + 2000, base_version=1)
    assert client.post(api(cafe_ids.tables[0]), json=device_b).json["outcome"] == UPDATED
    late = client.post(api(cafe_ids.tables[0]), json=device_a)
    assert late.status_code == 200
    assert late.json["outcome"] == KEPT and late.json["conflict"] is True
    assert late.json["note"]["text"] == "Text från surfplatta B"
    assert "Text från surfplatta A" in late.json["note"]["conflict_texts"]
    # an edit made later on a stale version wins, and the overwritten text is kept
    device_c = dict(data, text="Text från surfplatta C", edited_ms=T0 + 9000, base_version=1)
    won = client.post(api(cafe_ids.tables[0]), json=device_c)
    assert won.json["outcome"] == UPDATED and won.json["conflict"] is True
    assert won.json["note"]["text"] == "Text från surfplatta C"
    assert "Text från surfplatta B" in won.json["note"]["conflict_texts"]
    with app.app_context():
        texts = set(get_session().scalars(select(NoteRevision.text)))
    assert {"Original", "Text från surfplatta A", "Text från surfplatta B"} <= texts
    page = client.get(f"/my-tables/{cafe_ids.tables[0]}?round=1").get_data(as_text=True)
    assert "redigerades på två enheter" in page
    assert "Text från surfplatta A" in page


def test_personal_data_is_masked_and_the_facilitator_is_told(app, login, cafe_ids):
    client = login("facilitator")
    client.post("/cafes/masked-words", data={"word": "Kalle"})  # not an admin: refused
    with app.app_context():
        db = get_session()
        services.add_masked_word(db, "Kalle")
        db.commit()
    text = "Kalle ringde från 070-123 45 67 om 811218-9876, mejl k@x.se. 45 ärenden 2017."
    response = client.post(api(cafe_ids.tables[0]), json=payload(cafe_ids.rounds[0], text))
    assert response.status_code == 201
    note = response.json["note"]["text"]
    assert note == "[namn] ringde från [telefon] om [personnummer], mejl [e-post]. 45 ärenden 2017."
    assert response.json["masked"] == {"listed_word": 1, "phone": 1, "personal_number": 1,
                                       "email": 1}
    assert "1 personnummer" in response.json["message"]
    client.set_cookie("lang", "en")
    response = client.post(api(cafe_ids.tables[0]),
                           json=payload(cafe_ids.rounds[0], "Ring 08-123 45 67"))
    assert response.json["message"] == (
        "Personal data was masked before saving: 1 phone number."
    )


def test_facilitator_cannot_read_or_write_another_tables_notes(app, login, cafe_ids):
    client = login("facilitator")
    other_table = cafe_ids.tables[1]
    assert client.get(f"/my-tables/{other_table}").status_code == 403
    response = client.post(api(other_table), json=payload(cafe_ids.rounds[0]))
    assert response.status_code == 403
    form = {"uuid": str(uuid.uuid4()), "round_id": cafe_ids.rounds[0], "kind": "idea",
            "text": "x", "base_version": 0}
    assert client.post(f"/my-tables/{other_table}/notes", data=form).status_code == 403
    # a note of the other table cannot be edited or deleted either
    with app.app_context():
        db = get_session()
        theirs = services.save_note(db, db.get(CafeTable, other_table),
                                    NoteInput(str(uuid.uuid4()), cafe_ids.rounds[0], "Deras"),
                                    None).note
        db.commit()
        their_uuid = theirs.uuid
    assert client.get(f"/my-tables/notes/{their_uuid}/edit").status_code == 403
    assert client.post(f"/my-tables/notes/{their_uuid}/delete").status_code == 403
    # nor overwritten through one's own table's endpoint
    hijack = payload(cafe_ids.rounds[0], "Kapad", uuid=their_uuid, base_version=1)
    assert client.post(api(cafe_ids.tables[0]), json=hijack).status_code == 403
    assert client.get(f"/my-tables/{cafe_ids.tables[0]}").status_code == 200
    my_tables = client.get("/my-tables/").get_data(as_text=True)
    assert "bord Bord 1" in my_tables.lower() or "Bord 1" in my_tables
    assert "Bord 2" not in my_tables


def test_moderator_reaches_every_table_but_steering_roles_do_not(app, login, cafe_ids):
    client = login("moderator")
    assert client.get(f"/my-tables/{cafe_ids.tables[1]}").status_code == 200
    client.post("/logout")
    client = login("central")
    assert client.get(f"/my-tables/{cafe_ids.tables[1]}").status_code == 403


def test_bad_input_is_refused_with_a_message(app, login, cafe_ids):
    client = login("facilitator")
    url = api(cafe_ids.tables[0])
    assert client.post(url, data="not json").status_code == 400
    assert client.post(url, json=payload(cafe_ids.rounds[0], "  ")).json["field"] == "text"
    assert client.post(url, json=payload(cafe_ids.rounds[0], kind="gossip")).status_code == 400
    assert client.post(url, json=payload(cafe_ids.rounds[0], uuid="nope")).status_code == 400
    assert client.post(url, json=payload(cafe_ids.rounds[0], votes=-1)).status_code == 400
    assert client.post(url, json=payload(999999)).json["field"] == "round"
    assert client.post(url, json=payload(cafe_ids.rounds[0], area_ids=[99999])).status_code == 400
    assert client.post(url, json=payload(cafe_ids.rounds[0], votes="many")).status_code == 400
    assert client.post(api(999999), json=payload(cafe_ids.rounds[0])).status_code == 404
    assert note_count(app) == 0


def test_closed_cafe_refuses_notes(app, login, cafe_ids):
    client = login("facilitator")
    client.post(api(cafe_ids.tables[0]), json=payload(cafe_ids.rounds[0]))
    with app.app_context():
        from cafe.models import Cafe
        from cafe.setup import services as setup

        db = get_session()
        setup.set_status(db, db.get(Cafe, cafe_ids.cafe), "closed")
        db.commit()
    response = client.post(api(cafe_ids.tables[0]), json=payload(cafe_ids.rounds[0]))
    assert response.status_code == 409
    page = client.get(f"/my-tables/{cafe_ids.tables[0]}").get_data(as_text=True)
    assert 'id="note-form"' not in page and "Caféet är stängt" in page


def test_plain_form_adds_edits_and_deletes_a_note_without_javascript(app, login, cafe_ids):
    client = login("facilitator")
    table = cafe_ids.tables[0]
    page = client.get(f"/my-tables/{table}").get_data(as_text=True)
    assert "Hur tar vi emot nya kollegor?" in page and 'role="status"' in page
    note_uuid = str(uuid.uuid4())
    form = {"uuid": note_uuid, "round_id": cafe_ids.rounds[1], "base_version": "0",
            "kind": "idea", "text": "Fadder för varje nyanställd, ring 0701234567", "votes": "4"}
    response = client.post(f"/my-tables/{table}/notes", data=form)
    assert response.status_code == 302 and response.location.endswith("round=2")
    assert client.post(f"/my-tables/{table}/notes", data=form).status_code == 302  # resent
    assert note_count(app) == 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Fadder för varje nyanställd, ring [telefon]" in page
    assert "1 telefonnummer" in page and "4 röster" in page
    edit = client.get(f"/my-tables/notes/{note_uuid}/edit")
    assert edit.status_code == 200
    changed = dict(form, text="Fadder och mentor", base_version="1")
    assert client.post(f"/my-tables/notes/{note_uuid}/edit", data=changed).status_code == 302
    assert "Fadder och mentor" in client.get(f"/my-tables/{table}?round=2").get_data(as_text=True)
    confirm = client.post(f"/my-tables/notes/{note_uuid}/delete")
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.get_data(as_text=True)
    done = client.post(f"/my-tables/notes/{note_uuid}/delete", data={"confirm": "yes"})
    assert done.status_code == 302
    assert "Fadder och mentor" not in client.get(f"/my-tables/{table}?round=2").get_data(
        as_text=True
    )
    # the deleted note's late retry does not bring it back
    client.post(api(table), json=payload(cafe_ids.rounds[1], "Fadder", uuid=note_uuid))
    with app.app_context():
        assert get_session().scalar(select(Note.deleted).where(Note.uuid == note_uuid))


def test_plain_form_shows_errors_next_to_the_field(app, login, cafe_ids):
    client = login("facilitator")
    form = {"uuid": str(uuid.uuid4()), "round_id": cafe_ids.rounds[0], "kind": "observation",
            "text": "", "base_version": "0"}
    response = client.post(f"/my-tables/{cafe_ids.tables[0]}/notes", data=form)
    assert response.status_code == 400
    assert 'id="text-error"' in response.get_data(as_text=True)
    form.update(text="ok", round_id="abc")
    assert client.post(f"/my-tables/{cafe_ids.tables[0]}/notes", data=form).status_code == 400


def test_table_head_count_is_saved(app, login, cafe_ids):
    client = login("facilitator")
    url = f"/my-tables/{cafe_ids.tables[0]}/participants"
    assert client.post(url, data={"participants": "7"}).status_code == 302
    assert client.post(url, data={"participants": "-3"}).status_code == 302
    with app.app_context():
        assert get_session().get(CafeTable, cafe_ids.tables[0]).participants == 7


def test_service_worker_is_served_with_a_javascript_type(client):
    response = client.get("/my-tables/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"caches" in response.data


def _raw(base: dict, **replace: str) -> bytes:
    """The JSON of ``base`` with some values replaced by raw JSON text (NaN, 1e400 …)."""
    import json

    parts = [f'"{key}": {replace.get(key, json.dumps(value))}' for key, value in base.items()]
    parts += [f'"{key}": {value}' for key, value in replace.items() if key not in base]
    return ("{" + ", ".join(parts) + "}").encode()


def test_sync_refuses_every_malformed_note_with_400_and_a_message(app, login, cafe_ids):
    client = login("facilitator")
    url = api(cafe_ids.tables[0])
    good = payload(cafe_ids.rounds[0])
    deep = "[" * 100_000 + "]" * 100_000
    bodies = {
        "round NaN": _raw(good, round_id="NaN"),
        "round Infinity": _raw(good, round_id="Infinity"),
        "round -Infinity": _raw(good, round_id="-Infinity"),
        "round 1e400": _raw(good, round_id="1e400"),
        "round 1.5": _raw(good, round_id="1.5"),
        "round as text": _raw(good, round_id='"1"'),
        "round true": _raw(good, round_id="true"),
        "round 2**70": _raw(good, round_id=str(2**70)),
        "created 1e30": _raw(good, created_ms="1e30"),
        "created 10**30": _raw(good, created_ms=str(10**30)),
        "edited 2**63": _raw(good, edited_ms=str(2**63)),
        "edited negative": _raw(good, edited_ms="-5"),
        "areas [2**70]": _raw(good, area_ids=f"[{2**70}]"),
        "areas nested": _raw(good, area_ids="[[1]]"),
        "areas object": _raw(good, area_ids='{"a": 1}'),
        "areas too many": _raw(good, area_ids="[" + ",".join(["1"] * 51) + "]"),
        "votes 1e3": _raw(good, votes="1e3"),
        "votes 10**5000": _raw(good, votes="1" + "0" * 5000),
        "base version 2**40": _raw(good, base_version=str(2**40)),
        "100k-deep array": _raw(good, area_ids=deep),
        "100k-deep body": deep.encode(),
        "lone surrogate": _raw(good, text='"Mentor \\ud800 behövs"'),
        "lone surrogate in kind": _raw(good, kind='"idea\\udfff"'),
        "NUL": _raw(good, text='"Mentor\\u0000behövs"'),
        "control character": _raw(good, text='"Mentor\\u0007behövs"'),
        "C1 control": _raw(good, text='"Mentor\\u0085behövs"'),
        "text as number": _raw(good, text="42"),
        "text as list": _raw(good, text='["a"]'),
        "unknown key": _raw(good, admin="true"),
        "array body": b"[1, 2]",
        "invalid UTF-8": b'{"text": "\xff\xfe"}',
        "empty body": b"",
        "truncated": _raw(good)[:-5],
        "very long text": _raw(good, text='"' + "a" * 2001 + '"'),
    }
    for name, body in bodies.items():
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, (name, response.status_code, response.data[:200])
        assert response.is_json and response.json["error"], name
    # the messages are in the facilitator's language and say what to do
    response = client.post(url, data=bodies["NUL"], content_type="application/json")
    assert response.json["field"] == "text"
    assert "tecken" in response.json["error"]
    assert note_count(app) == 0
    # the same note with nothing wrong is stored
    assert client.post(url, json=good).status_code == 201
