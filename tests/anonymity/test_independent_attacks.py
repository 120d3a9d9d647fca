"""Independent attacks on the published-results promise: each test downloads only what a
role may download, derives a figure about a group under the minimum, and fails while that
figure can be derived."""

from __future__ import annotations

import re
import uuid
from collections import Counter

from cafe import services
from core.db import get_session
from core.org import DevelopmentArea, by_code
from tests.cafe.conftest import make_cafe

WORD_ROW = re.compile(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td></tr>')


def _note(db, table, round_id: int, text: str, area_ids=()) -> None:
    services.save_note(db, table, services.NoteInput(str(uuid.uuid4()), round_id, text,
                                                     area_ids=list(area_ids)), None)


def _cloud_words(page: str) -> Counter:
    """The word table under a café word cloud (empty when the cloud is withheld)."""
    if 'class="chart cloud"' not in page:
        return Counter()
    return Counter({w: int(n) for w, n in WORD_ROW.findall(page)})


def test_cafe_cloud_of_a_round_less_its_area_crossing_gives_a_small_table_away(
        app, users, login):
    """A local steering group downloads two word clouds of one café: round 1, and round 1
    narrowed to a development area. Each is checked against the whole café only, never
    against each other, so round 1 minus (round 1 x area) are the words of the notes in
    round 1 that are not tagged with the area: here those of one table of 3 people."""
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"],) * 3)
        big, other, small = sorted(cafe.tables, key=lambda t: t.number)
        for table, seated in ((big, 12), (other, 12), (small, 3)):
            services.set_table_participants(db, table, seated)
        first, second = cafe.rounds
        career = by_code(db, DevelopmentArea, "karriarvagar")
        for table in (big, other):
            _note(db, table, first.id, "Karriärvägar och mentorskap för handläggare",
                  [career.id])
            _note(db, table, second.id, "Rimligt antal ärenden per handläggare")
        _note(db, small, first.id, "Chefen trakasserar kollegor systematiskt")
        db.commit()
        cafe_id, round_id, area_id = cafe.id, first.id, career.id
    client = login("local")  # Farsta's steering group: the café is hosted by Farsta
    client.set_cookie("lang", "en")
    base = f"/results/cafes?cafe={cafe_id}&round={round_id}"
    whole_round = _cloud_words(client.get(base).get_data(as_text=True))
    crossing = _cloud_words(client.get(f"{base}&area={area_id}").get_data(as_text=True))
    derived = whole_round - crossing
    assert not (whole_round and crossing and derived), (
        f"round 1 less round 1 x career paths gives the words of a table of 3: {dict(derived)}")
