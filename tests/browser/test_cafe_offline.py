"""A facilitator's tablet at a table that already holds a note of every kind loses the
network in the middle of a round: five notes are written online, three offline, the page is
reloaded while offline (served by the service worker), and when the network returns the
server holds exactly the eight new notes, once each. Notes are edited online and offline;
an edit is always the same note. A note that meets a closed café is refused with a message
the tablet shows, an edit that meets another device's edit is shown as a conflict, and
signing out warns about unsent notes and leaves nothing of them on the tablet."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from cafe.models import Cafe, CafeTable, Note, NoteRevision
from cafe.setup import services as setup
from cafe.tablet import notes as services
from cafe.tablet.notes import NoteInput
from core.auth import accounts as auth
from core.db import get_session
from core.org.models import DevelopmentArea, by_code
from tests.browser.conftest import needs_chromium
from tests.cafe.conftest import make_cafe
from tests.conftest import PASSWORD

pytestmark = needs_chromium

TABLET = {"viewport": {"width": 1024, "height": 768}, "is_mobile": False, "has_touch": True}
#: 12 June 2017, 13:10 in Stockholm: the notes already at the table were written then
T0 = 1_497_265_800_000
#: one note of each kind, as the table holds them before the test starts
EARLIER = {
    "observation": "Introduktionen tar för lång tid",
    "idea": "En fadder för varje nyanställd",
    "concern": "Vi hinner inte handleda",
    "question": "Vem ansvarar för introduktionen?",
}


def seed(app) -> dict:
    """An open café whose table 1 holds one note of each kind in round 1."""
    with app.app_context():
        db = get_session()
        user = auth.create_user(db, "samtalsledare", PASSWORD, "facilitator", "Sara Samtal")
        cafe = make_cafe(db, facilitator_ids=(user.id,))
        table = cafe.tables[0]
        area = by_code(db, DevelopmentArea, "introduktion")
        uuids = {}
        for offset, (kind, text) in enumerate(EARLIER.items()):
            note = services.save_note(db, table, NoteInput(
                uuid=str(uuid.uuid4()), round_id=cafe.rounds[0].id, text=text, kind=kind,
                votes=3 if kind == "idea" else 0, area_ids=[area.id] if kind == "idea" else [],
                created_ms=T0 + offset, edited_ms=T0 + offset), user).note
            uuids[kind] = note.uuid
        ids = {"table": table.id, "cafe": cafe.id, "round": cafe.rounds[0].id, **uuids}
        db.commit()
    return ids


def stored_notes(app, table_id: int) -> list[Note]:
    with app.app_context():
        db = get_session()
        db.expire_all()
        stmt = select(Note).where(Note.table_id == table_id).order_by(Note.created_ms, Note.id)
        return list(db.scalars(stmt))


def stored(app, note_uuid: str) -> Note:
    with app.app_context():
        db = get_session()
        return db.scalar(select(Note).where(Note.uuid == note_uuid))


def sign_in_at_table(live_server, page_factory, table_id: int):
    page = page_factory(**TABLET)
    page.goto(live_server + "/login")
    page.fill("#username", "samtalsledare")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # signed in before moving on
    page.goto(f"{live_server}/my-tables/{table_id}")
    return page


def wait_for_offline_cache(page) -> None:
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        """() => caches.open('cafe-tablet-v1')
              .then(c => c.match(location.pathname + location.search)).then(r => !!r)"""
    )


def write(page, text: str, kind: str | None = None) -> None:
    if kind:
        page.check(f'#note-form input[name="kind"][value="{kind}"]')
    page.fill("#text", text)
    page.click("#note-submit")
    expect(page.locator("#note-list li.note", has_text=text)).to_have_count(1)


def edit(page, note_uuid: str, text: str) -> None:
    page.locator(f"#note-{note_uuid} .edit-note").click()
    expect(page.locator("#edit-banner")).to_be_visible()
    expect(page.locator("#text")).to_have_value(re.compile(".+"))
    page.fill("#text", text)
    page.click("#note-submit")
    expect(page.locator(f"#note-{note_uuid} .note-text")).to_have_text(text)
    expect(page.locator("#edit-banner")).to_be_hidden()


def test_notes_written_and_edited_offline_reach_the_server_once(live_server, page_factory):
    ids = seed(live_server.app)
    page = sign_in_at_table(live_server, page_factory, ids["table"])
    status = page.locator("#sync-status")
    expect(page.locator("#note-list li.note")).to_have_count(4)
    expect(status).to_have_text("Allt sparat")
    wait_for_offline_cache(page)

    # online: five new notes and an edit of the observation (not an idea: no votes shown)
    for n in range(1, 6):
        write(page, f"Anteckning {n}: introduktionen behöver en mentor")
    edit(page, ids["observation"], "Introduktionen tar för lång tid, ofta ett halvår")
    expect(status).to_have_text("Allt sparat")
    assert len(stored_notes(live_server.app, ids["table"])) == 4 + 5
    observation = stored(live_server.app, ids["observation"])
    assert observation.text == "Introduktionen tar för lång tid, ofta ett halvår"
    assert observation.version == 2

    context = page.context
    context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")
    requests_before = len(live_server.requests)
    for n in range(6, 9):
        write(page, f"Anteckning {n}: introduktionen behöver en mentor",
              kind="question" if n == 7 else None)
    # offline, the concern is edited; the edit waits like a new note
    edit(page, ids["concern"], "Vi hinner inte handleda de nyanställda")
    expect(status).to_have_text("4 anteckningar väntar")
    expect(page.locator("#note-list li.pending")).to_have_count(4)
    expect(page.locator(f"#note-{ids['concern']}")).to_have_class(re.compile("pending"))
    # a page that knows it is offline does not try to send
    assert not [r for r in live_server.requests[requests_before:] if r[0] == "POST"]
    assert len(stored_notes(live_server.app, ids["table"])) == 9

    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("#question-text")).to_have_text("Hur tar vi emot nya kollegor?")
    expect(status).to_have_text("4 anteckningar väntar")
    expect(page.locator("#note-list li.note")).to_have_count(12)
    expect(page.locator("#note-list li.pending")).to_have_count(4)
    expect(page.locator(f"#note-{ids['concern']} .note-text")).to_have_text(
        "Vi hinner inte handleda de nyanställda")
    # the reloaded page came from the service worker, not from the server
    offline = live_server.requests[requests_before:]
    assert ("GET", f"/my-tables/{ids['table']}") not in offline, offline
    # Chromium's offline emulation may reach a freshly reloaded page a moment after its
    # script starts, so a note can slip out then and its answer be lost; that is exactly
    # the case of a real tablet whose answer is lost, and the server's idempotency on the
    # note's UUID has to keep it once (checked below)

    context.set_offline(False)
    expect(status).to_have_text("Allt sparat", timeout=20_000)
    expect(page.locator("#note-list li.pending")).to_have_count(0)

    notes = stored_notes(live_server.app, ids["table"])
    earlier = {ids[kind] for kind in EARLIER}
    new = [n for n in notes if n.uuid not in earlier]
    assert [re.match(r"Anteckning (\d)", n.text).group(1) for n in new] == [
        str(n) for n in range(1, 9)
    ], "exactly the eight new notes, each once, in the order written"
    assert len({n.uuid for n in new}) == 8
    assert [n.kind for n in new].count("question") == 1
    # the offline edit changed the same note: no new note, one more version, the old text
    # kept as a revision
    concern = stored(live_server.app, ids["concern"])
    assert concern.text == "Vi hinner inte handleda de nyanställda"
    assert concern.version == 2 and concern.kind == "concern"
    assert len(notes) == 12
    with live_server.app.app_context():
        revisions = set(get_session().scalars(select(NoteRevision.text)))
    assert {"Vi hinner inte handleda", "Introduktionen tar för lång tid"} <= revisions
    # what the tablet shows after a reload from the server is what the server has
    page.reload()
    expect(page.locator("#note-list li.note")).to_have_count(12)
    expect(status).to_have_text("Allt sparat")
    # a note written on a page the service worker served (a copy of the page as it was
    # loaded, with the form's hidden fields of then) is a new note, not an edit of the
    # note written on that page before
    write(page, "Anteckning 9: skriven före omladdningen")
    expect(status).to_have_text("Allt sparat")
    context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")
    for n in (10, 11):  # the same cached copy of the page, twice
        assert page.reload().from_service_worker
        write(page, f"Anteckning {n}: skriven på en sparad sida")
    context.set_offline(False)
    expect(status).to_have_text("Allt sparat", timeout=20_000)
    after = {n.uuid: n.text for n in stored_notes(live_server.app, ids["table"])}
    assert len(after) == 15
    assert {n.uuid: n.text for n in notes}.items() <= after.items()
    assert {"Anteckning 9: skriven före omladdningen", "Anteckning 10: skriven på en sparad "
            "sida", "Anteckning 11: skriven på en sparad sida"} <= set(after.values())


def test_a_closed_cafe_refusal_and_a_conflict_are_shown_and_sign_out_clears_the_tablet(
    live_server, page_factory
):
    ids = seed(live_server.app)
    app = live_server.app
    page = sign_in_at_table(live_server, page_factory, ids["table"])
    status = page.locator("#sync-status")
    expect(status).to_have_text("Allt sparat")
    wait_for_offline_cache(page)

    page.context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")
    edit(page, ids["question"], "Vem ansvarar för introduktionen, chefen eller HR?")
    # meanwhile the same note is edited on another device, later by its clock
    with app.app_context():
        db = get_session()
        table = db.get(CafeTable, ids["table"])
        services.save_note(db, table, NoteInput(
            uuid=ids["question"], round_id=ids["round"], kind="question",
            text="Vem ansvarar för introduktionen på enheten?", base_version=1,
            edited_ms=4_000_000_000_000, created_ms=T0), None)
        db.commit()
    page.context.set_offline(False)
    expect(status).to_have_text("Allt sparat", timeout=20_000)
    conflict = page.locator(f"#note-{ids['question']} .conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Vem ansvarar för introduktionen, chefen eller HR?")
    expect(page.locator(f"#note-{ids['question']} .note-text")).to_have_text(
        "Vem ansvarar för introduktionen på enheten?")
    expect(page.locator("#sync-detail")).to_contain_text("två enheter")

    # a note written offline reaches a café that was closed meanwhile: refused, and shown
    page.context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")
    write(page, "Skriven efter stängningen")
    with app.app_context():
        db = get_session()
        setup.set_status(db, db.get(Cafe, ids["cafe"]), "closed")
        db.commit()
    page.context.set_offline(False)
    expect(status).to_have_text("1 anteckning inte sparad", timeout=20_000)
    refused = page.locator("#note-list li.failed", has_text="Skriven efter stängningen")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Caféet har stängts")
    assert "Skriven efter stängningen" not in {n.text for n in stored_notes(app, ids["table"])}

    # signing out warns about the note that was not saved; "no" keeps everything
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("#sign-out-form button").click()
    page.wait_for_function("() => true")
    assert messages and "1 anteckning från caféet har inte skickats" in messages[0]
    expect(refused).to_have_count(1)
    assert page.evaluate("() => Object.keys(localStorage).length") > 0

    def accept(dialog):
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_response(re.compile(r"/logout$")) as answer:
        page.locator("#sign-out-form button").click()
    assert answer.value.header_value("clear-site-data") == '"cache", "storage"'
    expect(page.locator("main")).to_contain_text("Du är utloggad")
    left = page.evaluate("""async () => ({
        keys: Object.keys(localStorage).filter(k => k.startsWith('cafe-')),
        cache: await caches.has('cafe-tablet-v1'),
        workers: (await navigator.serviceWorker.getRegistrations()).length,
    })""")
    assert left == {"keys": [], "cache": False, "workers": 0}, left


def test_a_note_that_cannot_be_shown_is_reported_and_never_stops_the_queue(
    live_server, page_factory
):
    ids = seed(live_server.app)
    page = sign_in_at_table(live_server, page_factory, ids["table"])
    status = page.locator("#sync-status")
    expect(status).to_have_text("Allt sparat")
    # the tablet's storage holds a note waiting to be sent and, beside it, a note it cannot
    # draw (its areas are not a list: an older script, a damaged storage)
    waiting = str(uuid.uuid4())
    page.evaluate(
        """([table, round, waiting, t0]) => {
            const note = {uuid: waiting, round_id: round, kind: 'observation',
                          text: 'Väntade i kön', votes: 0, area_ids: [], created_ms: t0,
                          edited_ms: t0, version: 0};
            const op = Object.assign({}, note, {base_version: 0});
            delete op.version;
            const notes = JSON.parse(localStorage.getItem('cafe-notes:' + table));
            notes[waiting] = note;
            notes['broken'] = {uuid: 'broken', round_id: round, kind: 'idea', text: 'Trasig',
                               area_ids: 7, created_ms: t0, edited_ms: t0, version: 1};
            localStorage.setItem('cafe-notes:' + table, JSON.stringify(notes));
            localStorage.setItem('cafe-queue:' + table, JSON.stringify([op]));
        }""",
        [ids["table"], ids["round"], waiting, T0 + 100],
    )
    page.reload()
    # the page says something is wrong instead of "All saved" ...
    expect(status).to_contain_text("kunde inte visas")
    expect(status).not_to_contain_text("Allt sparat")
    expect(status).to_have_class(re.compile("sync-error"))
    # ... and the waiting note is sent all the same, once
    expect(page.locator(f"#note-{waiting}")).not_to_have_class(re.compile("pending"))
    assert [n.text for n in stored_notes(live_server.app, ids["table"])].count(
        "Väntade i kön") == 1
    # writing goes on: a new note is stored too
    write(page, "Skriven efter felet")
    expect(page.locator("#note-list li.pending")).to_have_count(0)
    assert "Skriven efter felet" in {n.text for n in stored_notes(live_server.app, ids["table"])}
