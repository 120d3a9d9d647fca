"""Setting up a café: validation shown on the fields, rounds and tables, status changes,
copying as a template, confirmed deletion, lists and who may do it."""

from __future__ import annotations

from sqlalchemy import func, select

from cafe.models import Cafe, CafeTable, Round
from cafe.setup.services import TableData, add_table
from core.db import get_session
from core.org.models import District, StaffRole, by_code
from tests.cafe.conftest import make_cafe


def cafe_form(app, **changes):
    with app.app_context():
        db = get_session()
        farsta = by_code(db, District, "farsta").id
        role = by_code(db, StaffRole, "socialsekreterare").id
    data = {
        "title": "Dialogcafé Farsta juni",
        "starts_at": "2017-06-12T13:00",
        "ends_at": "2017-06-12T16:00",
        "venue": "Farsta",
        "districts": [str(farsta)],
        f"expected_{role}": "35",
    }
    data.update(changes)
    return data, role


def count(app, model):
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))


def test_moderator_creates_a_cafe_with_expected_counts(app, login):
    client = login("moderator")
    assert "Inga caféer än" in client.get("/cafes/").get_data(as_text=True)
    data, role = cafe_form(app)
    response = client.post("/cafes/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        cafe = get_session().scalars(select(Cafe)).one()
        assert cafe.status == "draft"
        assert [d.code for d in cafe.districts] == ["farsta"]
        assert {p.staff_role_id: p.expected for p in cafe.participants}[role] == 35
    page = client.get(response.location).get_data(as_text=True)
    assert "Dialogcafé Farsta juni" in page and "35" in page


def test_validation_messages_are_shown_next_to_the_fields(app, login):
    client = login("moderator")
    data, role = cafe_form(app, title="", ends_at="2017-06-12T12:00")
    data[f"expected_{role}"] = "-4"
    response = client.post("/cafes/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="title-error"' in page
    assert 'id="ends_at-error"' in page and "Caféet måste sluta efter att det har börjat." in page
    assert f'id="expected_{role}-error"' in page
    bad_date = cafe_form(app, starts_at="not a date")[0]
    assert 'id="starts_at-error"' in client.post("/cafes/new", data=bad_date).get_data(
        as_text=True
    )
    assert count(app, Cafe) == 0


def test_rounds_and_tables_with_validation(app, login, users):
    client = login("moderator")
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, status="draft")
        cafe_id = cafe.id
        db.commit()
    base = f"/cafes/{cafe_id}"
    # a round needs a question unless it is a free conversation
    page = client.post(f"{base}/rounds/new", data={"minutes": "20"}).get_data(as_text=True)
    assert 'id="question_sv-error"' in page
    page = client.post(f"{base}/rounds/new", data={"minutes": "0", "free": "y"}).get_data(
        as_text=True
    )
    assert 'id="minutes-error"' in page
    assert client.post(f"{base}/rounds/new", data={"minutes": "15", "free": "y"}).status_code == 302
    with app.app_context():
        rounds = get_session().scalars(
            select(Round).where(Round.cafe_id == cafe_id).order_by(Round.position)
        ).all()
        assert [r.position for r in rounds] == [1, 2, 3] and rounds[2].is_free
        third = rounds[2].id
    # move the free round up and delete it (after confirming)
    client.post(f"{base}/rounds/{third}/move", data={"direction": "up"})
    with app.app_context():
        assert get_session().get(Round, third).position == 2
    assert 'name="confirm"' in client.post(f"{base}/rounds/{third}/delete").get_data(
        as_text=True
    )
    client.post(f"{base}/rounds/{third}/delete", data={"confirm": "yes"})
    assert count(app, Round) == 2
    # tables: the facilitator must have the facilitator role, numbers are unique
    page = client.post(f"{base}/tables/new", data={"number": "1", "facilitator_id":
                                                   str(users["central"])}).get_data(as_text=True)
    assert 'id="facilitator_id-error"' in page
    ok = {"number": "1", "name": "Fönsterbordet", "facilitator_id": str(users["facilitator"])}
    assert client.post(f"{base}/tables/new", data=ok).status_code == 302
    page = client.post(f"{base}/tables/new", data=dict(ok, facilitator_id="None")).get_data(
        as_text=True
    )
    assert 'id="number-error"' in page and "Ett annat bord har redan det här numret." in page
    assert count(app, CafeTable) == 1


def test_status_moves_forward_only_and_needs_rounds_and_tables(app, login, users):
    client = login("moderator")
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, status="draft")
        bare = make_cafe(db, status="draft", title="Utan bord")
        cafe_id, bare_id = cafe.id, bare.id
        add_table(db, cafe, TableData(1, "", users["facilitator"]))
        db.commit()
    page = client.post(f"/cafes/{bare_id}/status", data={"status": "open"}, follow_redirects=True)
    assert "Lägg till minst en omgång och ett bord" in page.get_data(as_text=True)
    client.post(f"/cafes/{cafe_id}/status", data={"status": "open"})
    # closing asks for a confirmation first
    ask = client.post(f"/cafes/{cafe_id}/status", data={"status": "closed"})
    assert 'name="confirm"' in ask.get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Cafe, cafe_id).status == "open"
    client.post(f"/cafes/{cafe_id}/status?status=closed", data={"confirm": "yes"})
    back = client.post(f"/cafes/{cafe_id}/status", data={"status": "open"}, follow_redirects=True)
    assert "Caféet kan inte gå från den här statusen" in back.get_data(as_text=True)
    with app.app_context():
        assert get_session().get(Cafe, cafe_id).status == "closed"
    # a closed café cannot be deleted, nor its rounds and tables changed
    client.post(f"/cafes/{cafe_id}/delete", data={"confirm": "yes"})
    assert count(app, Cafe) == 2
    rounds = count(app, Round)
    added = client.post(f"/cafes/{cafe_id}/rounds/new", data={"minutes": "15", "free": "y"})
    assert "Caféet är stängt; bara en administratör kan ändra det." in added.get_data(
        as_text=True)
    assert count(app, Round) == rounds
    detail = client.get(f"/cafes/{cafe_id}").get_data(as_text=True)
    assert "Lägg till en omgång" not in detail


def test_copy_makes_a_draft_template_without_notes(app, login, users):
    client = login("moderator")
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"],), status="closed")
        cafe_id = cafe.id
        db.commit()
    response = client.post(f"/cafes/{cafe_id}/copy", data={
        "title": "Dialogcafé Farsta augusti", "starts_at": "2017-08-21T13:00",
        "ends_at": "2017-08-21T16:00"})
    assert response.status_code == 302
    with app.app_context():
        db = get_session()
        copy = db.scalars(select(Cafe).where(Cafe.id != cafe_id)).one()
        source = db.get(Cafe, cafe_id)
        assert copy.status == "draft" and copy.copied_from_id == cafe_id
        assert [r.question_sv for r in copy.rounds] == [r.question_sv for r in source.rounds]
        assert [t.facilitator_id for t in copy.tables] == [users["facilitator"]]
        assert [d.code for d in copy.districts] == ["farsta"]
        assert copy.expected_total == source.expected_total
        assert copy.summary == ""


def test_delete_needs_confirmation(app, login):
    client = login("moderator")
    with app.app_context():
        db = get_session()
        cafe_id = make_cafe(db, status="draft").id
        db.commit()
    ask = client.post(f"/cafes/{cafe_id}/delete")
    assert ask.status_code == 200 and "Ta bort caféet" in ask.get_data(as_text=True)
    assert count(app, Cafe) == 1
    assert client.post(f"/cafes/{cafe_id}/delete", data={"confirm": "yes"}).status_code == 302
    assert count(app, Cafe) == 0 and count(app, Round) == 0


def test_list_filters_paginates_and_shows_empty_states(app, login):
    client = login("moderator")
    app.config["ITEMS_PER_PAGE"] = 2
    with app.app_context():
        db = get_session()
        for n in range(3):
            make_cafe(db, status="draft", title=f"Café nummer {n}")
        db.commit()
    first = client.get("/cafes/").get_data(as_text=True)
    assert "Sida 1 av 2" in first or "1 av 2" in first
    assert "Café nummer" in client.get("/cafes/?page=2").get_data(as_text=True)
    assert "Inga caféer med den här statusen." in client.get("/cafes/?status=closed").get_data(
        as_text=True
    )


def test_setup_is_for_moderators_and_administrators_only(app, login):
    for role, expected in (("facilitator", 403), ("local", 403), ("central", 403)):
        client = login(role)
        assert client.get("/cafes/").status_code == expected
        assert client.post("/cafes/new", data={}).status_code == expected
        client.post("/logout")
    assert login("admin").get("/cafes/new").status_code == 200
    assert app.test_client().get("/cafes/").status_code == 302  # to the sign-in page


def test_navigation_shows_each_role_its_cafe_entries(app, login):
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert "Ni sa, vi gjorde" in anonymous and "Mina bord" not in anonymous
    page = login("facilitator").get("/").get_data(as_text=True)
    assert "Mina bord" in page and ">Caféer<" not in page
    login("facilitator").post("/logout")
    page = login("moderator").get("/").get_data(as_text=True)
    assert ">Caféer<" in page
    login("moderator").post("/logout")
    assert ">Idéer<" in login("local").get("/").get_data(as_text=True)


def test_a_closed_cafe_is_read_only_for_everyone_but_an_administrator(app, login, users):
    with app.app_context():
        db = get_session()
        cafe = make_cafe(db, facilitator_ids=(users["facilitator"],), status="closed")
        cafe_id, table_id, round_id = cafe.id, cafe.tables[0].id, cafe.rounds[0].id
        both = [str(by_code(db, District, c).id) for c in ("farsta", "skarholmen")]
        db.commit()
    refused = "Caféet är stängt; bara en administratör kan ändra det."
    # the facilitator's head count decides whether word clouds show: not after closing
    tablet = login("facilitator")
    page = tablet.get(f"/my-tables/{table_id}").get_data(as_text=True)
    assert 'name="participants"' not in page
    answer = tablet.post(f"/my-tables/{table_id}/participants", data={"participants": "9"},
                         follow_redirects=True)
    assert refused in answer.get_data(as_text=True)
    tablet.post("/logout")
    # a moderator can neither add a district (it would open the harvest to its group) nor
    # change counts, rounds or tables, nor start another round
    moderator = login("moderator")
    detail = moderator.get(f"/cafes/{cafe_id}").get_data(as_text=True)
    assert f'href="/cafes/{cafe_id}/edit"' not in detail
    assert "Bara en administratör kan ändra" in detail
    data, _role = cafe_form(app, districts=both)
    edited = moderator.post(f"/cafes/{cafe_id}/edit", data=data)
    assert refused in edited.get_data(as_text=True)
    moved = moderator.post(f"/cafes/{cafe_id}/current-round", data={"position": "2"},
                           follow_redirects=True)
    assert refused in moved.get_data(as_text=True)
    table_form = {"number": "5", "name": "Nytt", "facilitator_id": "None"}
    assert refused in moderator.post(f"/cafes/{cafe_id}/tables/new",
                                     data=table_form).get_data(as_text=True)
    with app.app_context():
        db = get_session()
        cafe = db.get(Cafe, cafe_id)
        assert [d.code for d in cafe.districts] == ["farsta"]
        assert cafe.current_round == 1 and len(cafe.tables) == 1
        assert db.get(CafeTable, table_id).participants is None
    moderator.post("/logout")
    # an administrator corrects the record
    admin = login("admin")
    assert f'href="/cafes/{cafe_id}/edit"' in admin.get(f"/cafes/{cafe_id}").get_data(
        as_text=True)
    assert admin.post(f"/cafes/{cafe_id}/edit", data=data).status_code == 302
    assert admin.post(f"/my-tables/{table_id}/participants",
                      data={"participants": "9"}).status_code == 302
    with app.app_context():
        db = get_session()
        assert {d.code for d in db.get(Cafe, cafe_id).districts} == {"farsta", "skarholmen"}
        assert db.get(CafeTable, table_id).participants == 9
    # and the notes stay as they were at the close, for everyone
    note = {"uuid": "00000000-0000-4000-8000-000000000001", "round_id": round_id,
            "kind": "idea", "text": "Sent", "base_version": 0}
    assert admin.post(f"/my-tables/api/tables/{table_id}/notes", json=note).status_code == 409


def test_sign_out_asks_the_browser_to_clear_what_the_tablet_kept(app, login):
    client = login("facilitator")
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    page = client.get("/").get_data(as_text=True)
    assert 'id="sign-out-form"' not in page  # signed out: no sign-out script either
    signed_in = login("facilitator").get("/").get_data(as_text=True)
    assert 'id="sign-out-form"' in signed_in and "js/sign-out.js" in signed_in
    assert "har inte skickats" in signed_in  # the warning, in the page's language
