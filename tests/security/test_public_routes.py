"""Only the routes listed here answer without a login.

The list is explicit on purpose: a new public route fails this test until it is added
here, so making something public is always a conscious decision. (Which signed-in role may
use which route is the access matrix's business, in tests/test_access_matrix.py.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.demo_site import app_for, demo_copy, session_workdir
from tests.sitemap import UrlFiller, routes

PUBLIC_ENDPOINTS = {
    # the front door, language switch, sign-in and the health probe for the load balancer
    "home", "web.home", "web.healthz", "static", "i18n.switch_language", "auth.login",
    # respondents answer anonymously, without an account
    "survey.index", "survey.start", "survey.page", "survey.review", "survey.single",
    "survey.later", "survey.resume", "survey.thanks",
    # "you said, we did": the public feedback to employees
    "you_said.index", "you_said.district",
    # the café tablet's service worker script (a static file the browser must fetch itself)
    "cafe_tablet.service_worker",
}


@pytest.fixture(scope="module")
def open_site(tmp_path_factory) -> Iterator[Flask]:
    """CSRF off, so that an anonymous POST reaches the access check itself."""
    path = demo_copy(session_workdir(tmp_path_factory), "security-public-routes")
    app = app_for(path, WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["db_engine"].dispose()


def test_public_routes_are_exactly_the_listed_ones(open_site):
    public = {r.endpoint for r in routes(open_site) if r.is_public}
    assert public - PUBLIC_ENDPOINTS == set(), "new public routes: add them on purpose"
    assert PUBLIC_ENDPOINTS - public == set(), "listed as public but not public any more"


def test_no_other_route_answers_without_login(open_site):
    client = open_site.test_client()
    filler = UrlFiller(open_site)
    failures = []
    for route in routes(open_site):
        if route.is_public:
            continue
        url = filler.url(route)
        for method in sorted(route.methods):
            response = client.open(url, method=method)
            location = response.headers.get("Location", "")
            to_login = response.status_code in (302, 303) and location.startswith("/login")
            if not (to_login or response.status_code in (401, 403)):
                failures.append(f"{method} {url} ({route.endpoint}) answered "
                                f"{response.status_code} {location}")
    assert not failures, "\n".join(failures)


def test_public_routes_work_without_login(open_site):
    client = open_site.test_client()
    filler = UrlFiller(open_site)
    failures = []
    for route in routes(open_site):
        if route.is_public and "GET" in route.methods:
            response = client.get(filler.url(route))
            if response.status_code not in (200, 302, 303):
                failures.append(f"{route}: {response.status_code}")
    assert not failures, "\n".join(failures)
