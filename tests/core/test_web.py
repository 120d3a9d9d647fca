"""Security headers, oversize bodies and the health check."""

from __future__ import annotations

import pytest


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/no/such/page",
                                  "/static/css/app.css", "/language/en"])
def test_security_headers(client, path):
    response = client.get(path)
    csp = csp_directives(response.headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "'unsafe-inline'" not in csp.get("style-src", csp["default-src"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_signed_in_pages_are_not_cached(login, client):
    login("admin")
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


def test_oversize_body_gets_413_with_the_friendly_page(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data={"username": "x", "password": "y" * (limit + 1)})
    assert response.status_code == 413
    assert "För mycket data" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"username": "x", "password": "y" * (limit + 1)})
    assert response.status_code == 413 and "Too much data" in response.get_data(as_text=True)


def test_wrong_method_is_405_with_the_friendly_page(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "Metoden är inte tillåten" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
