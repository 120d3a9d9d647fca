"""Only the routes listed here answer without a login.

The list is explicit on purpose: a new public route fails this test until it is added
here, so making something public is always a conscious decision. That every other route
turns an anonymous visitor to the login page, and which role may use which route, is the
access matrix's business (tests/test_access_matrix.py). The JSON API is public to the URL
map only: every data route demands a personal token, checked here."""

from __future__ import annotations

import pytest

from tests.demo_site import sign_in
from tests.sitemap import UrlFiller, collection_routes

PUBLIC_ENDPOINTS = {
    # the front door, language switch, sign-in and the health probe for the load balancer
    "home", "web.home", "web.healthz", "static", "i18n.switch_language", "auth.login",
    # respondents answer anonymously, without an account
    "survey.index", "survey.start", "survey.page", "survey.review", "survey.single",
    "survey.later", "survey.resume", "survey.thanks", "survey.another",
    # "you said, we did": the public feedback to employees
    "you_said.index", "you_said.district",
    # the café tablet's service worker script (a static file the browser must fetch itself)
    "cafe_sync.service_worker",
    # the API description
    "api.openapi",
}
#: declared public because a script has no session: each demands a personal API token
TOKEN_ENDPOINTS = {
    "api.waves", "api.units", "api.questions", "api.overview", "api.results", "api.ideas",
    "api.imported_waves_list", "api.imported_results",
}


def test_public_routes_are_exactly_the_listed_ones():
    public = {r.endpoint for r in collection_routes() if r.is_public}
    listed = PUBLIC_ENDPOINTS | TOKEN_ENDPOINTS
    assert public - listed == set(), "new public routes: add them on purpose"
    assert listed - public == set(), "listed as public but not public any more"


@pytest.mark.parametrize("role", (None, "central"), ids=("anonymous", "session-of-central"))
def test_token_routes_answer_401_without_a_valid_token(site, role):
    """Neither no token, nor a made-up one, nor a signed-in browser session opens the API."""
    client = sign_in(site.test_client(), site, role)
    filler = UrlFiller(site, "central")
    failures = []
    for route in collection_routes():
        if route.endpoint not in TOKEN_ENDPOINTS:
            continue
        url = filler.url(route)
        for headers in ({}, {"Authorization": "Bearer made-up-token"},
                        {"Authorization": "Basic YWRtaW46YWRtaW4="}):
            response = client.get(url, headers=headers)
            if response.status_code != 401:
                failures.append(f"{url} {headers}: {response.status_code}")
    assert not failures, "\n".join(failures)
