"""Answering through the web: validation messages on the fields with nothing stored, the
page-by-page flow with answers kept, review, resume code, closed and unopened waves."""

from __future__ import annotations

import re

import pytest

from survey.models import INVITATION_CODES
from survey.tokens import issue_submission_token
from tests.survey.helpers import counts, make_wave, qid, unit_ids, valid_form

NOTHING = {"survey_response": 0, "survey_answer": 0, "survey_free_text": 0,
           "survey_rollup": 0, "survey_response_count": 0}


def post_single(client, app, wave, form):
    with app.test_request_context():
        token = issue_submission_token(wave.id)
    return client.post(f"/survey/{wave.id}/all", data={**form, "submission_token": token})


def field_error(html: str, field: str) -> str:
    """The error message shown next to ``field`` ('' when none)."""
    match = re.search(rf'id="{field}-error">([^<]*)<', html)
    return match.group(1).strip() if match else ""


def test_valid_one_page_submission_is_stored(app, client, db):
    wave = make_wave(db)
    response = post_single(client, app, wave, valid_form(db, wave))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/survey/{wave.id}/thanks")
    stored = counts(db)
    assert stored["survey_response"] == 1
    assert stored["survey_answer"] == 6
    assert stored["survey_free_text"] == 1
    assert stored["survey_response_count"] == 1


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("agree", "6", "Välj ett av alternativen."),
        ("agree", "fyra", "Välj ett av alternativen."),
        ("agree", "", "Besvara frågan."),
        ("agree4", "5", "Välj ett av alternativen."),
        ("agree4", "na", "Välj ett av alternativen."),  # no "cannot answer" offered
        ("s10", "11", "Välj ett av alternativen."),
        ("num", "201", "Ange ett tal från 0 till 200."),
        ("num", "-3", "Ange ett tal från 0 till 200."),
        ("num", "tolv", "Ange ett heltal, bara siffror."),
        ("num", "2,5", "Ange ett heltal, bara siffror."),
        ("choice", "4", "Välj ett av alternativen."),
        ("yn", "kanske", "Välj ja eller nej."),
        ("yn", "", "Besvara frågan."),
        ("txt", "x" * 51, "Skriv högst 50 tecken (du skrev 51)."),
    ],
)
def test_invalid_answer_gives_a_message_on_the_field_and_stores_nothing(
    app, client, db, code, value, message
):
    wave = make_wave(db)
    field = f"q{qid(db, wave, code)}"
    response = post_single(client, app, wave, valid_form(db, wave, **{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, field) == message
    assert counts(db) == NOTHING


@pytest.mark.parametrize("field", ["district", "service_area", "staff_role", "dim_tenure"])
def test_unknown_dimension_code_gives_a_field_error(app, client, db, field):
    wave = make_wave(db, tenure=True)
    response = post_single(client, app, wave, valid_form(db, wave, **{field: "nowhere"}))
    assert response.status_code == 422
    message = field_error(response.get_data(as_text=True), field)
    assert message == "Välj ett av alternativen i listan."
    assert counts(db) == NOTHING


def test_missing_district_is_required_but_extra_dimension_is_optional(app, client, db):
    wave = make_wave(db, tenure=True)
    response = post_single(client, app, wave, valid_form(db, wave, district=""))
    assert field_error(response.get_data(as_text=True), "district")
    response = post_single(client, app, wave, valid_form(db, wave, dim_tenure=""))
    assert response.status_code == 303


def test_english_messages(app, client, db):
    wave = make_wave(db)
    client.set_cookie("lang", "en")
    field = f"q{qid(db, wave, 'num')}"
    response = post_single(client, app, wave, valid_form(db, wave, **{field: "999"}))
    assert field_error(response.get_data(as_text=True), field) == "Enter a number from 0 to 200."


def test_expired_or_forged_token_stores_nothing(app, client, db):
    wave = make_wave(db)
    form = {**valid_form(db, wave), "submission_token": "forged.0000"}
    response = client.post(f"/survey/{wave.id}/all", data=form)
    assert response.status_code == 422
    assert counts(db) == NOTHING


@pytest.mark.parametrize(
    ("opens_in", "closes_in", "publish", "text"),
    [
        (-10, -1, True, "Enkäten är stängd."),
        (3, 10, True, "Enkäten har inte öppnat än."),
        (-1, 10, False, "Enkäten har inte publicerats än."),
    ],
)
def test_wave_that_is_not_open_says_so_and_takes_nothing(
    app, client, db, opens_in, closes_in, publish, text
):
    wave = make_wave(db, opens_in=opens_in, closes_in=closes_in, publish=publish)
    for url in (f"/survey/{wave.id}/", f"/survey/{wave.id}/all", f"/survey/{wave.id}/page/1"):
        assert text in client.get(url).get_data(as_text=True)
    response = post_single(client, app, wave, valid_form(db, wave))
    assert text in response.get_data(as_text=True)
    assert counts(db) == NOTHING
    listing = client.get("/survey/").get_data(as_text=True)
    assert wave.name not in listing


def _start(client, wave, **unit):
    data = unit or {"district": "farsta", "service_area": "ekonomiskt-bistand",
                    "staff_role": "socialsekreterare"}
    response = client.post(f"/survey/{wave.id}/", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response


def _page_form(db, wave, number, **answers):
    section = wave.instrument.sections[number - 1]
    return {f"q{q.id}": answers.get(q.code, "") for q in section.questions}


def test_page_flow_keeps_answers_back_and_forth_then_review_and_submit(app, client, db):
    wave = make_wave(db)
    _start(client, wave)
    page1 = _page_form(db, wave, 1, agree="4", agree4="1", s10="na")
    response = client.post(f"/survey/{wave.id}/page/1", data={**page1, "action": "next"})
    assert response.headers["Location"].endswith("/page/2")
    # s10 does offer "cannot answer"; going back shows what was given
    page2 = _page_form(db, wave, 2, num="12", yn="1", txt="Ring 070-123 45 67")
    response = client.post(f"/survey/{wave.id}/page/2", data={**page2, "action": "back"})
    assert response.headers["Location"].endswith("/page/1")
    html = client.get(f"/survey/{wave.id}/page/1").get_data(as_text=True)
    assert re.search(rf'name="q{qid(db, wave, "agree")}" value="4" checked', html)
    assert re.search(rf'name="q{qid(db, wave, "s10")}" value="na" checked', html)
    html = client.get(f"/survey/{wave.id}/page/2").get_data(as_text=True)
    assert 'value="12"' in html
    assert counts(db) == NOTHING  # nothing is a response until it is sent
    client.post(f"/survey/{wave.id}/page/2", data={**page2, "action": "next"})
    review = client.get(f"/survey/{wave.id}/review").get_data(as_text=True)
    assert "Kan inte svara" in review
    token = re.search(r'name="submission_token" value="([^"]+)"', review).group(1)
    response = client.post(f"/survey/{wave.id}/review", data={"submission_token": token})
    assert response.headers["Location"].endswith("/thanks")
    again = client.post(f"/survey/{wave.id}/review", data={"submission_token": token})
    assert again.headers["Location"].endswith("/thanks")  # sent twice: still one response
    stored = counts(db)
    assert stored["survey_response"] == 1
    assert stored["survey_free_text"] == 1
    from survey.models import FreeTextAnswer

    assert db.query(FreeTextAnswer).one().text == "Ring [telefon]"
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/you-said-we-did" in thanks or "Ni sa" in thanks


def test_next_with_missing_required_answer_stays_and_stores_nothing(app, client, db):
    wave = make_wave(db)
    _start(client, wave)
    response = client.post(f"/survey/{wave.id}/page/1", data={"action": "next"})
    assert response.status_code == 422
    field = f"q{qid(db, wave, 'agree')}"
    html = response.get_data(as_text=True)
    assert field_error(html, field) == "Besvara frågan."
    # the summary names the question once, without a colon after its full stop
    assert ".:" not in html and '<span class="error-label">' in html


def test_continue_now_goes_on_where_the_answers_stopped(app, client, db):
    wave = make_wave(db)
    _start(client, wave)
    page1 = _page_form(db, wave, 1, agree="5")
    client.post(f"/survey/{wave.id}/page/1", data={**page1, "action": "later"})
    html = client.get(f"/survey/{wave.id}/later").get_data(as_text=True)
    link = re.search(r'<a class="button" href="([^"]+)">Fortsätt nu</a>', html).group(1)
    assert link == f"/survey/{wave.id}/page/2"  # not the empty resume form
    assert client.get(link).status_code == 200


def test_resume_code_continues_on_another_device(app, db):
    wave = make_wave(db)
    first = app.test_client()
    _start(first, wave)
    page1 = _page_form(db, wave, 1, agree="5")
    response = first.post(f"/survey/{wave.id}/page/1", data={**page1, "action": "later"})
    assert response.headers["Location"].endswith("/later")
    html = first.get(f"/survey/{wave.id}/later").get_data(as_text=True)
    code = re.search(r"<code>([0-9A-Z-]+)</code>", html).group(1)

    other = app.test_client()
    typed = code.lower().replace("-", " ")
    response = other.post("/survey/resume", data={"resume_code": typed})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/survey/{wave.id}/page/2")
    html = other.get(f"/survey/{wave.id}/page/1").get_data(as_text=True)
    assert re.search(rf'name="q{qid(db, wave, "agree")}" value="5" checked', html)

    response = other.post("/survey/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 422


def test_drafts_are_purged_when_the_wave_closes(app, client, db):
    from survey.models import ResumeDraft
    from survey.waves.lifecycle import close_wave

    wave = make_wave(db)
    _start(client, wave)
    assert db.query(ResumeDraft).count() == 0  # starting saves nothing yet
    client.post(f"/survey/{wave.id}/page/1", data={"action": "later"})
    assert db.query(ResumeDraft).count() == 1
    close_wave(db, wave)
    db.commit()
    assert db.query(ResumeDraft).count() == 0


def test_drafts_are_purged_lazily_after_the_closing_date(app, client, db):
    from datetime import date, timedelta

    from survey.models import ResumeDraft

    wave = make_wave(db)
    _start(client, wave)
    client.post(f"/survey/{wave.id}/page/1", data={"action": "later"})
    assert db.query(ResumeDraft).count() == 1
    wave.closes_on = date.today() - timedelta(days=1)
    wave.opens_on = date.today() - timedelta(days=5)
    db.commit()
    client.get("/survey/")
    db.expire_all()
    assert db.query(ResumeDraft).count() == 0


def test_invitation_code_start_and_messages(app, client, db):
    """The code is entered on the start page and spent there; the one-page form then
    shows the unit it fixes and stores the response without asking for the code again."""
    from core.org.models import District, by_code
    from survey.models import InvitationCode, Response
    from survey.waves.codes import generate_codes

    wave = make_wave(db, mode=INVITATION_CODES)
    farsta = by_code(db, District, "farsta")
    code = generate_codes(db, wave, 1, district=farsta)[0].code
    db.commit()
    # the one-page form of a code wave asks for the code first
    response = client.get(f"/survey/{wave.id}/all")
    assert response.status_code == 302 and "then=all" in response.headers["Location"]
    response = client.post(f"/survey/{wave.id}/", data={"code": "WRONG", "then": "all"})
    assert "Koden gäller inte" in field_error(response.get_data(as_text=True), "code")
    typed = code[:5].lower() + "-" + code[5:]
    response = client.post(f"/survey/{wave.id}/", data={
        "code": typed, "staff_role": "socialsekreterare", "then": "all"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/survey/{wave.id}/all")
    db.expire_all()
    assert db.get(InvitationCode, code).used  # spent when starting, before any answer
    assert counts(db)["survey_response"] == 0
    html = client.get(f"/survey/{wave.id}/all").get_data(as_text=True)
    assert 'name="code"' not in html and "Farsta" in html
    token = re.search(r'name="submission_token" value="([^"]+)"', html).group(1)
    answers = {k: v for k, v in valid_form(db, wave).items()
               if k not in ("district", "service_area", "staff_role")}
    response = client.post(f"/survey/{wave.id}/all", data={**answers, "submission_token": token})
    assert response.status_code == 303
    # a colleague tries the same note
    other = app.test_client()
    response = other.post(f"/survey/{wave.id}/", data={
        "code": code, "staff_role": "socialsekreterare"})
    assert "redan använts" in field_error(response.get_data(as_text=True), "code")
    assert counts(db)["survey_response"] == 1
    stored = db.query(Response).one()
    assert (stored.district_id, stored.staff_role_id) == (farsta.id, unit_ids(db)[2])


def test_code_wave_posted_without_a_session_keeps_the_answers(app, client, db):
    """A one-page form of a code wave sent without its answering session (the cookie was
    lost): nothing is stored, the answers stay on the page, and the code is asked for; with
    the code it is spent, and the answers are stored when the form is sent again."""
    from core.org.models import District, by_code
    from survey.waves.codes import generate_codes

    wave = make_wave(db, mode=INVITATION_CODES)
    code = generate_codes(db, wave, 1, district=by_code(db, District, "farsta"))[0].code
    db.commit()
    answers = {k: v for k, v in valid_form(db, wave).items()
               if k not in ("district", "service_area")}
    response = post_single(client, app, wave, answers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "code") and 'value="35"' in html
    response = client.post(f"/survey/{wave.id}/all", data={**answers, "code": code})
    assert response.status_code == 422 and counts(db) == NOTHING
    html = response.get_data(as_text=True)
    assert 'value="35"' in html and 'name="code"' not in html
    token = re.search(r'name="submission_token" value="([^"]+)"', html).group(1)
    response = client.post(f"/survey/{wave.id}/all", data={**answers, "submission_token": token})
    assert response.status_code == 303
    assert counts(db)["survey_response"] == 1


def test_landing_page_and_home_panel_list_open_waves(app, client, db):
    make_wave(db, name="Våren")
    assert "Våren" in client.get("/survey/").get_data(as_text=True)
    assert "Våren" in client.get("/").get_data(as_text=True)


def test_wave_closed_while_its_settings_are_cached_takes_nothing_more(app, client, db):
    from survey.waves.lifecycle import close_wave

    wave = make_wave(db)
    assert post_single(client, app, wave, valid_form(db, wave)).status_code == 303
    close_wave(db, wave)
    db.commit()
    response = post_single(client, app, wave, valid_form(db, wave))
    assert "Enkäten är stängd." in response.get_data(as_text=True)
    assert counts(db)["survey_response"] == 1
