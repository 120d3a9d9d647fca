"""Every GET route with hostile query strings (the names its own filter forms use, plus the
usual ones), and URLs carrying bytes that are not UTF-8: never a server error, and markup
never comes back unescaped."""

from __future__ import annotations

import pytest
from hypothesis import given

from tests.demo_site import sign_in
from tests.fuzz.strategies import query_params
from tests.fuzz.test_forms import FUZZ, assert_safe
from tests.sitemap import UrlFiller, collection_routes

GET_ROUTES = [r for r in collection_routes() if "GET" in r.methods and r.endpoint != "static"]
#: percent-encoded byte sequences that are not UTF-8 (lone continuation, overlong, surrogate)
BAD_BYTES = ("%ff%fe", "%c0%af", "%ed%a0%80", "%80", "%e2%82")


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.endpoint)
def test_get_route_survives_hostile_query(route, fuzz_site, form_index, error_log):
    app = fuzz_site
    url = UrlFiller(app, route.role).url(route)
    names = list(form_index.fields(route.endpoint, method="get"))
    client = app.test_client()

    @FUZZ
    @given(params=query_params(names))
    def run(params):
        sign_in(client, app, route.role)
        error_log.records.clear()
        response = client.get(url, query_string=params, follow_redirects=True)
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
