"""Security headers on every route, for every role, and the cookie flags.

Every rule of ``app.url_map`` is requested with real parameters from the demo city: GET where
the route has it, and a POST without a CSRF token where it takes POST (refused, so nothing
changes, but the refusal must carry the headers as well)."""

from __future__ import annotations

import pytest
from werkzeug.http import parse_dict_header

from tests.demo_site import PASSWORD, ROLE_USERS, ROLES, sign_in
from tests.html_forms import csrf_token
from tests.sitemap import UrlFiller, routes

#: Referrer-Policy values that never send a path to another site
SAFE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin"}


def parse_csp(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response) -> list[str]:
    """What is missing or weak in one response's security headers."""
    problems = []
    csp = parse_csp(response.headers.get("Content-Security-Policy", ""))
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        scripts = csp.get("script-src", csp.get("default-src"))
        if scripts is None:
            problems.append("CSP sets neither script-src nor default-src")
        elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts):
            problems.append(f"CSP script-src is permissive: {' '.join(scripts)}")
        if "frame-ancestors" not in csp:
            problems.append("CSP without frame-ancestors")
        if csp.get("object-src") != ["'none'"]:
            problems.append("CSP without object-src 'none'")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if response.headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    return problems


@pytest.mark.parametrize("role", (None, *ROLES), ids=lambda r: r or "anonymous")
def test_security_headers_on_every_route(site, role):
    client = sign_in(site.test_client(), site, role)
    filler = UrlFiller(site, role)
    failures, statuses = [], []
    for route in routes(site):
        url = filler.url(route)
        for method in sorted(route.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            statuses.append(response.status_code)
            problems = header_problems(response)
            if response.status_code >= 500:
                problems.append("server error")
            if problems:
                failures.append(f"{method} {url} ({route.endpoint}) "
                                f"{response.status_code}: {'; '.join(problems)}")
    assert not failures, "\n".join(failures)
    # the walk reached real pages, not only refusals
    assert statuses.count(200) >= 10, statuses


def test_csp_allows_no_inline_script_or_style(site):
    """The policy itself, stated once: only this site's own files run or style the page."""
    csp = parse_csp(site.test_client().get("/").headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]


def _cookie(response, name: str) -> dict[str, str | None]:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            attributes = parse_dict_header(header.replace(";", ","))
            return {k.strip().lower(): v for k, v in attributes.items()}
    raise AssertionError(f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}")


def test_session_cookie_is_http_only_and_same_site(site):
    client = site.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert token, "the login form has no CSRF token"
    response = client.post(
        "/login", data={"csrf_token": token, "username": ROLE_USERS["central"],
                        "password": PASSWORD},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookie = _cookie(response, site.config["SESSION_COOKIE_NAME"])
    assert "httponly" in cookie
    assert (cookie.get("samesite") or "").lower() in {"lax", "strict"}
    assert cookie.get("path") == "/"


def test_language_cookie_is_same_site(site):
    response = site.test_client().get("/language/en?next=/")
    cookie = _cookie(response, "lang")
    assert (cookie.get("samesite") or "").lower() in {"lax", "strict"}
    assert "httponly" in cookie
