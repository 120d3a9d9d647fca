"""From a table's idea to the public answer: a facilitator notes an idea on the tablet, the
moderator pulls it into the plenary summary, publishes the summary and closes the café, the
local steering group answers the idea, and the staff read both on the public "you said, we
did" page on a phone. The harvest document is then read in both languages."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.db import get_session
from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, PHONE, TABLET, screenshot, sign_in, switch_language

pytestmark = needs_chromium

IDEA = "Ett mentorprogram där erfarna socialsekreterare följer varje nyanställd under ett år."
SUMMARY = "Borden var eniga: introduktionen avgör om nya kollegor stannar."
ANSWER = "Mentorprogrammet startar i januari för alla nyanställda i Farsta."


def open_cafe(app) -> tuple[int, str]:
    """The demo's open café and its title."""
    from cafe.models import Cafe

    with app.app_context():
        cafe = get_session().scalar(select(Cafe).where(Cafe.status == "open").order_by(Cafe.id))
        assert cafe is not None, "the demo has no open café"
        return cafe.id, cafe.title


def write_idea(page: Page, server: str, cafe_title: str) -> None:
    sign_in(page, server, "facilitator")
    page.goto(f"{server}/my-tables/")
    page.locator("main a", has_text=re.compile(re.escape(cafe_title))).first.tap()
    expect(page.locator("#note-form")).to_be_visible()
    page.locator("label.kind-idea").tap()
    page.fill("#text", IDEA)
    page.fill("#votes", "7")
    page.locator("#note-submit").tap()
    expect(page.locator("#note-list li", has_text=IDEA)).to_have_count(1)
    expect(page.locator("#sync-status")).to_have_class(re.compile(r"sync-ok"))
    screenshot(page, "cafe-tablet-idea")


def publish_summary_and_close(page: Page, server: str, cafe_id: int, cafe_title: str) -> None:
    sign_in(page, server, "moderator")
    page.goto(f"{server}/cafes/")
    page.locator("main a", has_text=cafe_title).first.click()
    expect(page).to_have_url(re.compile(rf"/cafes/{cafe_id}$"))
    page.locator(f"a[href='/cafes/{cafe_id}/summary']").click()
    page.fill("#summary", SUMMARY)
    page.locator("form.summary-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    idea = page.locator(".idea-ranking li", has_text=IDEA)
    idea.locator("button[type=submit]").click()
    expect(page.locator(".idea-ranking li", has_text=IDEA).locator(".badge")).to_be_visible()
    expect(page.locator("#summary")).to_have_value(re.compile(re.escape(IDEA)))
    page.locator(f"form[action='/cafes/{cafe_id}/summary/publish'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    screenshot(page, "cafe-summary-published")

    page.goto(f"{server}/cafes/{cafe_id}")
    page.locator(f"form[action='/cafes/{cafe_id}/status'] button").click()
    page.locator("main form input[name=confirm]").locator("..").locator("button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    screenshot(page, "cafe-closed")


def answer_idea(page: Page, server: str) -> None:
    sign_in(page, server, "local")
    page.goto(f"{server}/ideas/")
    page.locator("main table a", has_text=IDEA[:40]).first.click()
    expect(page.locator("blockquote.idea-text")).to_have_text(IDEA)
    page.select_option("#status", "planned")
    page.fill("#answer", ANSWER)
    page.check("#answer_public")
    page.check("#published")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main table tbody tr").first).to_contain_text(ANSWER)
    screenshot(page, "idea-answered")


def test_idea_from_the_table_to_the_public_answer(demo_server, page_factory):
    cafe_id, cafe_title = open_cafe(demo_server.app)
    write_idea(page_factory(**TABLET), demo_server, cafe_title)
    publish_summary_and_close(page_factory(**LAPTOP), demo_server, cafe_id, cafe_title)
    answer_idea(page_factory(**LAPTOP), demo_server)

    for lang in ("sv", "en"):
        public = page_factory(**PHONE)
        public.goto(f"{demo_server}/you-said-we-did")
        switch_language(public, lang)
        public.locator("main a[href$='/you-said-we-did/farsta']").first.tap()
        card = public.locator(".public-ideas li", has_text=IDEA)
        expect(card).to_have_count(1)
        expect(card.locator(".answer")).to_contain_text(ANSWER)
        summary = public.locator("details", has_text=cafe_title)
        summary.locator("summary").tap()
        expect(summary.locator(".prose")).to_contain_text(SUMMARY)
        screenshot(public, f"you-said-we-did-answered-{lang}")


def test_harvest_document_in_both_languages(demo_server, page_factory):
    page = page_factory(**LAPTOP)
    sign_in(page, demo_server, "moderator")
    for lang in ("sv", "en"):
        page.goto(f"{demo_server}/cafes/1/harvest")
        switch_language(page, lang)
        expect(page.locator("h1")).to_be_visible()
        page.emulate_media(media="print")
        screenshot(page, f"cafe-harvest-print-{lang}")
        page.emulate_media(media="screen")
