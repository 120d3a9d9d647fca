"""Every main page, in Swedish and in English, has no WCAG 2.1 A or AA violation that axe-core
finds - including the survey pages in their error states. A full-page screenshot of each is
kept in test-artifacts/screenshots/."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.db import get_session
from tests.browser.axe import axe_missing, describe, preload, violations
from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, LOCALES, PHONE, TABLET, screenshot, sign_in
from tests.demo_site import CODES_WAVE, wave_id
from tests.sitemap import UrlFiller, routes

pytestmark = needs_chromium
LANGUAGES = ("sv", "en")
DEVICES = {"phone": PHONE, "tablet": TABLET, "laptop": LAPTOP}
#: a closed café with a published summary, ideas and notes (the demo's first)
HARVESTED_CAFE = 1


@dataclass(frozen=True)
class MainPage:
    name: str
    role: str | None  # None: not signed in
    endpoint: str = ""
    path: str = ""  # a fixed path instead of an endpoint
    params: dict[str, Any] = field(default_factory=dict)
    device: str = "laptop"
    status: int = 200


PAGES = [
    # public
    MainPage("home", None, "home", device="phone"),
    MainPage("login", None, "auth.login"),
    MainPage("survey-list", None, "survey.index", device="phone"),
    MainPage("survey-resume", None, "survey.resume", device="phone"),
    MainPage("you-said-we-did", None, "you_said.index", device="phone"),
    MainPage("you-said-we-did-farsta", None, "you_said.district", device="phone"),
    MainPage("not-found", None, path="/no-such-page", status=404),
    # signed in
    MainPage("home-steering-group", "local", "home"),
    MainPage("home-central", "central", "home"),
    MainPage("home-moderator", "moderator", "home"),
    MainPage("home-facilitator", "facilitator", "home", device="tablet"),
    MainPage("home-admin", "admin", "home"),
    MainPage("home-steering-group-phone", "local", "home", device="phone"),
    MainPage("results-overview-phone", "local", "steering.overview", device="phone"),
    MainPage("results-unit-phone", "local", "steering.unit", device="phone"),
    MainPage("survey-poster", "moderator", "survey_admin.poster"),
    MainPage("account", "central", "auth.change_password"),
    MainPage("ideas-inbox", "local", "cafe_ideas.inbox"),
    MainPage("idea", "local", "cafe_ideas.detail"),
    MainPage("cafes", "moderator", "cafes.index"),
    MainPage("cafe", "moderator", "cafes.detail", params={"cafe_id": HARVESTED_CAFE}),
    MainPage("cafe-new", "moderator", "cafes.create"),
    MainPage("cafe-summary", "moderator", "cafe_plenary.summary",
             params={"cafe_id": HARVESTED_CAFE}),
    MainPage("cafe-harvest", "moderator", "cafe_plenary.harvest_document",
             params={"cafe_id": HARVESTED_CAFE}),
    MainPage("cafe-figures", "central", "cafe_plenary.figures",
             params={"cafe_id": HARVESTED_CAFE}),
    MainPage("my-tables", "facilitator", "cafe_tablet.my_tables", device="tablet"),
    MainPage("tablet", "facilitator", "cafe_tablet.tablet", device="tablet"),
    MainPage("tablet-open-cafe", "facilitator", "cafe_tablet.tablet", device="tablet",
             params={"table_id": lambda app: own_table_in_open_cafe(app)}),
    MainPage("masked-words", "admin", "cafe_plenary.masked_words"),
    # steering results (the action-plan pages are checked in test_plan.py)
    MainPage("results-overview", "central", "steering.overview"),
    MainPage("results-overview-local", "local", "steering.overview"),
    MainPage("results-unit", "local", "steering.unit"),
    MainPage("results-unit-area", "local", path="/results/unit/farsta?area=ekonomiskt-bistand"),
    MainPage("results-cafes", "central", "steering.cafes"),
    MainPage("results-print-report", "local", "steering.print_report"),
    MainPage("api-tokens", "central", "api_tokens.index"),
    MainPage("survey-waves", "moderator", "survey_admin.waves"),
    MainPage("survey-wave", "moderator", "survey_admin.wave"),
    MainPage("survey-wave-new", "moderator", "survey_admin.new_wave"),
    MainPage("survey-headcounts", "moderator", "survey_admin.wave_headcounts"),
    MainPage("survey-wave-codes", "moderator", "survey_admin.wave",
             params={"wave_id": CODES_WAVE}),
    # the codes wave is open: its codes are no longer listed, the page says why
    MainPage("survey-codes", "moderator", "survey_admin.print_codes",
             params={"wave_id": CODES_WAVE}, status=409),
    MainPage("survey-instruments", "admin", "survey_editor.instruments"),
    MainPage("survey-instrument", "admin", "survey_editor.instrument"),
    MainPage("survey-question-edit", "admin", "survey_editor.edit_question"),
    MainPage("admin", "admin", "admin.index"),
    MainPage("admin-districts", "admin", "admin.org_list"),
    MainPage("admin-district-edit", "admin", "admin.org_edit"),
    MainPage("admin-org-import", "admin", "admin.org_import"),
    MainPage("admin-users", "admin", "admin.users.user_list"),
    MainPage("admin-user-new", "admin", "admin.users.user_new"),
]


@pytest.fixture(scope="module")
def open_page(demo_server, browser) -> Iterator[Callable[[str | None, str, str], Page]]:
    """``open_page(role, lang, device)``: one signed-in tab per combination, reused."""
    if axe_missing():
        pytest.fail(axe_missing())
    tabs: dict[tuple, Page] = {}
    contexts = []

    def get(role: str | None, lang: str, device: str) -> Page:
        key = (role, lang, device)
        if key not in tabs:
            context = browser.new_context(bypass_csp=True, locale=LOCALES[lang],
                                          **DEVICES[device])
            context.set_default_timeout(15_000)
            context.add_cookies([{"name": "lang", "value": lang, "url": demo_server}])
            preload(context)
            contexts.append(context)
            tab = context.new_page()
            if role:
                sign_in(tab, demo_server, role)
            tabs[key] = tab
        return tabs[key]

    yield get
    for context in contexts:
        context.close()


def own_table_in_open_cafe(app) -> int:
    """The facilitator's table at the demo's open café (where the note form is shown)."""
    from cafe.models import Cafe, CafeTable
    from core.auth.accounts import User
    from tests.demo_site import ROLE_USERS

    with app.app_context():
        db = get_session()
        user_id = db.scalar(select(User.id).where(User.username == ROLE_USERS["facilitator"]))
        return db.scalar(
            select(CafeTable.id).join(Cafe, Cafe.id == CafeTable.cafe_id)
            .where(Cafe.status == "open", CafeTable.facilitator_id == user_id))


def url_of(app, page: MainPage) -> str:
    if page.path:
        return page.path
    params = {k: v(app) if callable(v) else v for k, v in page.params.items()}
    if params.get("wave_id") == CODES_WAVE:
        params["wave_id"] = wave_id(app, CODES_WAVE)
    route = next((r for r in routes(app) if r.endpoint == page.endpoint), None)
    assert route is not None, f"no route {page.endpoint}: update PAGES"
    return UrlFiller(app, page.role, **params).url(route)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("main_page", PAGES, ids=lambda p: p.name)
def test_main_page_meets_wcag_21_aa(main_page, lang, open_page, demo_server):
    url = url_of(demo_server.app, main_page)
    tab = open_page(main_page.role, lang, main_page.device)
    response = tab.goto(demo_server + url)
    assert response is not None and response.status == main_page.status, url
    expect(tab.locator("html")).to_have_attribute("lang", lang)
    if lang == "sv" or main_page.device == "phone":  # the journeys show more in English
        screenshot(tab, f"{main_page.name}-{lang}")
    found = violations(tab)
    assert not found, describe(found, f"{url} ({lang}, {main_page.role or 'anonymous'})")


def _check(tab: Page, where: str, problems: list[str], shot: str | None = None) -> None:
    found = violations(tab)
    if found:
        problems.append(describe(found, where))
    if shot:
        screenshot(tab, shot)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_survey_pages_meet_wcag_21_aa_with_and_without_errors(lang, open_page, demo_server):
    """Start, every section, review, later, thank-you and "you have answered already",
    including the pages that show validation errors (error summary, invalid fields)."""
    wave = wave_id(demo_server.app)
    tab = open_page(None, lang, "phone")
    problems: list[str] = []
    tab.goto(f"{demo_server}/survey/{wave}/")
    _check(tab, "survey start", problems)
    tab.locator("form.survey-form button[type=submit]").click()
    expect(tab.locator(".error-summary")).to_be_visible()
    _check(tab, "survey start with errors", problems, f"survey-start-errors-{lang}")
    tab.select_option("#district", "farsta")
    tab.select_option("#service_area", "barn-och-unga")
    tab.select_option("#staff_role", "socialsekreterare")
    tab.locator("form.survey-form button[type=submit]").click()

    tab.locator("button[name=action][value=next]").click()
    expect(tab.locator(".error-summary")).to_be_visible()
    _check(tab, "survey section 1 with errors", problems, f"survey-section-errors-{lang}")
    number = 1
    while "/review" not in tab.url:
        _check(tab, f"survey section {number}", problems)
        for question in tab.locator("fieldset.question").all():
            question.locator("input[type=radio]").last.check()
        for box in tab.locator("input.number-input").all():
            box.fill("31")
        before = tab.url
        tab.locator("button[name=action][value=next]").click()
        tab.wait_for_url(lambda u, before=before: u != before)
        number += 1
    _check(tab, "survey review", problems)
    tab.goto(f"{demo_server}/survey/{wave}/later")
    _check(tab, "survey continue later", problems)
    tab.goto(f"{demo_server}/survey/{wave}/review")
    tab.locator("main form").last.locator("button[type=submit]").click()
    expect(tab).to_have_url(f"{demo_server}/survey/{wave}/thanks")
    _check(tab, "survey thank-you", problems)
    tab.goto(f"{demo_server}/survey/{wave}/")
    expect(tab.locator("form[action$='/another'] button")).to_be_visible()
    _check(tab, "survey answered already", problems, f"survey-answered-{lang}")
    assert not problems, "\n\n".join(problems)


def test_the_checker_itself_reports_violations(browser):
    """Zero violations above means something only if axe really runs: a page with known
    faults must fail."""
    if axe_missing():
        pytest.fail(axe_missing())
    context = browser.new_context(bypass_csp=True)
    tab = context.new_page()
    tab.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    found = {v["id"] for v in violations(tab)}
    context.close()
    assert {"image-alt", "label", "html-has-lang", "document-title"} <= found
