"""Helpers for the user journeys over the demo city: devices, signing in through the login
page, switching language with the header switch, and full-page screenshots kept as test
artefacts in test-artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.demo_site import PASSWORD, ROLE_USERS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1}
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 900}}
#: the browser's own language for each of the product's languages
LOCALES = {"sv": "sv-SE", "en": "en-GB"}


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of what the user sees now. It is an artefact, not a check: Chromium
    on a busy machine sometimes cannot capture, and then the test goes on with a warning."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    for attempt in (1, 2):
        try:
            page.screenshot(path=str(path), full_page=True)
            break
        except PlaywrightError as error:
            if attempt == 2:
                warnings.warn(f"no screenshot {name}: {error.message}", stacklevel=2)
    return path


def sign_in(page: Page, server: str, role: str) -> None:
    """Sign in through the login page as the demo user playing ``role``."""
    page.goto(f"{server}/login")
    page.fill("#username", ROLE_USERS[role])
    page.fill("#password", PASSWORD)
    page.locator("main form").get_by_role("button").first.click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def switch_language(page: Page, lang: str) -> None:
    """Use the language switch in the header, as a person would."""
    current = page.locator("html").get_attribute("lang")
    if current != lang:
        page.locator(f".lang-switch a[lang={lang}]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
