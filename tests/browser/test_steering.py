"""Browser journey of a local steering group member over the demo city: sign in, open the
results overview, drill into a unit, download its tables as CSV and XLSX, open the print
report; another district's unit page answers 403."""

from __future__ import annotations

import csv
import io
import re

from babel.numbers import parse_decimal
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import needs_chromium
from tests.browser.journey import LAPTOP, screenshot, sign_in

pytestmark = needs_chromium


def test_local_steering_group_journey(demo_server, page_factory):
    page = page_factory(**LAPTOP)
    sign_in(page, demo_server, "local")
    page.locator(".main-nav a[href='/results/']").click()
    expect(page).to_have_url(re.compile(r"/results/$"))
    heatmap = page.locator("svg.heatmap")
    expect(heatmap).to_be_visible()
    expect(page.locator("#overview-table tbody tr")).to_have_count(1)  # Farsta only
    screenshot(page, "steering-overview")

    page.locator(".unit-links a", has_text="Farsta").click()
    expect(page).to_have_url(re.compile(r"/results/unit/farsta"))
    expect(page.locator("#question-table")).to_be_visible()
    expect(page.locator("svg.trend-wide")).to_be_visible()  # a laptop: the wide drawing
    page.locator(".unit-parts a").first.click()  # drill into a service area
    expect(page).to_have_url(re.compile(r"area="))
    expect(page.locator("h1")).to_contain_text("Farsta –")
    screenshot(page, "steering-unit-area")

    with page.expect_download() as csv_download:
        page.locator("a[href*='table=questions'][href*='format=csv']").click()
    text = open(csv_download.value.path(), encoding="utf-8-sig").read()
    # as Excel with Swedish settings opens it: columns on semicolons, decimal commas
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) > 10 and len(rows[0]) == len(rows[1]) > 5
    with page.expect_download() as xlsx_download:
        page.locator("a[href*='table=questions'][href*='format=xlsx']").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    with open(xlsx_download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet.max_row == len(rows) and sheet.max_column == len(rows[0])
    numbers = [(text, value) for row, values in zip(rows, sheet.iter_rows(values_only=True),
                                                    strict=True)
               for text, value in zip(row, values, strict=True)
               if isinstance(value, float) and value % 1]
    assert numbers, "the questions table has figures with decimals"
    for text, value in numbers:
        assert "," in text and float(parse_decimal(text, locale="sv")) == value

    page.locator("a[href*='/results/report/farsta']").click()
    expect(page.locator("body.print-report")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Farsta")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "steering-print-report")

    response = page.goto(f"{demo_server}/results/unit/rinkeby-kista")
    assert response is not None and response.status == 403
