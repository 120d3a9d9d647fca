"""Wave administration: create, publish (freezes the instrument), close (purges drafts),
headcounts, invitation codes as a printable list and CSV; who may do it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from core.org.models import District, by_code
from survey.models import Headcount, InvitationCode, Wave
from survey.tokens import display_code
from tests.survey.helpers import make_instrument, make_wave


def test_moderator_creates_publishes_and_closes_a_wave(app, db, login):
    instrument = make_instrument(db)
    db.commit()
    client = login("moderator")
    today = date.today()
    response = client.post("/survey/admin/waves/new", data={
        "name": "Hösten", "instrument_id": instrument.id, "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(), "mode": "open-link",
        "ask_district": "y", "ask_service_area": "y", "ask_staff_role": "y",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    wave = db.scalar(select(Wave).where(Wave.name == "Hösten"))
    assert wave.state == "draft" and not wave.instrument.frozen
    listing = client.get("/survey/admin/waves").get_data(as_text=True)
    assert "Hösten" in listing and "Inte publicerad" in listing

    client.post(f"/survey/admin/waves/{wave.id}/open")
    db.expire_all()
    assert wave.state == "open" and wave.instrument.frozen
    client.post(f"/survey/admin/waves/{wave.id}/close")
    db.expire_all()
    assert wave.state == "closed"


def test_closing_before_opening_is_refused_on_the_form(app, db, login):
    instrument = make_instrument(db)
    db.commit()
    client = login("admin")
    response = client.post("/survey/admin/waves/new", data={
        "name": "Fel", "instrument_id": instrument.id, "opens_on": "2030-05-10",
        "closes_on": "2030-05-01", "mode": "open-link",
    })
    assert response.status_code == 200
    assert "Enkäten måste stänga samma dag som den öppnar eller senare." in response.get_data(
        as_text=True
    )
    assert db.scalar(select(Wave).where(Wave.name == "Fel")) is None


def _batch_codes(db, wave) -> list[str]:
    db.expire_all()
    return sorted(db.scalars(select(InvitationCode.code).where(InvitationCode.wave_id == wave.id)))


def test_codes_are_listed_before_the_wave_opens_and_never_after(app, db, login):
    """Printable notes and CSV of every code while the wave has not opened; once it takes
    answers no list of codes, used or unused, is given; a batch made while it is open is
    shown once, right after it is made; participation is counted per batch."""
    from survey.waves.lifecycle import open_wave

    wave = make_wave(db, mode="codes", publish=False)
    farsta = by_code(db, District, "farsta")
    client = login("moderator")
    url = f"/survey/admin/waves/{wave.id}"
    response = client.post(f"{url}/codes", data={
        "district_id": farsta.id, "service_area_id": 0, "staff_role_id": 0, "count": 6})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    codes = _batch_codes(db, wave)
    assert len(codes) == 6
    printable = client.get(f"{url}/codes").get_data(as_text=True)
    csv_text = client.get(f"{url}/codes.csv").get_data(as_text=True)
    # printed in groups of four for reading, in the CSV as stored
    assert all(display_code(code) in printable and code in csv_text for code in codes)
    assert csv_text.count("\n") == 7  # header + six codes

    open_wave(db, wave)
    db.commit()
    for path in ("/codes", "/codes.csv", f"/codes/batch/{_first_batch(db, wave)}"):
        response = client.get(url + path)
        assert response.status_code == 409, path
        assert not any(code in response.get_data(as_text=True) or display_code(code) in
                       response.get_data(as_text=True) for code in codes)
    detail = client.get(url).get_data(as_text=True)
    assert not any(code in detail for code in codes)
    assert "Farsta" in detail and "färre än 5" in detail  # nobody has started: hidden

    # a batch made while the wave is open is shown once, to be printed at once
    response = client.post(f"{url}/codes", data={
        "district_id": farsta.id, "service_area_id": 0, "staff_role_id": 0, "count": 3})
    batch_page = response.headers["Location"]
    assert "/codes/batch/" in batch_page
    new_codes = sorted(set(_batch_codes(db, wave)) - set(codes))
    first = client.get(batch_page)
    assert first.status_code == 200
    assert all(display_code(code) in first.get_data(as_text=True) for code in new_codes)
    again = client.get(batch_page)
    assert again.status_code == 409
    assert not any(display_code(code) in again.get_data(as_text=True) for code in new_codes)

    # five of the first batch start the survey: that batch's count is shown, the other
    # batch (none started) stays hidden, and so does nothing that would reveal it
    respondent = app.test_client()
    for code in codes[:5]:
        respondent.delete_cookie("survey_pass", path=f"/survey/{wave.id}/")
        assert respondent.post(f"/survey/{wave.id}/", data={
            "code": code, "staff_role": "socialsekreterare"}).status_code == 303
    detail = client.get(url).get_data(as_text=True)
    assert re.search(r">5 \(83\s?%\)<", detail), detail[detail.find("<table"):][:3000]
    assert not any(code in detail for code in codes + new_codes)


def _first_batch(db, wave) -> int:
    from survey.models import CodeBatch

    return db.scalar(select(CodeBatch.id).where(CodeBatch.wave_id == wave.id)
                     .order_by(CodeBatch.id))


def test_headcounts_are_saved_and_bad_numbers_rejected(app, db, login):
    wave = make_wave(db)
    farsta = by_code(db, District, "farsta")
    client = login("moderator")
    url = f"/survey/admin/waves/{wave.id}/headcounts"
    response = client.post(url, data={f"hc_{farsta.id}_0": "tolv"})
    assert response.status_code == 422
    assert client.post(url, data={f"hc_{farsta.id}_0": "42"}).status_code == 302
    assert client.post(url, data={f"hc_{farsta.id}_0": "43"}).status_code == 302
    rows = list(db.scalars(select(Headcount).where(Headcount.wave_id == wave.id)))
    assert [(r.district_id, r.service_area_id, r.headcount) for r in rows] == [
        (farsta.id, None, 43)
    ]


def test_who_may_administer_waves(app, db, login, client):
    wave = make_wave(db)
    assert client.get("/survey/admin/waves").status_code == 302  # to the sign-in page
    assert client.get(f"/survey/{wave.id}/").status_code == 200  # respondents: no sign-in
    login("central")
    assert client.get("/survey/admin/waves").status_code == 403
    assert client.post(f"/survey/admin/waves/{wave.id}/close").status_code == 403


def test_a_wave_whose_results_were_shown_never_takes_answers_again(app, db, login):
    instrument = make_instrument(db)
    unread = make_wave(db, instrument, name="Oläst", opens_in=-10, closes_in=-1)
    read = make_wave(db, instrument, name="Läst", opens_in=-10, closes_in=-1)
    stopped = make_wave(db, instrument, name="Stängd", opens_in=-10, closes_in=5)
    stopped.state = "closed"
    db.commit()
    today = date.today()
    later = (today + timedelta(days=7)).isoformat()

    def form(wave):
        return {"name": wave.name, "opens_on": wave.opens_on.isoformat(), "closes_on": later}

    # a steering group reads the results of two of the closed waves
    central = login("central")
    for wave in (read, stopped):
        assert central.get(f"/results/?wave={wave.id}").status_code == 200
    db.expire_all()
    assert read.results_shown and stopped.results_shown and not unread.results_shown

    client = login("moderator")
    # nobody has seen the results of the first: it may get a later closing date
    assert client.post(f"/survey/admin/waves/{unread.id}", data=form(unread)).status_code == 302
    page = client.post(f"/survey/admin/waves/{read.id}", data=form(read))
    assert page.status_code == 422
    assert "kan inte ta emot svar igen" in page.get_data(as_text=True)
    refused = client.post(f"/survey/admin/waves/{stopped.id}/open", follow_redirects=True)
    assert "kan inte öppnas igen" in refused.get_data(as_text=True)
    db.expire_all()
    assert unread.status(today) == "open"
    assert read.status(today) == "closed" and stopped.status(today) == "closed"
    shown = client.get(f"/survey/admin/waves/{stopped.id}").get_data(as_text=True)
    assert "kan aldrig ta emot svar igen" in shown
    assert f"/survey/admin/waves/{stopped.id}/open" not in shown


def test_an_open_wave_can_be_extended(app, db, login):
    wave = make_wave(db, opens_in=-3, closes_in=2)
    client = login("moderator")
    later = (date.today() + timedelta(days=30)).isoformat()
    response = client.post(f"/survey/admin/waves/{wave.id}", data={
        "name": wave.name, "opens_on": wave.opens_on.isoformat(), "closes_on": later})
    assert response.status_code == 302
    db.expire_all()
    assert wave.closes_on.isoformat() == later
