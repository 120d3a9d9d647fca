"""Every GET route with hostile query strings (the names its own filter forms use, plus the
usual ones), and URLs carrying bytes that are not UTF-8: never a server error, and markup
never comes back unescaped."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings

from tests.demo_site import sign_in
from tests.fuzz.strategies import query_params
from tests.fuzz.test_forms import FUZZ, assert_safe
from tests.sitemap import UrlFiller, collection_routes

#: fewer examples than for forms: query strings are read by fewer views, pages cost more
EXAMPLES = int(os.environ.get("FUZZ_GET_EXAMPLES", "10"))
GET_ROUTES = [r for r in collection_routes() if "GET" in r.methods and r.endpoint != "static"]
#: percent-encoded byte sequences that are not UTF-8 (lone continuation, overlong, surrogate)
BAD_BYTES = ("%ff%fe", "%c0%af", "%ed%a0%80", "%80", "%e2%82")


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.endpoint)
def test_get_route_survives_hostile_query(route, fuzz_site, form_index, error_log, api_headers):
    app = fuzz_site
    role, headers = route.role, {}
    if route.is_api:  # the JSON API: a central analyst's token instead of a session
        role, headers = None, api_headers
    url = UrlFiller(app, "central" if route.is_api else role).url(route)
    names = list(form_index.fields(route.endpoint, method="get"))
    client = app.test_client()

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(params=query_params(names, form_index.queries.get(route.endpoint, [])))
    def run(params):
        sign_in(client, app, role)
        error_log.records.clear()
        response = client.get(url, query_string=params, headers=headers,
                              follow_redirects=True)
        assert_safe(response, params, error_log, f"GET {url} ({route.endpoint})")

    run()


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.endpoint)
def test_invalid_utf8_in_url(route, fuzz_site, error_log):
    app = fuzz_site
    client = sign_in(app.test_client(), app, route.role)
    filler = UrlFiller(app, route.role)
    with app.app_context():
        values = filler.values(route)
    url = filler.url(route)
    names = ("page", "next", "q", "round", "district")
    urls = [url + "?" + "&".join(f"{n}={b}" for n, b in zip(names, BAD_BYTES, strict=True))]
    # a text path parameter gets the bad bytes itself
    for value in values.values():
        if isinstance(value, str):
            urls.append(url.replace(value, BAD_BYTES[0], 1))
    for url in urls:
        error_log.records.clear()
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}\n{error_log.text()}"
