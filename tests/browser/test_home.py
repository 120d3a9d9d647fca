"""Every role starts at sign-in, lands on its home page, finds its pending work there and
reaches its main task in one click. Every link the home page and the navigation offer opens
for that role (nothing is offered that answers 403), and the roles that cannot use the API
are not offered API tokens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, TABLET, screenshot, sign_in

pytestmark = needs_chromium

#: role → (device, the home panel that holds its main task, the link to follow in it, what
#: the task's page shows)
MAIN_TASK = {
    "local": (LAPTOP, "#home-ideas", "li a", "form textarea"),
    "central": (LAPTOP, "#home-results", "a.button", "svg.heatmap"),
    "moderator": (LAPTOP, "#home-cafes", "li a", "h1 .cafe-status"),
    "facilitator": (TABLET, "#home-tables", "li a", "#note-form"),
    "admin": (LAPTOP, "#home-admin", "li a", "input[type=file]"),
}
#: home panels each role must see: its pending work
PANELS = {
    "local": ["#home-results", "#home-goals", "#home-ideas", "#home-next-cafe"],
    "central": ["#home-results", "#home-goals", "#home-ideas", "#home-next-cafe"],
    "moderator": ["#home-waves", "#home-cafes"],
    "facilitator": ["#home-tables"],
    "admin": ["#home-waves", "#home-cafes", "#home-admin"],
}


def offered_links(page: Page) -> list[str]:
    """Every distinct page the navigation and the home page's panels link to."""
    hrefs = page.locator(".main-nav a, main a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return sorted({h for h in hrefs if h and h.startswith("/") and not h.startswith("/language")})


@pytest.mark.parametrize("role", list(MAIN_TASK))
def test_each_role_starts_at_its_home_page_and_reaches_its_main_task(
        role, demo_server, page_factory):
    device, panel, link, task = MAIN_TASK[role]
    page = page_factory(**device)
    sign_in(page, demo_server, role)
    expect(page).to_have_url(f"{demo_server}/")
    for selector in PANELS[role]:
        expect(page.locator(selector)).to_be_visible()
    screenshot(page, f"home-{role}")

    links = offered_links(page)
    refused = [(href, status) for href in links
               if (status := page.request.get(demo_server + href).status) != 200]
    assert not refused, f"the home page of {role} offers pages it cannot open: {refused}"
    tokens = "/account/api-tokens/"
    account = page.request.get(f"{demo_server}/account/password").text()
    assert (tokens in account) == (role in ("local", "central", "admin")), role

    page.locator(panel).locator(link).first.click()
    expect(page.locator(task).first).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/$"))
