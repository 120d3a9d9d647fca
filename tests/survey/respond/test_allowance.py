"""Ballot stuffing on an open link, as an attacker would try it: a script looping on the
one-page form from one address is cut off at the configured number of responses; 200
colleagues behind one office address all get through; a browser that has answered is told
so; the address is kept only as a keyed digest; and units with more responses than staff
are flagged where the results and the wave are read."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from core.org.models import District, ServiceArea, by_code
from survey.models import ClientAllowance, Response
from survey.services import NewResponse, store_responses
from survey.spec import instrument_spec
from survey.units import Unit
from survey.waves.lifecycle import close_wave, set_headcounts
from tests.survey.helpers import make_wave, valid_form

OFFICE = "198.51.100.23"


def _stored(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Response)) or 0


def _token(html: str) -> str | None:
    match = re.search(r'name="submission_token" value="([^"]+)"', html)
    return match.group(1) if match else None


def _visit(client, wave, form, address: str = OFFICE, headers=None):
    """GET the one-page form and POST it, as one browser (or one loop iteration) does;
    (GET status, POST status or None when there was no form)."""
    environ = {"REMOTE_ADDR": address}
    page = client.get(f"/survey/{wave.id}/all", environ_base=environ, headers=headers or {})
    token = _token(page.get_data(as_text=True))
    if page.status_code != 200 or token is None:
        return page.status_code, None
    sent = client.post(f"/survey/{wave.id}/all", data={**form, "submission_token": token},
                       environ_base=environ, headers=headers or {})
    return page.status_code, sent.status_code


def test_a_loop_from_one_client_is_cut_off_at_the_configured_number(app, db):
    app.config["SURVEY_RESPONSES_PER_CLIENT"] = 12
    wave = make_wave(db)
    form = valid_form(db, wave)
    results = []
    for _ in range(20):  # a script that drops its cookies every time
        results.append(_visit(app.test_client(), wave, form))
    assert results[:12] == [(200, 303)] * 12
    assert results[12:] == [(429, None)] * 8
    assert _stored(db) == 12
    refused = app.test_client().get(f"/survey/{wave.id}/all", environ_base={"REMOTE_ADDR": OFFICE})
    assert int(refused.headers["Retry-After"]) > 3000
    assert "för många" in refused.get_data(as_text=True).lower()
    # a forged token or none at all stores nothing and hands out no new form
    for token in ("", "forged.0000"):
        sent = app.test_client().post(f"/survey/{wave.id}/all", data={
            **form, "submission_token": token}, environ_base={"REMOTE_ADDR": OFFICE})
        assert sent.status_code == 429
    # a spoofed X-Forwarded-For does not make a new client (no proxy is trusted)
    spoofed = _visit(app.test_client(), wave, form, headers={"X-Forwarded-For": "203.0.113.9"})
    assert spoofed == (429, None)
    # another address is not held back
    assert _visit(app.test_client(), wave, form, address="192.0.2.44") == (200, 303)
    assert _stored(db) == 13


def test_two_hundred_colleagues_behind_one_office_address_all_get_through(app, db):
    assert app.config["SURVEY_RESPONSES_PER_CLIENT"] >= 200  # the default
    wave = make_wave(db)
    form = valid_form(db, wave)
    for _ in range(200):
        assert _visit(app.test_client(), wave, form) == (200, 303)
    assert _stored(db) == 200
    # one count per answering session: the office's row, under a keyed digest only
    row = db.scalars(select(ClientAllowance)).one()
    assert row.count == 200
    secret = app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, b"medarbetardialog client digest", hashlib.sha256).digest()
    assert row.client == hmac.new(key, f"survey-open-link\x00{OFFICE}".encode(),
                                  hashlib.sha256).hexdigest()[:32]
    assert row.client != hashlib.sha256(OFFICE.encode()).hexdigest()
    assert OFFICE not in " ".join(str(v) for v in (row.client, row.window_start, row.count))


def test_a_browser_that_has_answered_is_told_so_and_may_hand_over(app, db):
    app.config["SURVEY_RESPONSES_PER_CLIENT"] = 2  # reloads must not count
    wave = make_wave(db)
    form = valid_form(db, wave)
    browser = app.test_client()
    first = browser.get(f"/survey/{wave.id}/all").get_data(as_text=True)
    again = browser.get(f"/survey/{wave.id}/all").get_data(as_text=True)
    assert _token(first) == _token(again)  # a reload is the same answering session
    assert browser.post(f"/survey/{wave.id}/all", data={
        **form, "submission_token": _token(first)}).status_code == 303
    for path in ("all", ""):
        page = browser.get(f"/survey/{wave.id}/{path}").get_data(as_text=True)
        assert "Du har redan svarat" in page and _token(page) is None
    cookie = browser.get_cookie("survey_answered", path=f"/survey/{wave.id}/")
    assert cookie is not None and cookie.value == "1"  # nothing but "answered"
    assert browser.post(f"/survey/{wave.id}/another").status_code == 303
    assert _visit(browser, wave, form, address="127.0.0.1") == (200, 303)
    assert _stored(db) == 2
    assert _visit(app.test_client(), wave, form, address="127.0.0.1") == (429, None)


def test_proxies_are_trusted_only_when_configured(app, db):
    app.config["SURVEY_RESPONSES_PER_CLIENT"] = 1
    wave = make_wave(db)
    form = valid_form(db, wave)
    behind = {"X-Forwarded-For": "203.0.113.5"}
    assert _visit(app.test_client(), wave, form, address="10.0.0.1", headers=behind)[1] == 303
    other = {"X-Forwarded-For": "203.0.113.6"}
    assert _visit(app.test_client(), wave, form, address="10.0.0.1", headers=other)[0] == 429

    from app import create_app

    proxied = create_app({**app.config, "TRUSTED_PROXY_COUNT": 1})
    assert _visit(proxied.test_client(), wave, form, address="10.0.0.1", headers=other) == (
        200, 303)
    proxied.extensions["db_engine"].dispose()


def _fill(db, wave, district: str, area: str, n: int) -> None:
    spec = instrument_spec(db, wave.instrument_id)
    unit = Unit(by_code(db, District, district).id, by_code(db, ServiceArea, area).id,
                None, "")
    answers = {q.id: 1 for q in spec.questions if q.type == "yesno"}
    store_responses(db, wave.id, spec, [NewResponse(unit, answers, date.today())] * n)


def test_units_with_more_responses_than_staff_are_flagged(app, db, login):
    wave = make_wave(db)
    farsta = by_code(db, District, "farsta")
    area = by_code(db, ServiceArea, "ekonomiskt-bistand")
    skarholmen = by_code(db, District, "skarholmen")
    set_headcounts(wave, {(farsta.id, area.id): 10, (skarholmen.id, None): 1})
    _fill(db, wave, "farsta", "ekonomiskt-bistand", 12)
    _fill(db, wave, "skarholmen", "ekonomiskt-bistand", 3)  # over, but below the minimum
    db.commit()
    client = login("admin")
    page = client.get(f"/survey/admin/waves/{wave.id}").get_data(as_text=True)
    flags = page[page.find("Fler svar än anställda"):][:1200]
    assert "Farsta" in flags and "Ekonomiskt bistånd" in flags
    assert "Skärholmen" not in flags  # three responses: not even a bound is given away

    # closed, with every unit large enough to publish its count
    _fill(db, wave, "skarholmen", "ekonomiskt-bistand", 3)
    set_headcounts(wave, {(farsta.id, area.id): 10, (skarholmen.id, None): 50})
    wave.opens_on = date.today() - timedelta(days=20)
    close_wave(db, wave)
    db.commit()
    overview = client.get(f"/results/?wave={wave.id}").get_data(as_text=True)
    flags = overview[overview.find('id="over-headcount"'):][:1200]
    assert "Farsta" in flags and "Skärholmen" not in flags
    unit = client.get(f"/results/unit/farsta?wave={wave.id}&area=ekonomiskt-bistand")
    assert 'id="over-headcount"' in unit.get_data(as_text=True)
