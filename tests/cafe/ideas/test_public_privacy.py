"""The public "you said, we did" page never shows personal data, whatever the source: a note
written at the table, the moderator's plenary summary, the steering group's public wording
of an idea and its answer, texts stored before masking covered them, and a name put on the
mask list after publication. Each is attacked with names, phone numbers and personal
identity numbers in the forms people type them."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select, update

from cafe.ideas.models import Idea
from cafe.models import Cafe, Note
from cafe.setup import services as setup
from cafe.tablet import notes as services
from cafe.tablet.notes import NoteInput
from core.db import get_session
from tests.cafe.conftest import make_cafe

#: personal data as people type it, and what must never be on the page because of it
SECRETS = {
    "Kontakta Kalle": ["Kalle"],
    "ring 070–1234567": ["070–1234567", "1234567"],
    "pnr 811218 9876": ["811218 9876", "9876"],
    "mejla anna.karlsson@stockholm.se": ["anna.karlsson", "@stockholm.se"],
    "eller 08-508 123 45": ["508 123 45"],
    "Per Andersson vet": ["Andersson"],
    "samordnare 850769-9828": ["850769", "9828"],
}
LEAKS = [leak for leaks in SECRETS.values() for leak in leaks]
PERSONAL = ", ".join(SECRETS)


def leaks_in(page: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", page)
    return [leak for leak in LEAKS if leak in text or leak in page]


def test_no_source_puts_personal_data_on_the_public_page(app, login, users):
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, ("farsta",), (users["facilitator"],))
        table, rnd = cafe.tables[0], cafe.rounds[0]
        cafe_id = cafe.id
        db.commit()
    # a note written at the table, with every kind of personal data in it
    tablet = login("facilitator")
    note = {"uuid": str(uuid.uuid4()), "round_id": rnd.id, "kind": "idea",
            "text": f"Idé: {PERSONAL}", "votes": 4, "area_ids": [],
            "created_ms": 1_497_266_400_000, "edited_ms": 1_497_266_400_000, "base_version": 0}
    answer = tablet.post(f"/my-tables/api/tables/{table.id}/notes", json=note)
    assert answer.status_code == 201 and not leaks_in(answer.json["note"]["text"])
    tablet.post("/logout")
    # the plenary summary, written by the moderator through the form
    moderator = login("moderator")
    moderator.post(f"/cafes/{cafe_id}/summary", data={"summary": f"Sammanfattning: {PERSONAL}"})
    saved = moderator.get(f"/cafes/{cafe_id}/summary").get_data(as_text=True)
    assert not leaks_in(saved.split('name="summary"', 1)[1].split("</textarea>", 1)[0])
    moderator.post(f"/cafes/{cafe_id}/summary/publish")
    moderator.post(f"/cafes/{cafe_id}/status?status=closed", data={"confirm": "yes"})
    moderator.post("/logout")
    # the steering group words the idea for the public and answers it, personal data and all
    with app.app_context():
        idea_id = get_session().scalar(select(Idea.id))
    group = login("local")
    form = {"status": "done", "development_area_id": "None",
            "public_text": f"Formulering: {PERSONAL}", "answer": f"Svar: {PERSONAL}",
            "answered_on": "2017-10-02", "answer_public": "y", "published": "y"}
    done = group.post(f"/ideas/{idea_id}", data=form, follow_redirects=True)
    assert "Personuppgifter maskerades" in done.get_data(as_text=True)
    with app.app_context():
        idea = get_session().get(Idea, idea_id)
        stored = [idea.public_text, idea.answer, idea.note.text, idea.cafe.summary]
    assert all(stored) and not [s for s in stored if leaks_in(s)], stored

    public = app.test_client()
    for lang in ("sv", "en"):
        public.set_cookie("lang", lang)
        page = public.get("/you-said-we-did/farsta").get_data(as_text=True)
        assert "Formulering:" in page and "Svar:" in page and "Sammanfattning:" in page
        assert "Idé:" not in page, "the note's own text is not published once reworded"
        assert leaks_in(page) == [], lang

    # texts stored before masking covered them (an older version, an import) are masked
    # as they are shown; so is a word put on the mask list after publication
    with app.app_context():
        db = get_session()
        db.execute(update(Cafe).where(Cafe.id == cafe_id).values(
            summary=f"Gammal sammanfattning: {PERSONAL}, Zlatan Qwerty"))
        db.execute(update(Idea).where(Idea.id == idea_id).values(
            public_text="", answer=f"Gammalt svar: {PERSONAL}"))
        db.execute(update(Note).values(text=f"Gammal idé: {PERSONAL}"))
        services.add_masked_word(db, "Zlatan Qwerty")
        db.commit()
    page = public.get("/you-said-we-did/farsta").get_data(as_text=True)
    assert "Gammal sammanfattning:" in page and "Gammalt svar:" in page and "Gammal idé:" in page
    assert leaks_in(page) == [] and "Zlatan" not in page and "Qwerty" not in page


def test_the_steering_group_rewords_an_idea_and_the_original_is_kept(app, login, users):
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, ("farsta",), (users["facilitator"],))
        services.save_note(db, cafe.tables[0], NoteInput(
            str(uuid.uuid4()), cafe.rounds[0].id, "Handledning varje vecka med Kalle",
            kind="idea"), None)
        setup.set_status(db, cafe, "closed")
        db.commit()
        idea_id = db.scalar(select(Idea.id))
    group = login("local")
    page = group.get(f"/ideas/{idea_id}").get_data(as_text=True)
    # the form starts from the note's masked text
    assert "Handledning varje vecka med [namn]" in page and 'name="public_text"' in page
    group.post(f"/ideas/{idea_id}", data={
        "status": "planned", "development_area_id": "None", "published": "y",
        "public_text": "Handledning varje vecka i grupp"})
    with app.app_context():
        idea = get_session().get(Idea, idea_id)
        assert idea.public_text == "Handledning varje vecka i grupp"
        assert idea.note.text == "Handledning varje vecka med [namn]"  # kept for the record
        assert idea.history[-1].public_text == "Handledning varje vecka i grupp"
    public = app.test_client().get("/you-said-we-did/farsta").get_data(as_text=True)
    assert "Handledning varje vecka i grupp" in public
    assert "Handledning varje vecka med" not in public
    record = group.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "Handledning varje vecka med [namn]" in record
