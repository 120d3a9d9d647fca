"""Limits with production settings (CSRF on): a body over MAX_CONTENT_LENGTH gets 413 on every
POST route, and a POST without its CSRF token is refused with 400, for a signed-in role that
may use the route - so the token, not the login, is what stops it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.demo_site import app_for, demo_database_url, discard, session_workdir, sign_in
from tests.sitemap import UrlFiller, collection_routes

POST_ROUTES = [r for r in collection_routes() if "POST" in r.methods]


@pytest.fixture(scope="module")
def guarded_site(tmp_path_factory) -> Iterator[Flask]:
    url = demo_database_url(session_workdir(tmp_path_factory), "fuzz-limits")
    app = app_for(url)
    assert app.config.get("WTF_CSRF_ENABLED", True)
    yield app
    app.extensions["db_engine"].dispose()
    discard(url)


def test_oversize_bodies_get_413_everywhere(guarded_site):
    app = guarded_site
    limit = app.config["MAX_CONTENT_LENGTH"]
    failures = []
    for route in POST_ROUTES:
        client = sign_in(app.test_client(), app, route.role)
        url = UrlFiller(app, route.role).url(route)
        # the multipart body is written out, with its length, as a browser sends it (the
        # test client would stream a file without Content-Length)
        multipart = (b'--B\r\nContent-Disposition: form-data; name="file"; filename="a.csv"'
                     b"\r\nContent-Type: text/csv\r\n\r\n" + b"x" * limit + b"\r\n--B--\r\n")
        bodies = {
            "form": {"data": {"text": "x" * (limit + 1)}},
            "multipart": {"data": multipart, "content_type": "multipart/form-data; boundary=B"},
        }
        for name, body in bodies.items():
            response = client.post(url, **body)
            if response.status_code != 413:
                failures.append(f"{route} ({name}): {response.status_code}")
    assert not failures, "\n".join(failures)


def test_oversize_json_gets_413(tmp_path_factory):
    """JSON endpoints read the body themselves: with CSRF passed (off here), still 413."""
    url = demo_database_url(session_workdir(tmp_path_factory), "fuzz-limits-json")
    app = app_for(url, WTF_CSRF_ENABLED=False)
    limit = app.config["MAX_CONTENT_LENGTH"]
    failures = []
    for route in POST_ROUTES:
        if "/api/" not in route.rule:
            continue
        client = sign_in(app.test_client(), app, route.role)
        url = UrlFiller(app, route.role).url(route)
        response = client.post(url, json={"text": "x" * (limit + 1)})
        if response.status_code != 413:
            failures.append(f"{route}: {response.status_code}")
    app.extensions["db_engine"].dispose()
    discard(url)
    assert not failures, "\n".join(failures)


def test_post_without_csrf_token_is_refused(guarded_site):
    app = guarded_site
    failures = []
    for route in POST_ROUTES:
        client = sign_in(app.test_client(), app, route.role)
        url = UrlFiller(app, route.role).url(route)
        for body in ({"data": {"name": "x"}}, {"json": {"text": "x"}}):
            response = client.post(url, **body)
            if response.status_code != 400:
                failures.append(f"{route} {list(body)[0]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_post_with_a_forged_csrf_token_is_refused(guarded_site):
    app = guarded_site
    client = sign_in(app.test_client(), app, "moderator")
    response = client.post("/cafes/new", data={"csrf_token": "forged", "title": "x"},
                           headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400
