"""Shared browser-test fixtures: the app served by a real HTTP server in a background
thread, Debian's Chromium driven by Playwright, and pages with a chosen viewport.

The server and the test share one file-based SQLite database (``database_url`` from
tests/conftest.py): an in-memory database would not be visible across threads. Seed data
through ``live_app`` (``with live_app.app_context(): ...; get_session().commit()``).

    def test_something(live_server, page_factory):
        page = page_factory(viewport={"width": 1024, "height": 768}, has_touch=True)
        page.goto(live_server + "/login")
        ...
        assert live_server.requests  # (method, path) of every request the server got

Journeys over the full demo city use ``demo_server`` instead (module-scoped, its own copy of
the demo database) and the helpers in tests/browser/journey.py.

Every page of every browser test is watched (``page_problems``, automatic): an uncaught
error in a page, a console error, or an answer of 500 or more fails the test, whether the
page came from ``page_factory`` or from ``browser.new_context()``. The browser's own lines
about a 4xx answer or a page that is offline on purpose are not errors of the page.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from core.db import get_session
from core.org.seed import seed_organisation
from tests.conftest import _empty_all_tables
from tests.demo_site import app_for, demo_copy, session_workdir

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: assertions wait as long as page actions (the context default below): a busy 2-core CI
#: machine renders slower than the 5 s Playwright assumes
EXPECT_TIMEOUT_MS = 15_000
#: put on a browser test module: ``pytestmark = needs_chromium``
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
)


class LiveServer(str):
    """The base URL (``http://127.0.0.1:<port>``), plus the app and a request log."""

    app: Flask
    requests: list[tuple[str, str]]


@pytest.fixture
def live_app(database_url: str) -> Iterator[Flask]:
    """The app as a browser meets it: CSRF on, the organisation seeded, tables emptied
    afterwards."""
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "browser-test-secret",
            "WTF_CSRF_ENABLED": True,
        }
    )
    with application.app_context():
        seed_organisation(get_session())
        get_session().commit()
    yield application
    _empty_all_tables(application)
    application.extensions["db_engine"].dispose()


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 at a free port from a background thread."""
    log: list[tuple[str, str]] = []
    inner = app.wsgi_app

    def logged(environ, start_response):
        log.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        return inner(environ, start_response)

    server = make_server("127.0.0.1", 0, logged, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    url = LiveServer(f"http://127.0.0.1:{server.server_port}")
    url.app = app
    url.requests = log
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    """Serve ``live_app`` on 127.0.0.1 at a free port from a background thread."""
    with serving(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, request) -> Iterator[LiveServer]:
    """The whole demo city (``flask demo load``, see tests/demo_site.py) served for one test
    module, on its own copy of the demo database, CSRF on."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    app = app_for(demo_copy(session_workdir(tmp_path_factory), f"browser-{name}"))
    with serving(app) as url:
        yield url
    app.extensions["db_engine"].dispose()


#: what the current test's pages did wrong (filled by the watchers below)
_PROBLEMS: list[str] = []
#: Chromium's own console lines for an answer the test expects (a 4xx page, a form with
#: errors) or for a request made while the test has the page offline: not page errors
_EXPECTED_NETWORK_LINE = re.compile(
    r"^Failed to load resource: (the server responded with a status of 4\d\d\b"
    r"|net::ERR_INTERNET_DISCONNECTED)"
)


def _watch(context) -> None:
    """Record uncaught page errors, console errors and 5xx answers of every page."""

    def on_console(message) -> None:
        if message.type == "error" and not _EXPECTED_NETWORK_LINE.match(message.text):
            _PROBLEMS.append(f"console error on {message.page.url if message.page else '?'}: "
                             f"{message.text}")

    def on_web_error(web_error) -> None:
        page = web_error.page
        _PROBLEMS.append(f"uncaught error on {page.url if page else '?'}: {web_error.error}")

    def on_response(response) -> None:
        if response.status >= 500:
            _PROBLEMS.append(f"{response.status} for {response.request.method} {response.url}")

    context.on("console", on_console)
    context.on("weberror", on_web_error)
    context.on("response", on_response)


class WatchedBrowser:
    """The Playwright browser, whose every new context is watched by ``_watch``."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, *args, **kwargs):
        context = self._browser.new_context(*args, **kwargs)
        _watch(context)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def page_problems() -> Iterator[list[str]]:
    """Fails the test when one of its pages had an uncaught error, a console error or a
    5xx answer (see ``_watch``): checked when the test body ends (``pytest_runtest_call``
    below) and again at teardown, for what happened while contexts were closed."""
    _PROBLEMS.clear()
    yield _PROBLEMS
    problems, _PROBLEMS[:] = list(_PROBLEMS), []
    if problems:
        pytest.fail(_report(problems), pytrace=False)


def _report(problems: list[str]) -> str:
    return "the browser reported problems:\n" + "\n".join(problems)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """A test whose pages had problems fails as the test itself, not only at teardown."""
    outcome = yield
    if _PROBLEMS and outcome.excinfo is None:
        problems, _PROBLEMS[:] = list(_PROBLEMS), []
        outcome.force_exception(pytest.fail.Exception(_report(problems), pytrace=False))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, started once per test session; every context made
    from it is watched for page errors."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield WatchedBrowser(instance)
        instance.close()


@pytest.fixture
def page_factory(browser) -> Iterator[Callable]:
    """``page_factory(viewport={...}, **context_options)`` opens a page in a fresh browser
    context (own cookies, storage and service workers); all are closed after the test."""
    contexts = []

    def make(viewport: dict | None = None, **options):
        options.setdefault("locale", "sv-SE")
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800},
                                      **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
