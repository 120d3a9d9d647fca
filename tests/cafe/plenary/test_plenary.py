"""The plenary summary (ideas pulled in, publication), the harvest document in both
languages, café figures and word frequencies, and the administrator's masked word list."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from cafe import queries
from cafe.models import Cafe, CafeTable, MaskedWord
from cafe.tablet.notes import NoteInput, save_note, set_table_participants
from core.db import get_session
from core.org.models import DevelopmentArea, by_code
from tests.cafe.conftest import make_cafe


def filled_cafe(app, users):
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"], users["facilitator"]))
        first, second = cafe.rounds
        t1, t2 = cafe.tables
        leadership = by_code(db, DevelopmentArea, "ledarskap").id
        rows = [
            (t1, first, "observation", "Introduktionen är för kort för nya kollegor", 0, []),
            (t1, first, "idea", "Mentor för varje nyanställd kollega", 7, []),
            (t2, first, "idea", "Introduktionsvecka med äldre kollegor", 3, []),
            (t2, second, "concern", "Ärendemängden är för hög, 45 ärenden", 0, [leadership]),
            (t2, second, "question", "Hur räknas ärenden per handläggare?", 0, []),
        ]
        for n, (table, rnd, kind, text, votes, areas) in enumerate(rows):
            save_note(db, table, NoteInput(str(uuid.uuid4()), rnd.id, text, kind, votes, areas,
                                           created_ms=n + 1), None)
        set_table_participants(db, t1, 6)
        set_table_participants(db, t2, 7)
        db.commit()
        return cafe.id


def test_summary_pulls_ideas_and_is_published(app, login, users):
    cafe_id = filled_cafe(app, users)
    client = login("moderator")
    page = client.get(f"/cafes/{cafe_id}/summary").get_data(as_text=True)
    assert page.index("Mentor för varje") < page.index("Introduktionsvecka")  # by votes
    refused = client.post(f"/cafes/{cafe_id}/summary/publish", follow_redirects=True)
    assert "Skriv sammanfattningen innan du publicerar den." in refused.get_data(as_text=True)
    with app.app_context():
        db = get_session()
        idea_id = next(n.id for n in _notes(db, cafe_id) if n.votes == 7)
    client.post(f"/cafes/{cafe_id}/summary", data={"summary": "Borden vill ha mentorer."})
    client.post(f"/cafes/{cafe_id}/summary/pull/{idea_id}")
    client.post(f"/cafes/{cafe_id}/summary/pull/{idea_id}")  # only once
    client.post(f"/cafes/{cafe_id}/summary/publish")
    with app.app_context():
        cafe = get_session().get(Cafe, cafe_id)
        assert cafe.summary == "Borden vill ha mentorer.\n- Mentor för varje nyanställd kollega"
        assert cafe.summary_published_at is not None
    client.post(f"/cafes/{cafe_id}/summary/publish")
    with app.app_context():
        assert get_session().get(Cafe, cafe_id).summary_published_at is None


def _notes(db, cafe_id):
    from cafe.models import Note

    return db.scalars(select(Note).join(CafeTable).where(CafeTable.cafe_id == cafe_id)).all()


def test_harvest_document_in_both_languages_with_ideas_ranked(app, login, users):
    cafe_id = filled_cafe(app, users)
    client = login("moderator")
    swedish = client.get(f"/cafes/{cafe_id}/harvest").get_data(as_text=True)
    assert "Skördedokument" in swedish and "Idéer rangordnade efter röster" in swedish
    assert swedish.index("Mentor för varje") < swedish.index("Introduktionsvecka")
    assert "Omgång 2" in swedish and "Hur räknas ärenden per handläggare?" in swedish
    client.set_cookie("lang", "en")
    english = client.get(f"/cafes/{cafe_id}/harvest").get_data(as_text=True)
    assert "Harvest document" in english and "Ideas ranked by votes" in english
    assert "How do we welcome new colleagues?" in english  # the round's English question
    assert "7 votes" in english


def test_harvest_is_scoped_for_local_steering_groups(app, login, users):
    cafe_id = filled_cafe(app, users)
    with app.app_context():
        db = get_session()
        other = make_cafe(db, ("skarholmen",), (users["facilitator"],), title="Skärholmen")
        other_id = other.id
        db.commit()
    client = login("local")
    assert client.get(f"/cafes/{cafe_id}/harvest").status_code == 200
    assert client.get(f"/cafes/{other_id}/harvest").status_code == 403
    assert client.get(f"/cafes/{other_id}/figures").status_code == 403
    assert client.get(f"/cafes/{cafe_id}/summary").status_code == 403
    client.post("/logout")
    assert login("facilitator").get(f"/cafes/{cafe_id}/harvest").status_code == 403


def test_figures_per_cafe_round_and_area(app, users):
    cafe_id = filled_cafe(app, users)
    with app.app_context():
        db = get_session()
        (totals,) = queries.cafe_figures(db, cafe_ids=[cafe_id])
        assert (totals.expected_participants, totals.participants) == (40, 13)
        assert (totals.tables, totals.notes, totals.ideas) == (2, 5, 2)
        assert totals.district_codes == ["farsta"]
        farsta = by_code(db, DevelopmentArea, "introduktion")
        assert queries.cafe_figures(db, district_ids=[farsta.id + 999]) == []
        first, second = queries.round_figures(db, cafe_id)
        assert (first.notes, first.tables_with_notes, first.participants) == (3, 2, 13)
        assert first.notes_by_kind == {"observation": 1, "idea": 2, "concern": 0, "question": 0}
        assert (second.notes, second.tables_with_notes, second.participants) == (2, 1, 7)
        areas = {a.code: a for a in queries.area_figures(db, cafe_ids=[cafe_id])}
        assert areas["introduktion"].notes == 3 and areas["introduktion"].ideas == 2
        assert areas["ledarskap"].notes == 1  # tagged note counts under its tag
        assert areas["arendemangd"].notes == 1  # untagged note under the round's area
        counts = queries.idea_status_counts(db)
        assert counts["new"] == 0 and set(counts) >= {"new", "done", "not-pursued"}


def test_word_frequencies_of_notes_without_stopwords(app, users):
    cafe_id = filled_cafe(app, users)
    with app.app_context():
        db = get_session()
        words = dict(queries.note_word_frequencies(db, cafe_ids=[cafe_id], top=None))
        # "kollegor" twice and "kollega" once are one word, shown as written most often
        assert words["kollegor"] == 3 and "kollega" not in words and words["ärenden"] == 2
        assert "för" not in words and "är" not in words and "nya" not in words
        ideas = dict(queries.note_word_frequencies(db, cafe_ids=[cafe_id], kinds=["idea"]))
        assert "ärenden" not in ideas and ideas["kollega"] == 2
        area = by_code(db, DevelopmentArea, "ledarskap").id
        tagged = dict(queries.note_word_frequencies(db, development_area_id=area))
        assert set(tagged) == {"ärendemängden", "ärenden"}  # "hög" is a stopword


def test_figures_page_renders(app, login, users):
    cafe_id = filled_cafe(app, users)
    page = login("central").get(f"/cafes/{cafe_id}/figures").get_data(as_text=True)
    assert "Anteckningar per omgång" in page and "kollegor" in page


def test_administrator_maintains_the_masked_word_list(app, login, users):
    client = login("admin")
    assert "Listan är tom." in client.get("/cafes/masked-words").get_data(as_text=True)
    assert client.post("/cafes/masked-words", data={"word": "Åsa Öberg"}).status_code == 302
    again = client.post("/cafes/masked-words", data={"word": "åsa  öberg"})
    assert 'id="word-error"' in again.get_data(as_text=True)
    with app.app_context():
        db = get_session()
        entry = db.scalars(select(MaskedWord)).one()
        table = make_cafe(db, facilitator_ids=(users["facilitator"],)).tables[0]
        result = save_note(db, table, NoteInput(str(uuid.uuid4()), table.cafe.rounds[0].id,
                                                "ÅSA ÖBERG sa att det var tungt"), None)
        assert result.note.text == "[namn] sa att det var tungt"
        db.commit()
        entry_id = entry.id
    client.post(f"/cafes/masked-words/{entry_id}/delete")
    with app.app_context():
        assert get_session().get(MaskedWord, entry_id) is not None
    client.post(f"/cafes/masked-words/{entry_id}/delete", data={"confirm": "yes"})
    with app.app_context():
        assert get_session().get(MaskedWord, entry_id) is None
    client.post("/logout")
    assert login("moderator").get("/cafes/masked-words").status_code == 403
