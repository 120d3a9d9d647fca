"""Every POST route, as a role that may use it, with hostile and random form or JSON bodies:
never a server error, and markup never comes back unescaped - in the answer, on the pages
it redirects to, or (last test) on any page of the site afterwards."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.auth.accounts import User
from core.db import get_session
from tests.demo_site import sign_in
from tests.fuzz.strategies import JSON_BODIES, MARKUP, form_body, markup_sent
from tests.html_forms import parse_forms
from tests.sitemap import UrlFiller, collection_routes

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
POST_ROUTES = [r for r in collection_routes() if "POST" in r.methods]
#: routes that need a survey draft in the session to get past their first check
NEEDS_DRAFT = {"survey.page", "survey.review"}
#: a user the fuzzer may deactivate or re-password without locking itself out
SPARE_USER = "samtalsledare2"

FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, print_blob=True,
    suppress_health_check=list(HealthCheck),
)


def assert_safe(response, sent, error_log, what: str) -> None:
    """No 5xx anywhere in the redirect chain, and no raw markup in an HTML page."""
    for step in (*response.history, response):
        assert step.status_code < 500, (
            f"{what} answered {step.status_code} for {sent!r:.2000}\n{error_log.text()}"
        )
        if step.mimetype == "text/html":
            body = step.get_data(as_text=True)
            raw = [m for m in markup_sent(sent) if m in body]
            assert not raw, f"{what}: unescaped {raw} in {step.request.path}"


def _spare_user_id(app) -> int:
    with app.app_context():
        return get_session().scalar(select(User.id).where(User.username == SPARE_USER))


def _start_draft(client, app, url: str) -> None:
    """Answer a survey's start page with the first real choice of each list."""
    start = url.split("/page/")[0].split("/review")[0] + "/"
    for form in parse_forms(client.get(start).get_data(as_text=True)):
        if form.method == "post":
            data = {f.name: next((o for o in f.options if o), "")
                    for f in form.fields if f.kind == "select"}
            client.post(start, data=data)
            return


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r.endpoint)
def test_post_route_survives_hostile_input(route, fuzz_site, form_index, error_log):
    app = fuzz_site
    url = UrlFiller(app, route.role, user_id=_spare_user_id(app)).url(route)
    fields = form_index.fields(route.endpoint)
    client = app.test_client()
    bodies = st.one_of(
        form_body(fields).map(lambda d: ("form", d)),
        JSON_BODIES.map(lambda j: ("json", j)),
    ) if route.is_api or "/api/" in route.rule else form_body(fields).map(lambda d: ("form", d))

    @FUZZ
    @given(body=bodies)
    def run(body):
        kind, payload = body
        sign_in(client, app, route.role)
        if route.endpoint in NEEDS_DRAFT:
            _start_draft(client, app, url)
        error_log.records.clear()
        if kind == "json":
            response = client.post(url, json=payload, follow_redirects=True)
        else:
            response = client.post(url, data=payload, follow_redirects=True)
        event(f"status {response.status_code}")
        assert_safe(response, payload, error_log, f"POST {url} ({route.endpoint})")

    run()


def test_no_page_shows_stored_markup_unescaped(fuzz_site, form_index, error_log):
    """After the fuzzing above stored what it could, every page is read again."""
    app = fuzz_site
    failures = []
    for role, url in form_index.pages:
        client = sign_in(app.test_client(), app, role)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{url} as {role}: {response.status_code}\n{error_log.text()}")
        elif response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            raw = [m for m in MARKUP if m in body]
            if raw:
                failures.append(f"{url} as {role}: unescaped {raw}")
    assert not failures, "\n".join(failures)
