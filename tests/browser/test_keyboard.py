"""A respondent who uses no mouse completes the survey from the start page to the thank-you
page with the keyboard: Tab to move, Space to choose an answer, Enter to go on. The unit
lists are native selects, operated the way a keyboard user does (Arrow Down on the focused
list). Every focused control must show a visible focus indicator."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, screenshot
from tests.demo_site import wave_id

pytestmark = needs_chromium
#: more presses than any page needs; a page that takes more traps the focus
MAX_TABS = 250
#: what must show where the focus is (``main`` takes the focus only from the skip link)
CONTROLS = {"a", "button", "input", "select", "textarea"}

_FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(), id: e.id,
          name: e.name || '', value: e.value || '', checked: !!e.checked,
          required: !!e.closest('.question, .field')?.querySelector('.required'),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
          shadow: style.boxShadow !== 'none'};
}"""


def focused(page: Page) -> dict:
    return page.evaluate(_FOCUSED)


def tab_until(page: Page, wanted, act=None) -> dict:
    """Press Tab until ``wanted(focus)``; ``act(focus)`` handles what is passed on the way."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focus = focused(page)
        if focus["tag"] in CONTROLS:
            assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"
        if wanted(focus):
            return focus
        if act:
            act(focus)
    raise AssertionError(f"Tab never reached the wanted control on {page.url}")


def skip_to_content(page: Page) -> None:
    """The first Tab lands on the skip link; Enter moves the focus into the main content.
    (After a form, the browser keeps the ``#main`` of the skip link in the address, and the
    next Tab already starts in the main content.)"""
    if page.url.endswith("#main"):
        return
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "a", "the skip link is not the first stop"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_survey_completed_with_the_keyboard_alone(demo_server, page_factory):
    wave = wave_id(demo_server.app)
    page = page_factory(**LAPTOP)
    page.goto(f"{demo_server}/survey/{wave}/")
    skip_to_content(page)
    for list_id in ("district", "service_area", "staff_role"):
        tab_until(page, lambda f, list_id=list_id: f["id"] == list_id)
        page.keyboard.press("ArrowDown")
        assert page.locator(f"#{list_id}").input_value() != ""
    tab_until(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/page/1(#main)?$"))  # a redirect keeps the #main

    pages = 0
    while "/review" not in page.url:
        skip_to_content(page)
        answered: set[str] = set()

        def answer(focus: dict, answered=answered) -> None:
            if focus["type"] == "radio" and focus["name"] not in answered:
                page.keyboard.press("Space")
                assert focused(page)["checked"], f"Space did not choose {focus}"
                answered.add(focus["name"])

        tab_until(page, lambda f: f["tag"] == "button" and f["value"] == "next", answer)
        assert answered, f"no question could be answered on {page.url}"
        before = page.url
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url, before=before: url != before)
        pages += 1
    assert pages >= 2

    expect(page.locator(".review-row.has-error")).to_have_count(0)
    skip_to_content(page)
    tab_until(page, lambda f: f["tag"] == "button" and f["type"] == "submit")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/survey/{wave}/thanks(#main)?$"))
    screenshot(page, "survey-thanks-keyboard")
