"""Sign in, sign out, password change, deactivation, cookie flags and contents, and API
tokens ending with the account's password or activity."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core.auth import accounts as auth
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a brand new secret"  # noqa: S105


def copy_of(client: FlaskClient, app) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return browser_with(app, cookie.value)


def browser_with(app, cookie: str) -> FlaskClient:
    browser = app.test_client()
    browser.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    return browser


def signed_in(client: FlaskClient) -> bool:
    """Whether a page for any signed-in user opens (instead of the sign-in page)."""
    response = client.get("/account/password")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def token_for(app, username: str) -> dict[str, str]:
    with app.app_context():
        db = auth.get_session()
        raw = auth.issue_token(db, auth.find_user(db, username), "Power BI")
        db.commit()
    return {"Authorization": f"Bearer {raw}"}


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


def test_a_cookie_copied_before_sign_out_gets_the_sign_in_page_after_it(client, users, app):
    sign_in(client, "central")
    stolen = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    thief = browser_with(app, stolen)
    assert thief.get("/results/").status_code == 200
    assert client.post("/logout").status_code == 302
    response = browser_with(app, stolen).get("/results/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not signed_in(browser_with(app, stolen)) and not signed_in(client)
    # signing in again works, and the old copy stays dead
    assert sign_in(client, "central").status_code == 302
    assert signed_in(client) and not signed_in(browser_with(app, stolen))


def test_signing_out_ends_the_sessions_on_other_devices_too(client, users, app):
    sign_in(client, "central")
    laptop = app.test_client()
    sign_in(laptop, "central")
    client.post("/logout")
    assert not signed_in(laptop)


def test_the_session_cookie_holds_no_part_of_the_password_hash(client, users, app, db):
    sign_in(client, "central")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    content = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert set(content) <= {"_user_id", "_fresh", "_flashes", "csrf_token", "_permanent"}
    assert "_id" not in content  # no digest of the address and browser either
    password_hash = db.scalar(select(auth.User.password_hash).where(
        auth.User.username == "central"))
    digest = password_hash.rsplit("$", 1)[-1]
    pieces = {digest[i:i + 6] for i in range(len(digest) - 5)}
    text = repr(content)
    assert not [piece for piece in pieces if piece in text]
    user_id = db.scalar(select(auth.User.id).where(auth.User.username == "central"))
    assert content["_user_id"] != str(user_id)


def test_a_password_change_ends_other_sessions_and_revokes_tokens(login, client, app):
    login("central")
    phone = app.test_client()
    sign_in(phone, "central")
    thief = copy_of(client, app)
    token = token_for(app, "central")
    assert client.get("/api/v1/waves", headers=token).status_code == 200
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Ditt lösenord är bytt" in page and "API-token har återkallats" in page
    assert signed_in(client)  # the browser that changed it stays signed in
    assert not signed_in(phone) and not signed_in(thief)
    assert client.get("/api/v1/waves", headers=token).status_code == 401
    client.post("/logout")
    assert sign_in(client, "central").status_code == 401
    assert sign_in(client, "central", NEW_PASSWORD).status_code == 302


def test_an_administrators_reset_ends_sessions_and_revokes_tokens(login, client, app, users):
    victim = app.test_client()
    sign_in(victim, "local")
    token = token_for(app, "local")
    login("admin")
    page = client.get(f"/admin/users/{users['local']}/password").get_data(as_text=True)
    assert "API-tokens återkallas" in page  # the confirmation says so
    client.post(f"/admin/users/{users['local']}/password")
    assert not signed_in(victim)
    assert victim.get("/api/v1/waves", headers=token).status_code == 401


def test_deactivation_ends_sessions_and_revokes_tokens_for_good(login, client, app, users):
    victim = app.test_client()
    sign_in(victim, "central")
    stolen = victim.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = token_for(app, "central")
    login("admin")
    client.post(f"/admin/users/{users['central']}/deactivate")
    assert not signed_in(victim) and not signed_in(browser_with(app, stolen))
    assert victim.get("/api/v1/waves", headers=token).status_code == 401
    client.post(f"/admin/users/{users['central']}/reactivate")
    # activating the account again brings back neither the old cookies nor the tokens
    assert not signed_in(browser_with(app, stolen))
    assert victim.get("/api/v1/waves", headers=token).status_code == 401
    assert sign_in(victim, "central").status_code == 302


@pytest.mark.parametrize("who", ["unknown", "wrong", "inactive"])
def test_every_refused_sign_in_checks_one_hash_of_the_configured_kind(
    who, client, users, app, db, monkeypatch
):
    """Equal time for every refusal: an unknown user name costs the same password check
    (same method and parameters) as a wrong password or an inactive account."""
    if who == "inactive":
        auth.deactivate(db, auth.find_user(db, "moderator"))
        db.commit()
    real_check = auth.check_password_hash
    checked: list[str] = []

    def counting_check(password_hash: str, password: str) -> bool:
        checked.append(password_hash.split("$", 1)[0])
        return real_check(password_hash, password)

    monkeypatch.setattr(auth, "check_password_hash", counting_check)
    name = {"unknown": "nobody-here", "wrong": "central", "inactive": "moderator"}[who]
    password = PASSWORD if who == "inactive" else "not the password"
    response = sign_in(client, name, password)
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord" in response.get_data(as_text=True)
    assert checked == [app.config["PASSWORD_HASH_METHOD"]]


def test_session_cookie_flags(client, users):
    response = sign_in(client, "central")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


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
