"""With CSRF protection on (as in production): a form posted without its token is refused
with the friendly page in the reader's language; with the token it goes through."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_login_without_token_is_400_in_swedish(client, users):
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Formuläret hade gått ut eller skickades inte från den här webbplatsen." in page
    assert '<html lang="sv">' in page


def test_login_without_token_is_400_in_english(client, users):
    client.set_cookie("lang", "en")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The form had expired or was not sent from this site." in page
    assert '<html lang="en">' in page


def test_login_with_a_wrong_token_is_400(client, users):
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400


def test_login_with_the_token_signs_in(client, users):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_logout_needs_the_token_too(client, users):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert client.post("/logout").status_code == 400
