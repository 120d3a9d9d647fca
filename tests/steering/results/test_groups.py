"""What the results gate protects beyond single cells: the minimum counts valid answers
("cannot answer" is not one), and café word clouds count the people behind the notes they
are made of."""

from __future__ import annotations

import uuid

from cafe.tablet import notes as services
from core.db import get_session
from core.org.models import DevelopmentArea, by_code
from tests.cafe.conftest import make_cafe
from tests.steering.results.survey_data import BASELINE, Survey, ids


def test_cannot_answer_does_not_count_towards_the_minimum(app, users, login):
    with app.app_context():
        db = get_session()
        survey = Survey(db)
        wave = survey.wave("Kan inte svara", *BASELINE)
        unit = ids(db, "farsta", "ekonomiskt-bistand", "socialsekreterare")
        survey.add(wave, unit, 4, q3=4)
        survey.add(wave, unit, 4, q3=-1)  # "cannot answer"
        survey.add(wave, ids(db, "bromma", "ekonomiskt-bistand", "socialsekreterare"), 12)
        survey.close(wave)
        db.commit()
        wave_id = wave.id
    client = login("central")
    client.set_cookie("lang", "en")
    from core.auth import accounts as auth

    with app.app_context():
        db = get_session()
        token = auth.issue_token(db, db.get(auth.User, users["central"]))
        db.commit()
    data = client.get(f"/api/v1/waves/{wave_id}/results/farsta",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert data["responses"] == 8, "eight people answered"
    by_code_ = {q["code"]: q for q in data["questions"]}
    assert by_code_["q1"]["n"] == 8
    # four valid answers and four "cannot answer": no figure of four answers
    assert by_code_["q3"]["n"] is None and by_code_["q3"]["hidden"] == "below_minimum"
    assert by_code_["q3"]["distribution"] == [] and by_code_["q3"]["cannot_answer"] is None


def _note(db, table, round_id: int, text: str, area_ids=()) -> None:
    services.save_note(db, table, services.NoteInput(str(uuid.uuid4()), round_id, text,
                                                     area_ids=list(area_ids)), None)


def test_a_cafe_cloud_counts_the_tables_behind_its_notes(app, users, login):
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"],) * 3)
        tables = sorted(cafe.tables, key=lambda t: t.number)
        for table, seated in zip(tables, (8, 12, 15), strict=True):
            services.set_table_participants(db, table, seated)
        first, second = cafe.rounds
        career = by_code(db, DevelopmentArea, "karriarvagar")
        # round 2 and the career area: only table 1 (8 people) wrote about them
        _note(db, tables[0], second.id, "Karriärvägar för erfarna handläggare", [career.id])
        for table in tables:
            _note(db, table, first.id, "Introduktion med fadder och handledning")
        db.commit()
        cafe_id, round_ids, area_id = cafe.id, [first.id, second.id], career.id
    client = login("central")
    client.set_cookie("lang", "en")
    base = f"/results/cafes?cafe={cafe_id}"
    whole = client.get(base).get_data(as_text=True)
    assert 'class="chart cloud"' in whole, "35 people wrote the café's notes"
    for narrow in (f"{base}&round={round_ids[1]}", f"{base}&area={area_id}"):
        page = client.get(narrow).get_data(as_text=True)
        assert 'class="chart cloud"' not in page and "Karriärvägar" not in page
        assert "fewer than 10 participants" in page
    # round 1 was written by all three tables, but the café less round 1 is table 1's
    # round-2 note: showing both would give those 8 people's words away
    page = client.get(f"{base}&round={round_ids[0]}").get_data(as_text=True)
    assert 'class="chart cloud"' not in page


def test_cafe_clouds_are_decided_together_for_the_whole_cafe():
    from cafe.queries import NoteSource
    from steering.results.cafe_report import WHOLE, published_selections

    seats = {1: 12, 2: 12, 3: 3}
    career, health = 7, 8
    notes = [NoteSource(1, 1, 1, 10, frozenset({career})),
             NoteSource(2, 2, 1, 10, frozenset({career})),
             NoteSource(3, 3, 1, 10, frozenset()),  # round 1, table of 3, untagged
             NoteSource(4, 1, 1, 20, frozenset({health})),
             NoteSource(5, 2, 1, 20, frozenset()),
             NoteSource(6, 3, 1, 30, frozenset()),  # round 3: only the table of 3
             NoteSource(7, 1, 1, 40, frozenset({health})),
             NoteSource(8, 2, 1, 40, frozenset())]
    shown = published_selections(notes, seats, [10, 20, 30, 40], [career, health], 10)
    assert shown[WHOLE] == frozenset(range(1, 9))
    # round 3 (3 people) is withheld; with every other round shown, the café less them
    # would be its notes, so one more round goes
    assert ("round", 30) not in shown
    hidden = frozenset(range(1, 9)).difference(*(v for k, v in shown.items() if k[0] == "round"))
    assert sum(seats[t] for t in {notes[n - 1].table_id for n in hidden}) >= 10
    # round 1 less career paths is the note of the table of 3
    if ("round", 10) in shown:
        assert ("area", career) not in shown
    # nothing of fewer than 10 people, alone or as the difference of two nested clouds
    for a in shown.values():
        assert sum(seats[t] for t in {notes[n - 1].table_id for n in a}) >= 10
        for b in shown.values():
            if a < b:
                rest = {notes[n - 1].table_id for n in b - a}
                assert sum(seats[t] for t in rest) >= 10


def test_a_cafe_cloud_is_not_crossed(app, users, login):
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"],) * 2)
        career = by_code(db, DevelopmentArea, "karriarvagar")
        for table in cafe.tables:
            services.set_table_participants(db, table, 12)
            _note(db, table, cafe.rounds[0].id, "Karriärvägar och mentorskap", [career.id])
        db.commit()
        cafe_id, round_id, area_id = cafe.id, cafe.rounds[0].id, career.id
    client = login("central")
    client.set_cookie("lang", "en")
    base = f"/results/cafes?cafe={cafe_id}&round={round_id}"
    assert 'class="chart cloud"' in client.get(base).get_data(as_text=True)
    crossed = client.get(f"{base}&area={area_id}").get_data(as_text=True)
    assert 'class="chart cloud"' not in crossed and "not both" in crossed
