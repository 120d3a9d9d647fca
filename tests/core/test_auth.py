"""Sign in, sign out, throttling, password change and cookie flags."""

from __future__ import annotations

from tests.conftest import PASSWORD, sign_in


def test_login_and_logout(client, users):
    response = sign_in(client, "central")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "central" in page
    response = client.post("/logout")
    assert response.status_code == 302
    assert "Logga in" in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, users):
    response = sign_in(client, "central", "wrong password")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord" in response.get_data(as_text=True)


def test_rate_limit_holds_even_with_the_right_password(client, users, app):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, "central", "nope").status_code == 401
    response = sign_in(client, "central", PASSWORD)
    assert response.status_code == 429
    # another user is not affected
    assert sign_in(client, "admin").status_code == 302


def test_session_cookie_flags(client, users):
    response = sign_in(client, "central")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_change_password(login, client):
    login("central")
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "a brand new secret", "repeat": "a brand new secret"},
    )
    assert response.status_code == 302
    client.post("/logout")
    assert sign_in(client, "central").status_code == 401
    assert sign_in(client, "central", "a brand new secret").status_code == 302


def test_change_password_too_short_is_shown_on_the_field(login, client):
    login("central")
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": "short", "repeat": "short"}
    )
    assert response.status_code == 200
    assert 'id="new-error"' in response.get_data(as_text=True)


def test_next_parameter_only_follows_local_paths(client, users):
    response = client.post(
        "/login?next=https://evil.example/", data={"username": "central", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
