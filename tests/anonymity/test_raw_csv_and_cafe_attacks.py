"""Independent attacks on the published-results promise: each test downloads only what a
role may download, derives a figure about a group under the minimum, and fails while that
figure can be derived."""

from __future__ import annotations

import re
import uuid
from collections import Counter

from cafe.tablet import notes as services
from core.db import get_session
from core.org.models import DevelopmentArea, by_code
from tests.cafe.conftest import make_cafe
from tests.conftest import sign_in

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


def _raw_rows(text: str) -> tuple[list[str], list[list[str]]]:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    return rows[0], rows[1:]


def test_raw_csv_area_role_crossing_shows_fewer_than_five_valid_answers(app, users, login):
    """A central analyst downloads the raw responses CSV of a closed wave. Area and role are
    shown together because every crossing holds 0 or at least 5 *responses*; but a crossing
    of 5 where 3 said "cannot answer" gives the 2 valid answers of that group (a figure the
    results withhold: a unit with fewer than 5 valid answers shows nothing). Here the two
    social workers of Farsta's economic aid who answered q3 both chose 1 (the results place
    those answers only between 2 and 4 of Farsta's six 1s)."""
    from tests.steering.results.survey_data import BASELINE, Survey, ids

    with app.app_context():
        db = get_session()
        survey = Survey(db)
        wave = survey.wave("Korsning", *BASELINE)
        eb_ss = ids(db, "farsta", "ekonomiskt-bistand", "socialsekreterare")
        survey.add(wave, eb_ss, 3, q3=-1)  # "cannot answer"
        survey.add(wave, eb_ss, 2, q3=1)
        # answers of 1 elsewhere too, so that the results alone do not place them
        for area, role in (("ekonomiskt-bistand", "bistandshandlaggare"),
                           ("barn-och-unga", "socialsekreterare")):
            survey.add(wave, ids(db, "farsta", area, role), 8, q3=4)
            survey.add(wave, ids(db, "farsta", area, role), 2, q3=1)
        survey.add(wave, ids(db, "bromma", "ekonomiskt-bistand", "socialsekreterare"), 12)
        survey.close(wave)
        db.commit()
        wave_id = wave.id
    client = login("central")
    response = client.get(f"/survey/{wave_id}/responses.csv")
    assert response.status_code == 200
    header, rows = _raw_rows(response.get_data(as_text=True))
    width = header.index("q1")
    q3 = header.index("q3")
    groups: dict[tuple, list[str]] = {}
    for row in rows:
        groups.setdefault(tuple(row[:width]), []).append(row[q3])
    small = {key: [v for v in values if v not in ("", "na", "*")]
             for key, values in groups.items()}
    small = {key: valid for key, valid in small.items() if 0 < len(valid) < 5}
    assert not small, f"groups of the raw CSV with fewer than 5 valid q3 answers: {small}"


def _switch_organisation(db, districts, areas, roles) -> None:
    """Only the given districts, service areas and staff roles stay active."""
    from sqlalchemy import update

    from core.org.models import District, ServiceArea, StaffRole

    for model, codes in ((District, districts), (ServiceArea, areas), (StaffRole, roles)):
        db.execute(update(model).values(active=False))
        db.execute(update(model).where(model.code.in_(codes)).values(active=True))


def test_raw_csv_rows_of_hidden_districts_matched_to_published_answers(app, users, login):
    """A central analyst downloads the raw CSV of a closed wave and the published results
    (API). Farsta (6 people) shows q3 to nobody: only 3 gave a valid answer. The CSV blanks
    Farsta and the district hidden beside it, but keeps their answers, and q1 as the
    results publish it per district puts every blanked row back in its district: the rows
    answering q1 = 1 are Farsta's six (Farsta published q1: six 1s; the other blanked
    district has none). Their q3 cells are the three valid answers the results withhold."""
    from tests.anonymity.cities import token
    from tests.steering.results.survey_data import BASELINE, Survey, ids

    with app.app_context():
        db = get_session()
        _switch_organisation(db, ("farsta", "bromma", "kungsholmen"), ("ekonomiskt-bistand",),
                             ("socialsekreterare",))
        survey = Survey(db)
        wave = survey.wave("Radmatchning", *BASELINE)
        unit = {code: ids(db, code, "ekonomiskt-bistand", "socialsekreterare")
                for code in ("farsta", "bromma", "kungsholmen")}
        survey.add(wave, unit["farsta"], 3, q1=1, q2=1, q3=-1)
        survey.add(wave, unit["farsta"], 3, q1=1, q2=1, q3=2)
        survey.add(wave, unit["bromma"], 10, q1=4, q2=4, q3=4)
        survey.add(wave, unit["kungsholmen"], 12, q1=5, q2=5, q3=5)
        survey.close(wave)
        db.commit()
        wave_id = wave.id
    headers = {"Authorization": f"Bearer {token(app, 'central')}"}
    published = {}
    for code in ("farsta", "bromma", "kungsholmen"):
        data = app.test_client().get(f"/api/v1/waves/{wave_id}/results/{code}",
                                     headers=headers).get_json()
        by_question = {q["code"]: q for q in data["questions"]}
        published[code] = {
            "n": data["responses"],
            "q1": {c["value"]: c["count"] for c in by_question["q1"]["distribution"]
                   if c["count"]},
            "q3_hidden": by_question["q3"]["hidden"]}
    client = login("central")
    header, rows = _raw_rows(client.get(f"/survey/{wave_id}/responses.csv")
                             .get_data(as_text=True))
    shown = {row[0] for row in rows}
    blanked = [code for code in published if code not in shown]
    pool = [row for row in rows if row[0] == "*"]
    q1, q3 = header.index("q1"), header.index("q3")
    recovered = {}
    for code in blanked:
        mine = set(published[code]["q1"])
        others = set().union(*(published[c]["q1"] for c in blanked if c != code))
        matched = [row for row in pool if int(row[q1]) in mine - others]
        if len(matched) == published[code]["n"] and published[code]["q3_hidden"]:
            answers = sorted(row[q3] for row in matched if row[q3] != "*")
            if answers:
                recovered[code] = answers
    assert not recovered, f"q3 answers of districts whose q3 the results hide: {recovered}"


def test_cafe_cloud_of_all_cafes_central_less_local_gives_a_small_cafe_away(
        app, users, login):
    """The central steering group's cloud of all cafés is checked against nothing wider,
    and so is a local group's cloud of all *its* cafés. Central less Farsta's group gives
    the words of the cafés Farsta does not host: here Bromma's café, one table of 3."""
    with app.app_context():
        db = get_session()
        farsta = make_cafe(db, facilitator_ids=(users["facilitator"],) * 2)
        bromma = make_cafe(db, district_codes=("bromma",), facilitator_ids=(users["facilitator"],),
                           title="Dialogkafé Bromma")
        for table in farsta.tables:
            services.set_table_participants(db, table, 12)
            _note(db, table, farsta.rounds[0].id, "Introduktion med fadder och handledning")
        small = bromma.tables[0]
        services.set_table_participants(db, small, 3)
        _note(db, small, bromma.rounds[0].id, "Enhetschefen skriker på nyanställda")
        db.commit()
    central = _cloud_words(login("central").get("/results/cafes").get_data(as_text=True))
    local_client = app.test_client()  # a second browser, for the local group
    sign_in(local_client, "local")
    local = _cloud_words(local_client.get("/results/cafes").get_data(as_text=True))
    derived = central - local
    assert not (central and local and derived), (
        f"all cafés (central) less Farsta's cafés (local) gives a table of 3: {dict(derived)}")
