"""A social worker answers the staff survey on a phone, in Swedish and in English: through the
open link with "continue later" and a resume code on a second device, and with an
invitation code that then cannot be used again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from core.db import get_session
from tests.browser.conftest import needs_chromium
from tests.browser.journey import PHONE, screenshot, switch_language
from tests.demo_site import CODES_WAVE, unused_codes, wave_id

pytestmark = needs_chromium

LANGUAGES = ("sv", "en")
THANKS = {"sv": "Tack för dina svar", "en": "Thank you for your answers"}
SAVED = {"sv": "Dina svar är sparade", "en": "Your answers are saved"}
CODE_USED = {"sv": "Koden har redan använts", "en": "This code has already been used"}


def responses(app, wave: int) -> int:
    from survey.models import Response

    with app.app_context():
        return get_session().scalar(
            select(func.count()).select_from(Response).where(Response.wave_id == wave))


def wave_name(app, wave: int, lang: str = "sv") -> str:
    """The wave's name as the pages of ``lang`` show it."""
    from survey.models import Wave

    with app.app_context():
        found = get_session().get(Wave, wave)
        return (found.name_en or found.name_sv) if lang == "en" else found.name_sv


def answer_section(page: Page) -> None:
    """Tap the first choice of every question, type a number and a short comment."""
    for question in page.locator("fieldset.question").all():
        question.locator("label").first.tap()
    for field in page.locator("input.number-input").all():
        field.fill("24")
    for field in page.locator(".question textarea").all():
        field.fill("Mer tid för varje ärende och färre akuta omprioriteringar.")


def next_page(page: Page) -> None:
    """Go on, and wait until the next page (or the review) is there."""
    before = page.url
    page.locator("button[name=action][value=next]").tap()
    page.wait_for_url(lambda url: url != before)


def finish_and_send(page: Page, lang: str, shots: str | None = None) -> None:
    """Answer the remaining pages, look over the review page and send."""
    while "/review" not in page.url:
        expect(page).to_have_url(re.compile(r"/page/\d+$"))
        answer_section(page)
        next_page(page)
    expect(page.locator(".review-row.has-error")).to_have_count(0)
    if shots:
        screenshot(page, f"{shots}-review-{lang}")
    page.locator("main form").last.locator("button[type=submit]").tap()
    expect(page.locator("h1")).to_have_text(THANKS[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_open_link_with_continue_later_and_resume(demo_server, page_factory, lang):
    app = demo_server.app
    wave = wave_id(app)
    before = responses(app, wave)
    page = page_factory(**PHONE)
    page.goto(demo_server + "/")
    switch_language(page, lang)
    screenshot(page, f"home-phone-{lang}")
    page.locator(".survey-panel a", has_text=wave_name(app, wave, lang)).tap()

    expect(page).to_have_url(re.compile(rf"/survey/{wave}/$"))
    screenshot(page, f"survey-start-{lang}")
    page.select_option("#district", "farsta")
    page.select_option("#service_area", "ekonomiskt-bistand")
    page.select_option("#staff_role", "socialsekreterare")
    page.locator("form.survey-form button[type=submit]").tap()

    expect(page).to_have_url(re.compile(r"/page/1$"))
    answer_section(page)
    screenshot(page, f"survey-section-{lang}")
    next_page(page)
    expect(page).to_have_url(re.compile(r"/page/2$"))
    answer_section(page)
    page.locator("button[name=action][value=later]").tap()

    expect(page.locator("h1")).to_have_text(SAVED[lang])
    code = page.locator(".resume-code code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{8,}", code), code
    screenshot(page, f"survey-later-{lang}")

    # the next morning, on another phone: nothing but the code carries the answers over
    other = page_factory(**PHONE)
    other.goto(demo_server + "/survey/resume")
    switch_language(other, lang)
    other.fill("#resume_code", code.lower().replace("-", " "))
    other.locator("main form button[type=submit]").tap()
    expect(other).to_have_url(re.compile(r"/page/3$"))
    other.locator("button[name=action][value=back]").tap()
    expect(other).to_have_url(re.compile(r"/page/2$"))
    questions = other.locator("fieldset.question")
    expect(other.locator("fieldset.question input[type=radio]:checked")).to_have_count(
        questions.count())
    next_page(other)
    finish_and_send(other, lang, shots="survey")
    screenshot(other, f"survey-thanks-{lang}")
    other.locator("main a.button").tap()
    expect(other).to_have_url(re.compile(r"/you-said-we-did"))

    assert responses(app, wave) == before + 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_invitation_code_is_used_once(demo_server, page_factory, lang):
    app = demo_server.app
    wave = wave_id(app, CODES_WAVE)
    before = responses(app, wave)
    code = unused_codes(app)[0]
    page = page_factory(**PHONE)
    page.goto(demo_server + "/survey/")
    switch_language(page, lang)
    screenshot(page, f"survey-list-{lang}")
    page.locator(".wave-list h2 a", has_text=CODES_WAVE).tap()

    page.fill("#code", code.lower())
    page.select_option("#staff_role", "socialsekreterare")
    screenshot(page, f"survey-start-code-{lang}")
    page.locator("form.survey-form button[type=submit]").tap()
    finish_and_send(page, lang)
    assert responses(app, wave) == before + 1

    # a colleague tries the same note
    again = page_factory(**PHONE)
    again.goto(f"{demo_server}/survey/{wave}/")
    switch_language(again, lang)
    again.fill("#code", code)
    again.select_option("#staff_role", "socialsekreterare")
    again.locator("form.survey-form button[type=submit]").tap()
    expect(again.locator("#code-error")).to_contain_text(CODE_USED[lang])
    expect(again.locator("#code")).to_have_attribute("aria-invalid", "true")
    screenshot(again, f"survey-code-used-{lang}")
    assert responses(app, wave) == before + 1
