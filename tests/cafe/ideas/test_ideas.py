"""The idea loop: routing on closing, the district-scoped inbox, status history, and the
public "you said, we did" page that shows only published ideas and public answers."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from cafe.ideas.models import Idea, IdeaStatusChange
from cafe.models import Cafe, CafeTable
from cafe.setup import services as setup
from cafe.tablet.notes import NoteInput, save_note
from core.db import get_session
from core.org.models import DevelopmentArea, District, by_code
from tests.cafe.conftest import make_cafe


def cafe_with_ideas(app, users, district_codes=("farsta",), texts=("Mentor åt alla nya",)):
    """A closed café whose table 1 wrote the given ideas (and one observation)."""
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, district_codes, (users["facilitator"],),
                         title=f"Café {'+'.join(district_codes)}")
        table = cafe.tables[0]
        rnd = cafe.rounds[0]
        save_note(db, table, NoteInput(str(uuid.uuid4()), rnd.id, "Bara en iakttagelse"), None)
        for n, text in enumerate(texts):
            save_note(db, table, NoteInput(str(uuid.uuid4()), rnd.id, text, kind="idea",
                                           votes=n + 1), None)
        setup.set_status(db, cafe, "closed")
        db.commit()
        return [i.id for i in db.scalars(select(Idea).where(Idea.cafe_id == cafe.id)
                                         .order_by(Idea.id))]


def test_closing_routes_ideas_to_the_district_or_the_central_group(app, users):
    local_ids = cafe_with_ideas(app, users, ("farsta",), ("Idé A", "Idé B"))
    shared_ids = cafe_with_ideas(app, users, ("farsta", "skarholmen"), ("Idé C",))
    with app.app_context():
        db = get_session()
        local = [db.get(Idea, i) for i in local_ids]
        shared = db.get(Idea, shared_ids[0])
        assert [i.district.code for i in local] == ["farsta", "farsta"]
        assert shared.district.is_central
        assert all(i.status == "new" and not i.published for i in local + [shared])
        # the round's development area is used when the note has no tags
        assert local[0].development_area.code == "introduktion"
        assert [h.status for h in local[0].history] == ["new"]
        # closing again routes nothing twice
        from cafe.ideas.services import route_ideas

        assert route_ideas(db, db.get(Cafe, local[0].cafe_id)) == 0


def test_status_changes_are_kept_as_history(app, login, users):
    idea_id = cafe_with_ideas(app, users)[0]
    client = login("local")
    url = f"/ideas/{idea_id}"
    assert client.get(url).status_code == 200
    client.post(url, data={"status": "considering", "development_area_id": "None"})
    client.post(url, data={"status": "considering", "development_area_id": "None"})  # no change
    client.post(url, data={"status": "planned", "development_area_id": "None",
                           "answer": "Mentorer införs i höst.", "answered_on": "2017-10-02",
                           "answer_public": "y", "published": "y"})
    with app.app_context():
        db = get_session()
        history = db.scalars(select(IdeaStatusChange).where(IdeaStatusChange.idea_id == idea_id)
                             .order_by(IdeaStatusChange.id)).all()
        assert [h.status for h in history] == ["new", "considering", "planned"]
        assert history[-1].answer == "Mentorer införs i höst."
        assert history[-1].answered_on == date(2017, 10, 2)
        assert history[-1].changed_by.username == "local"
        idea = db.get(Idea, idea_id)
        assert idea.published and idea.answer_public
    page = client.get(url).get_data(as_text=True)
    assert "Historik" in page and "Planerad" in page and "Utreds" in page


def test_publishing_an_answer_needs_its_text(app, login, users):
    idea_id = cafe_with_ideas(app, users)[0]
    client = login("central")
    page = client.post(f"/ideas/{idea_id}", data={"status": "done", "answer_public": "y",
                                                  "development_area_id": "None"})
    assert 'id="answer-error"' in page.get_data(as_text=True)
    bad = client.post(f"/ideas/{idea_id}", data={"status": "maybe",
                                                 "development_area_id": "None"})
    assert bad.status_code == 200 and 'id="status-error"' in bad.get_data(as_text=True)


def test_local_group_sees_only_its_districts_ideas(app, login, users):
    farsta_ids = cafe_with_ideas(app, users, ("farsta",), ("Farstaidé",))
    other_ids = cafe_with_ideas(app, users, ("skarholmen",), ("Skärholmsidé",))
    central_ids = cafe_with_ideas(app, users, ("farsta", "skarholmen"), ("Gemensam idé",))
    client = login("local")
    inbox = client.get("/ideas/").get_data(as_text=True)
    assert "Farstaidé" in inbox and "Skärholmsidé" not in inbox and "Gemensam idé" not in inbox
    assert client.get(f"/ideas/{farsta_ids[0]}").status_code == 200
    assert client.get(f"/ideas/{other_ids[0]}").status_code == 403
    assert client.post(f"/ideas/{other_ids[0]}", data={"status": "done"}).status_code == 403
    assert client.get(f"/ideas/{central_ids[0]}").status_code == 403
    assert client.get("/ideas/?district=skarholmen").status_code == 403
    client.post("/logout")
    central = login("central").get("/ideas/").get_data(as_text=True)
    assert "Farstaidé" in central and "Skärholmsidé" in central and "Gemensam idé" in central
    filtered = login("central").get("/ideas/?district=skarholmen").get_data(as_text=True)
    assert "Skärholmsidé" in filtered and "Farstaidé" not in filtered
    client.post("/logout")
    assert login("facilitator").get("/ideas/").status_code == 403


def _publish(app, idea_id, **fields):
    from cafe.ideas.services import IdeaUpdate, update_idea

    with app.app_context():
        db = get_session()
        update_idea(db, db.get(Idea, idea_id), IdeaUpdate(**fields), None)
        db.commit()


def test_public_page_shows_only_published_ideas_and_public_answers(app, users):
    ids = cafe_with_ideas(app, users, ("farsta",),
                          ("Publicerad med svar", "Publicerad utan öppet svar", "Opublicerad"))
    _publish(app, ids[0], status="done", answer="Vi har anställt två mentorer.",
             answer_public=True, published=True)
    _publish(app, ids[1], status="considering", answer="Internt: budgeten räcker inte.",
             answer_public=False, published=True)
    _publish(app, ids[2], status="planned", answer="Hemligt svar", answer_public=True,
             published=False)
    client = app.test_client()
    index = client.get("/you-said-we-did")
    assert index.status_code == 200 and "Farsta" in index.get_data(as_text=True)
    page = client.get("/you-said-we-did/farsta").get_data(as_text=True)
    assert "Publicerad med svar" in page and "Vi har anställt två mentorer." in page
    assert "Genomförd" in page
    assert "Publicerad utan öppet svar" in page and "Utreds" in page
    assert "Internt: budgeten räcker inte." not in page
    assert "Opublicerad" not in page and "Hemligt svar" not in page
    assert "Bara en iakttagelse" not in page
    assert client.get("/you-said-we-did/nowhere").status_code == 404
    client.set_cookie("lang", "en")
    english = client.get("/you-said-we-did/farsta").get_data(as_text=True)
    assert "You said, we did" in english and "Done" in english


def test_public_page_filters_by_development_area_and_paginates(app, users):
    ids = cafe_with_ideas(app, users, ("farsta",), tuple(f"Idé nummer {n}" for n in range(23)))
    with app.app_context():
        db = get_session()
        leadership = by_code(db, DevelopmentArea, "ledarskap").id
    for n, idea_id in enumerate(ids):
        _publish(app, idea_id, status="new", published=True,
                 development_area_id=leadership if n == 0 else None)
    client = app.test_client()
    first = client.get("/you-said-we-did/farsta").get_data(as_text=True)
    assert first.count('class="card"') == 20 and 'rel="next"' in first
    second = client.get("/you-said-we-did/farsta?page=2").get_data(as_text=True)
    assert second.count('class="card"') == 3
    only = client.get("/you-said-we-did/farsta?area=ledarskap").get_data(as_text=True)
    assert only.count('class="card"') == 1 and "Idé nummer 0" in only
    none = client.get("/you-said-we-did/farsta?area=karriarvagar").get_data(as_text=True)
    assert "Inga publicerade idéer inom det här utvecklingsområdet än." in none


def test_published_summary_appears_on_the_district_page(app, users):
    cafe_with_ideas(app, users)
    with app.app_context():
        db = get_session()
        cafe = db.scalars(select(Cafe)).one()
        setup.save_summary(db, cafe, "Borden var eniga om att introduktionen behöver mentorer.")
        setup.publish_summary(db, cafe, True)
        db.commit()
        farsta = by_code(db, District, "farsta")
        assert farsta is not None and db.scalars(select(CafeTable)).first() is not None
    page = app.test_client().get("/you-said-we-did/farsta").get_data(as_text=True)
    assert "Borden var eniga" in page


def test_public_page_lists_the_newest_cafe_first(app, users):
    early = cafe_with_ideas(app, users, ("farsta",), ("Tidig idé",))[0]
    late = cafe_with_ideas(app, users, ("farsta",), ("Sen idé",))[0]
    with app.app_context():
        db = get_session()
        later = db.get(Idea, late).cafe
        later.starts_at = later.starts_at.replace(month=9)
        later.ends_at = later.ends_at.replace(month=9)
        db.commit()
    for idea_id in (early, late):
        _publish(app, idea_id, status="new", published=True)
    page = app.test_client().get("/you-said-we-did/farsta").get_data(as_text=True)
    assert page.index("Sen idé") < page.index("Tidig idé")
