"""Only the routes listed here answer without a login.

The list is explicit on purpose: a new public route fails this test until it is added
here, so making something public is always a conscious decision. That every other route
turns an anonymous visitor to the login page, and which role may use which route, is the
access matrix's business (tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.sitemap import collection_routes

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


def test_public_routes_are_exactly_the_listed_ones():
    public = {r.endpoint for r in collection_routes() if r.is_public}
    assert public - PUBLIC_ENDPOINTS == set(), "new public routes: add them on purpose"
    assert PUBLIC_ENDPOINTS - public == set(), "listed as public but not public any more"
