"""The questionnaire editor: creating an instrument, sections and questions of every type,
validation messages on the fields, reordering, deleting after a confirmation, and frozen
instruments that can only be copied into a new version."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey.models import ChoiceOption, Instrument, Question, Section
from survey.waves.lifecycle import create_wave, open_wave

BASE = "/survey/admin/instruments"


@pytest.fixture
def admin(login):
    return login("admin")


def _instrument(db, code="enk") -> Instrument:
    db.expire_all()
    return db.scalar(
        select(Instrument).where(Instrument.code == code).order_by(Instrument.version.desc())
    )


def _create(admin, db, code="enk") -> Instrument:
    response = admin.post(f"{BASE}/new", data={
        "code": code, "title_sv": "Enkät", "title_en": "Survey", "intro_sv": "Hej",
    })
    assert response.status_code == 302, response.data[:400]
    return _instrument(db, code)


def _section(admin, db, instrument, title="Del") -> Section:
    response = admin.post(f"{BASE}/{instrument.id}/sections/new",
                          data={"title_sv": title, "title_en": "Part"})
    assert response.status_code == 302
    db.expire_all()
    return db.scalar(select(Section).where(Section.instrument_id == instrument.id,
                                           Section.title_sv == title))


def _add(admin, section, qtype, **data):
    form = {"text_sv": "Fråga", "text_en": "Question", **data}
    return admin.post(
        f"{BASE}/{section.instrument_id}/sections/{section.id}/questions/new?type={qtype}",
        data=form,
    )


def _question(db, code) -> Question | None:
    db.expire_all()
    return db.scalar(select(Question).where(Question.code == code))


def _question_count(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Question))


def test_only_administrators_edit(client, login, db):
    login("central")
    assert client.get(f"{BASE}/").status_code == 403
    assert client.post(f"{BASE}/new", data={"code": "x", "title_sv": "X"}).status_code == 403


def test_create_instrument_and_list_it(admin, db):
    instrument = _create(admin, db)
    assert (instrument.version, instrument.title_en, instrument.frozen) == (1, "Survey", False)
    page = admin.get(f"{BASE}/").get_data(as_text=True)
    assert "enk" in page and "Enkät" in page
    again = admin.post(f"{BASE}/new", data={"code": "enk", "title_sv": "Igen"})
    assert again.status_code == 422
    assert "create a new version" in again.get_data(as_text=True).lower() or \
        "skapa en ny version" in again.get_data(as_text=True).lower()
    bad = admin.post(f"{BASE}/new", data={"code": "Med Mellanslag", "title_sv": "X"})
    assert bad.status_code == 422 and 'id="code-error"' in bad.get_data(as_text=True)


def test_questions_of_every_type(admin, db):
    instrument = _create(admin, db)
    section = _section(admin, db, instrument)
    labels = "\n".join(f"Nivå {n}" for n in range(1, 8))
    assert _add(admin, section, "agreement", code="a7", points="7", labels_sv=labels,
                allow_cannot_answer="y", reverse_scored="y", required="y",
                index_code="workload", development_area_id="0").status_code == 302
    assert _add(admin, section, "scale10", code="s10", labels_sv="Inte alls\nHelt",
                labels_en="Not at all\nFully").status_code == 302
    assert _add(admin, section, "number", code="n", min_value="0", max_value="400",
                unit_sv="ärenden", unit_en="cases").status_code == 302
    assert _add(admin, section, "choice", code="c", **{
        "options-0-label_sv": "Heltid", "options-0-label_en": "Full time",
        "options-1-label_sv": "Deltid", "options-1-label_en": "Part time",
        "options-2-value": "9", "options-2-label_sv": "Timme",
    }).status_code == 302
    assert _add(admin, section, "yesno", code="yn").status_code == 302
    assert _add(admin, section, "text", code="t", max_length="300").status_code == 302

    a7 = _question(db, "a7")
    assert (a7.points, a7.labels_sv[-1], a7.allow_cannot_answer, a7.reverse_scored,
            a7.required, a7.index_code) == (7, "Nivå 7", True, True, True, "workload")
    assert _question(db, "s10").labels_en == ["Not at all", "Fully"]
    number = _question(db, "n")
    assert (number.min_value, number.max_value, number.unit_en, number.points) == (
        0, 400, "cases", None)
    choice = _question(db, "c")
    assert [(o.value, o.label_sv, o.label_en) for o in choice.options] == [
        (1, "Heltid", "Full time"), (2, "Deltid", "Part time"), (9, "Timme", "")]
    assert _question(db, "t").max_length == 300
    assert [q.position for q in _instrument(db).sections[0].questions] == [1, 2, 3, 4, 5, 6]
    page = admin.get(f"{BASE}/{instrument.id}").get_data(as_text=True)
    assert "Full time" in page and "Nivå 7" in page


INVALID = [
    ("agreement", {"points": "5", "labels_sv": "ett\ntvå"}, "labels_sv"),
    ("agreement", {"points": "8"}, "points"),
    ("scale10", {"labels_en": "one line only"}, "labels_en"),
    ("number", {"min_value": "10", "max_value": "2"}, "max_value"),
    ("number", {"min_value": "tio"}, "min_value"),
    ("text", {"max_length": "0"}, "max_length"),
    ("text", {"max_length": ""}, "max_length"),
    ("choice", {"options-0-label_sv": "Bara en"}, "options"),
    ("choice", {"options-0-value": "1", "options-0-label_sv": "A",
                "options-1-value": "1", "options-1-label_sv": "B"}, "options"),
    ("choice", {"options-0-label_en": "English only",
                "options-1-label_sv": "B", "options-2-label_sv": "C"}, "options-0-label_sv"),
    ("yesno", {"text_sv": ""}, "text_sv"),
    ("yesno", {"code": "Ogiltig kod"}, "code"),
]


def test_invalid_question_gets_a_message_on_the_field(admin, db):
    section = _section(admin, db, _create(admin, db))
    for qtype, data, field in INVALID:
        response = _add(admin, section, qtype, **{"code": "x", **data})
        assert response.status_code == 422, (qtype, data)
        assert f'id="{field}-error"' in response.get_data(as_text=True), (qtype, data)
    assert _question_count(db) == 0


def test_question_code_unique_within_instrument(admin, db):
    section = _section(admin, db, _create(admin, db))
    assert _add(admin, section, "yesno", code="dup").status_code == 302
    response = _add(admin, section, "yesno", code="dup")
    assert response.status_code == 422 and 'id="code-error"' in response.get_data(as_text=True)
    assert _question_count(db) == 1


def test_edit_reorder_and_move_between_sections(admin, db):
    instrument = _create(admin, db)
    first = _section(admin, db, instrument, "Ett")
    second = _section(admin, db, instrument, "Två")
    for code in ("q1", "q2", "q3"):
        assert _add(admin, first, "yesno", code=code).status_code == 302
    q3 = _question(db, "q3")
    admin.post(f"{BASE}/{instrument.id}/questions/{q3.id}/move", data={"direction": "up"})
    db.expire_all()
    assert [q.code for q in db.get(Section, first.id).questions] == ["q1", "q3", "q2"]
    edit = admin.get(f"{BASE}/{instrument.id}/questions/{q3.id}/edit").get_data(as_text=True)
    assert 'value="q3"' in edit
    response = admin.post(f"{BASE}/{instrument.id}/questions/{q3.id}/edit", data={
        "code": "q3", "text_sv": "Ny text", "text_en": "New", "section_id": str(second.id),
        "development_area_id": "0",
    })
    assert response.status_code == 302
    db.expire_all()
    assert [(q.code, q.position) for q in db.get(Section, first.id).questions] == [
        ("q1", 1), ("q2", 2)]
    moved = _question(db, "q3")
    assert (moved.section_id, moved.position, moved.text_sv) == (second.id, 1, "Ny text")
    admin.post(f"{BASE}/{instrument.id}/sections/{second.id}/move", data={"direction": "up"})
    db.expire_all()
    assert [s.title_sv for s in _instrument(db).sections] == ["Två", "Ett"]


def test_changing_options_keeps_values(admin, db):
    section = _section(admin, db, _create(admin, db))
    _add(admin, section, "choice", code="c", **{
        "options-0-label_sv": "A", "options-1-label_sv": "B"})
    question = _question(db, "c")
    response = admin.post(f"{BASE}/{question.instrument_id}/questions/{question.id}/edit", data={
        "code": "c", "text_sv": "Fråga", "section_id": str(section.id),
        "development_area_id": "0",
        "options-0-value": "2", "options-0-label_sv": "B först",
        "options-1-value": "1", "options-1-label_sv": "A sedan",
        "options-2-label_sv": "Ny",
    })
    assert response.status_code == 302
    assert [(o.value, o.label_sv) for o in _question(db, "c").options] == [
        (2, "B först"), (1, "A sedan"), (3, "Ny")]
    assert db.scalar(select(func.count()).select_from(ChoiceOption)) == 3


def test_delete_asks_first(admin, db):
    instrument = _create(admin, db)
    section = _section(admin, db, instrument)
    _add(admin, section, "yesno", code="a")
    _add(admin, section, "yesno", code="b")
    question = _question(db, "a")
    url = f"{BASE}/{instrument.id}/questions/{question.id}/delete"
    confirm = admin.get(url)
    assert confirm.status_code == 200 and 'method="post"' in confirm.get_data(as_text=True)
    assert _question_count(db) == 2
    assert admin.post(url).status_code == 302
    assert _question_count(db) == 1 and _question(db, "b").position == 1
    section_url = f"{BASE}/{instrument.id}/sections/{section.id}/delete"
    assert admin.get(section_url).status_code == 200
    assert admin.post(section_url).status_code == 302
    assert _question_count(db) == 0 and _instrument(db).sections == []


def test_frozen_instrument_offers_a_new_version(admin, db):
    instrument = _create(admin, db)
    section = _section(admin, db, instrument)
    _add(admin, section, "agreement", code="a", points="5")
    wave = create_wave(db, name="Våg", instrument=_instrument(db), opens_on=date.today(),
                       closes_on=date.today() + timedelta(days=5), mode="open-link")
    open_wave(db, wave)
    db.commit()
    page = admin.get(f"{BASE}/{instrument.id}").get_data(as_text=True)
    assert "new-version" in page and "/edit" not in page
    listing = admin.get(f"{BASE}/").get_data(as_text=True)
    assert "Våg" in listing
    for url in (f"{BASE}/{instrument.id}/edit", f"{BASE}/{instrument.id}/sections/new",
                f"{BASE}/{instrument.id}/sections/{section.id}/questions/new?type=yesno"):
        response = admin.get(url)
        assert response.status_code == 302 and response.location.endswith(
            f"{BASE}/{instrument.id}")
    question = _question(db, "a")
    assert admin.post(f"{BASE}/{instrument.id}/questions/{question.id}/delete").status_code \
        == 302
    assert _question_count(db) == 1
    response = admin.post(f"{BASE}/{instrument.id}/new-version")
    copy = _instrument(db)
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/{copy.id}")
    assert (copy.version, copy.frozen, [q.code for q in copy.questions]) == (2, False, ["a"])
    assert admin.get(f"{BASE}/{copy.id}/edit").status_code == 200


def test_unknown_ids_and_types_are_404(admin, db):
    instrument = _create(admin, db)
    section = _section(admin, db, instrument)
    assert admin.get(f"{BASE}/999999").status_code == 404
    assert admin.get(f"{BASE}/{instrument.id}/sections/{section.id}/questions/new?type=x"
                     ).status_code == 404
    other = _create(admin, db, "annan")
    assert admin.get(f"{BASE}/{other.id}/sections/{section.id}/edit").status_code == 404
