"""The rule of the browser suite: a page that throws, logs an error to the console or gets a
5xx answer fails its test. Shown here by pages that do each, whose problems are then taken
back so that this test itself passes."""

from __future__ import annotations

from tests.browser.conftest import needs_chromium

pytestmark = needs_chromium


def test_page_errors_console_errors_and_5xx_are_caught(browser, page_problems):
    context = browser.new_context()  # also a context made without page_factory
    page = context.new_page()
    page.set_content("<p>x</p>")
    page.evaluate("() => { setTimeout(() => { null.textContent = 'x'; }, 0); }")
    page.evaluate("() => console.error('something broke')")
    page.route("**/broken", lambda route: route.fulfill(status=500, body="boom"))
    page.route("**/missing", lambda route: route.fulfill(status=404, body="gone"))
    page.goto("http://127.0.0.1:9/missing")  # a 404 the test expects is not a problem
    page.goto("http://127.0.0.1:9/broken")
    page.wait_for_timeout(200)
    context.close()
    found = list(page_problems)
    page_problems.clear()
    assert any("uncaught error" in p and "textContent" in p for p in found), found
    assert any("console error" in p and "something broke" in p for p in found), found
    assert any(p.startswith("500 for GET") for p in found), found
    assert not any("404" in p for p in found), found
