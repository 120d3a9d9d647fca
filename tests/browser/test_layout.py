"""The main pages at phone, tablet, laptop and desktop widths (390, 768, 1366 and 1920 px):
a full-page screenshot of each is written to test-artifacts/screenshots/, and none scrolls
sideways. The results pages are read at a meeting: their tables fit a 1920 px screen without
a scroll bar, the trend's wave names never overlap (six waves of long names, drawn by the
same code and styles as the unit page), and the heatmap becomes a list of figures at a
legible size on a phone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from steering import charts
from tests.browser.conftest import needs_chromium
from tests.browser.journey import ROOT, screenshot, sign_in
from tests.demo_site import CODES_WAVE, wave_id

pytestmark = needs_chromium

WIDTHS = (390, 768, 1366, 1920)


@dataclass(frozen=True)
class Shown:
    name: str
    role: str | None
    path: str  #: may name {wave}, {codes_wave}, {cafe}
    results: bool = False  #: a results page: its tables must fit 1920 px too


PAGES = [
    Shown("home", None, "/"),
    Shown("survey-start", None, "/survey/{wave}/"),
    Shown("home-local", "local", "/"),
    Shown("results-overview", "central", "/results/", results=True),
    Shown("results-overview-by-role", "central", "/results/?by=role", results=True),
    Shown("results-unit", "local", "/results/unit/farsta", results=True),
    Shown("results-unit-area", "local", "/results/unit/farsta?area=ekonomiskt-bistand",
          results=True),
    Shown("results-print-report", "local", "/results/report/farsta", results=True),
    Shown("results-cafes", "central", "/results/cafes", results=True),
    Shown("action-plan", "local", "/action-plan/district/farsta"),
    Shown("ideas", "local", "/ideas/"),
    Shown("home-moderator", "moderator", "/"),
    Shown("cafe-harvest", "moderator", "/cafes/{cafe}/harvest"),
    Shown("survey-poster", "moderator", "/survey/admin/waves/{wave}/poster"),
    Shown("survey-waves", "admin", "/survey/admin/waves"),
    Shown("home-facilitator", "facilitator", "/"),
]

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
#: tables in a box of their own that scrolls sideways (wider than the box)
SCROLLING_TABLES = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(w => w.offsetParent !== null && w.scrollWidth > w.clientWidth + 1)
  .map(w => (w.querySelector('table') || w).id || w.querySelector('caption')?.textContent)"""


@pytest.fixture(scope="module")
def tabs(demo_server, browser):
    """``tabs(role, width)``: one signed-in tab per role and width, reused."""
    opened: dict[tuple, Page] = {}
    contexts = []

    def get(role: str | None, width: int) -> Page:
        if (role, width) not in opened:
            phone = width < 500
            context = browser.new_context(viewport={"width": width, "height": 900},
                                          is_mobile=phone, has_touch=phone, locale="sv-SE")
            context.set_default_timeout(15_000)
            contexts.append(context)
            tab = context.new_page()
            if role:
                sign_in(tab, demo_server, role)
            opened[(role, width)] = tab
        return opened[(role, width)]

    yield get
    for context in contexts:
        context.close()


def _path(app, shown: Shown) -> str:
    from sqlalchemy import select

    from cafe.models import Cafe
    from core.db import get_session

    with app.app_context():
        cafe = get_session().scalar(select(Cafe.id).where(Cafe.status == "closed")
                                    .order_by(Cafe.id))
    return shown.path.format(wave=wave_id(app), codes_wave=wave_id(app, CODES_WAVE), cafe=cafe)


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_do_not_scroll_sideways(width, tabs, demo_server):
    problems = []
    for shown in PAGES:
        tab = tabs(shown.role, width)
        response = tab.goto(demo_server + _path(demo_server.app, shown))
        assert response is not None and response.status == 200, shown.path
        screenshot(tab, f"layout-{shown.name}-{width}")
        extra = tab.evaluate(OVERFLOW)
        if extra > 0:
            problems.append(f"{shown.name} at {width} px is {extra} px too wide")
        if shown.results and width >= 1920:
            scrolling = tab.evaluate(SCROLLING_TABLES)
            if scrolling:
                problems.append(f"{shown.name} at {width} px: tables scroll sideways: "
                                f"{scrolling}")
    assert not problems, "\n".join(problems)


def _chart_page(page: Page, markup: str) -> None:
    """The chart in a page with the application's own styles, as the results pages have."""
    css = "".join((ROOT / "static" / "css" / name).read_text(encoding="utf-8")
                  for name in ("app.css", "steering.css"))
    page.set_content(f"<!doctype html><html lang='sv'><head><meta name='viewport' "
                     f"content='width=device-width, initial-scale=1'><style>{css}</style>"
                     f"</head><body><main class='wrap'><figure class='chart-figure'>{markup}"
                     "</figure></main></body></html>")


BOXES = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.getBoundingClientRect().width > 0)
  .map(e => { const r = e.getBoundingClientRect();
              return [r.left, r.top, r.right, r.bottom, parseFloat(getComputedStyle(e).fontSize)
                      * (e.ownerSVGElement ? e.ownerSVGElement.getBoundingClientRect().width
                         / e.ownerSVGElement.viewBox.baseVal.width : 1)]; })"""


def _overlaps(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(boxes) for j, b in enumerate(boxes) if i < j
            and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


@pytest.mark.parametrize("width", WIDTHS)
def test_trend_labels_of_six_long_wave_names_never_overlap(width, page_factory):
    names = [f"Medarbetarenkät hösten {year} – uppföljning av handlingsplanen för "
             f"socialtjänsten i stadsdelsförvaltningarna" for year in range(2021, 2027)]
    points = [charts.TrendPoint(name, 55 + i, 50 + i, 60 + i, f"{55 + i}")
              for i, name in enumerate(names)]
    page = page_factory(viewport={"width": width, "height": 900})
    _chart_page(page, str(charts.trend(points, "Trend", "Index")))
    labels = page.evaluate(BOXES, "svg.trend .trend-label")
    assert len(labels) == 6, "one label per wave, in the drawing the width shows"
    assert not _overlaps(labels), labels
    assert min(size for *_box, size in labels) >= 11, "legible: at least 11 px"
    box = page.locator("svg.trend:visible").bounding_box()
    assert all(box["x"] - 1 <= left and right <= box["x"] + box["width"] + 1
               for left, _top, right, *_rest in labels), "no label is cut off at an edge"
    assert page.evaluate(OVERFLOW) <= 0
    screenshot(page, f"layout-trend-six-waves-{width}")


def test_heatmap_is_a_readable_list_on_a_phone(page_factory):
    columns = ["Ekonomiskt bistånd", "Barn och unga", "Vuxna/missbruk", "Socialpsykiatri",
               "Funktionsnedsättning", "Äldreomsorg", "Alla"]
    rows = ["Hägersten-Liljeholmen", "Enskede-Årsta-Vantör", "Farsta"]
    cells = [[charts.HeatCell(None if (i + j) % 5 == 0 else 40.0 + 7 * j, "×" if (i + j) % 5
                              == 0 else f"{40 + 7 * j}", "") for j in range(len(columns))]
             for i in range(len(rows))]
    page = page_factory(viewport={"width": 390, "height": 844}, is_mobile=True)
    _chart_page(page, str(charts.heatmap(rows, columns, cells, "Index")))
    assert not page.locator("svg.heatmap").is_visible()
    chips = page.locator(".heat-list li")
    assert chips.count() == len(rows) * len(columns) and chips.first.is_visible()
    sizes = chips.evaluate_all("cs => cs.map(c => parseFloat(getComputedStyle(c).fontSize))")
    assert min(sizes) >= 14
    assert page.evaluate(OVERFLOW) <= 0
    screenshot(page, "layout-heatmap-list-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("svg.heatmap").is_visible() and not chips.first.is_visible()
