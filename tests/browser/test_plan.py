"""Browser journey of a local steering group on the action plan over the demo city: the
navigation item leads to the own district's plan, a sub-goal is added through the form
(errors first, shown on the field), a progress note is written, and another district's plan
answers 403. The action plan pages have no WCAG 2.1 A/AA violation that axe finds, in
Swedish and English, with and without form errors."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.demo_dates import story_year
from tests.browser.axe import axe_missing, describe, violations
from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, LOCALES, screenshot, sign_in

pytestmark = needs_chromium


def test_local_steering_group_sets_a_sub_goal(demo_server, page_factory):
    page = page_factory(**LAPTOP)
    sign_in(page, demo_server, "local")
    page.locator(".main-nav a[href='/action-plan/']").click()
    expect(page).to_have_url(re.compile(r"/action-plan/district/farsta$"))
    expect(page.locator("h1")).to_contain_text("Farsta")
    expect(page.locator("article.plan-goal").first).to_be_visible()
    expect(page.locator("svg.plan-bar").first).to_be_visible()
    screenshot(page, "plan-farsta")

    page.locator("a", has_text="Lägg till ett delmål").first.click()
    page.select_option("#indicator", "hr:sick-leave")
    page.select_option("#baseline_period", f"{story_year(2017)}H1")  # the demo's HR figures
    page.fill("#target_value", "9")  # sick leave is lower-is-better: above the baseline
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#title_sv-error")).to_be_visible()
    expect(page.locator("#target_value-error")).to_be_visible()
    expect(page.locator("#deadline-error")).to_be_visible()
    page.fill("#title_sv", "Lägre sjukfrånvaro")
    page.fill("#deadline", f"{story_year(2019)}-12-31")
    page.fill("#target_value", "5,5")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Lägre sjukfrånvaro")
    expect(page.locator(".plan-facts")).to_contain_text("5,5")

    page.fill("#text", "Friskvårdstimme införd för alla handläggare.")
    page.locator("#notes ~ form button[type=submit]").click()
    expect(page.locator(".plan-notes")).to_contain_text("Friskvårdstimme")
    screenshot(page, "plan-sub-goal")

    for url in ("/action-plan/district/rinkeby-kista", "/action-plan/city"):
        response = page.goto(demo_server + url)
        assert response is not None and response.status == 403


PAGES = [
    ("central", "/action-plan/"),
    ("central", "/action-plan/city"),
    ("local", "/action-plan/district/farsta"),
    ("local", "/action-plan/subgoals/1"),
    ("local", "/action-plan/subgoals/new?district=farsta"),
    ("local", "/action-plan/hr/district/farsta"),
    ("local", "/action-plan/hr/import"),
]


@pytest.mark.parametrize("lang", ("sv", "en"))
def test_action_plan_pages_meet_wcag_21_aa(demo_server, browser, lang):
    if axe_missing():
        pytest.fail(axe_missing())
    found = []
    for role in ("central", "local"):
        context = browser.new_context(bypass_csp=True, locale=LOCALES[lang], **LAPTOP)
        context.add_cookies([{"name": "lang", "value": lang, "url": demo_server}])
        page = context.new_page()
        sign_in(page, demo_server, role)
        for who, path in PAGES:
            if who != role:
                continue
            response = page.goto(demo_server + path)
            assert response is not None and response.status == 200, path
            found += [describe(v, f"{path} ({lang})") for v in [violations(page)] if v]
        if role == "local":  # the form with its errors
            page.goto(demo_server + "/action-plan/subgoals/new?district=farsta")
            page.locator("main form button[type=submit]").click()
            expect(page.locator(".error-summary")).to_be_visible()
            found += [describe(v, f"sub-goal form with errors ({lang})")
                      for v in [violations(page)] if v]
        context.close()
    assert not found, "\n".join(found)
