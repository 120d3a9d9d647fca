"""The central steering group's analyst: the city-wide overview split by staff role for the
baseline wave, its table downloaded as CSV, the cafés' ideas page, and a personal API token
made in the browser that opens the JSON API until it is revoked. (The local group's
drill-down, unit exports and print report are in test_steering.py.)"""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from survey.demo import autumn_wave_name
from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, screenshot, sign_in

pytestmark = needs_chromium


def test_central_analyst_overview_export_and_api_token(demo_server, page_factory):
    page = page_factory(**LAPTOP)
    sign_in(page, demo_server, "central")
    page.locator(".main-nav a[href='/results/']").click()
    rows = page.locator("#overview-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10, "central staff see every district"

    page.select_option("#f-wave", label=autumn_wave_name(2017))
    page.select_option("#f-by", "role")
    page.locator("form.filter-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"by=role"))
    expect(page.locator("#f-wave option:checked")).to_have_text(autumn_wave_name(2017))
    screenshot(page, "steering-overview-by-role")
    shown = page.locator("#overview-table tbody tr").count()
    with page.expect_download() as download:
        page.locator(".export-links a", has_text="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        table = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    assert len(table[0]) > 3, "columns split as Excel with Swedish settings splits them"
    assert len(table) == shown + 1, "the CSV has the rows of the table shown, plus a header"

    page.locator("a[href='/results/cafes']").click()
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "steering-cafes")

    page.goto(f"{demo_server}/account/api-tokens/")
    page.fill("#label", "Kvartalsrapport")
    page.locator("main form button[type=submit]").first.click()
    token = page.locator("#new-token").inner_text().strip()
    assert len(token) >= 32
    api = page.context.request
    answer = api.get(f"{demo_server}/api/v1/waves",
                     headers={"Authorization": f"Bearer {token}"})
    assert answer.status == 200 and len(answer.json()["waves"]) >= 3, answer.text()[:300]
    assert api.get(f"{demo_server}/api/v1/waves").status == 401  # the session is not enough

    page.locator("main table form button[type=submit]").first.click()
    assert api.get(f"{demo_server}/api/v1/waves",
                   headers={"Authorization": f"Bearer {token}"}).status == 401
