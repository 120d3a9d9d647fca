"""The JSON API: bearer tokens, the token page, and every response validated against the
OpenAPI description served at /api/v1/openapi.yaml."""

from __future__ import annotations

import pytest
import yaml
from jsonschema import Draft202012Validator

from core import auth
from core.db import get_session


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.yaml")
    assert response.status_code == 200
    document = yaml.safe_load(response.get_data(as_text=True))
    assert document["openapi"].startswith("3.1")
    return document


def validate(document: dict, path: str, status: int, body) -> None:
    """Validate ``body`` against the schema of ``path``'s GET response ``status``."""
    operation = document["paths"][path]["get"]
    response = operation["responses"][str(status)]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": document["components"]})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def token_for(app, user_id: int) -> dict[str, str]:
    with app.app_context():
        db = get_session()
        raw = auth.issue_token(db, db.get(auth.User, user_id), "test")
        db.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_every_endpoint_matches_the_description(app, city, users, openapi):
    client = app.test_client()
    client.set_cookie("lang", "en")
    for role in ("central", "local"):
        headers = token_for(app, users[role])
        wave = city.follow_up_id
        calls = [
            ("/waves", "/api/v1/waves"),
            ("/units", "/api/v1/units"),
            ("/waves/{wave_id}/questions", f"/api/v1/waves/{wave}/questions"),
            ("/waves/{wave_id}/overview", f"/api/v1/waves/{wave}/overview"),
            ("/waves/{wave_id}/overview", f"/api/v1/waves/{wave}/overview?by=role"),
            ("/waves/{wave_id}/results/{district_code}", f"/api/v1/waves/{wave}/results/farsta"),
            ("/waves/{wave_id}/results/{district_code}",
             f"/api/v1/waves/{wave}/results/farsta?area=socialpsykiatri"),
            ("/waves/{wave_id}/results/{district_code}",
             f"/api/v1/waves/{wave}/results/farsta?role=chef"),
            ("/ideas", "/api/v1/ideas"),
        ]
        for path, url in calls:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.data[:300])
            validate(openapi, path, 200, response.get_json())
    central = token_for(app, users["central"])
    small = client.get(f"/api/v1/waves/{city.follow_up_id}/results/bromma", headers=central)
    validate(openapi, "/waves/{wave_id}/results/{district_code}", 200, small.get_json())
    changed = client.get(f"/api/v1/waves/{city.follow_up_id}/results/farsta"
                         "?area=ekonomiskt-bistand", headers=central).get_json()
    assert any(q["change"] and q["change"]["direction"] == "up" for q in changed["questions"])


def test_errors_match_the_description(app, city, users, openapi):
    client = app.test_client()
    local = token_for(app, users["local"])
    wave = city.follow_up_id
    path = "/waves/{wave_id}/results/{district_code}"
    cases = [
        ({}, f"/api/v1/waves/{wave}/results/farsta", 401),
        ({"Authorization": "Bearer wrong"}, f"/api/v1/waves/{wave}/results/farsta", 401),
        (local, f"/api/v1/waves/{wave}/results/rinkeby-kista", 403),
        (local, "/api/v1/waves/999999/results/farsta", 404),
        (local, f"/api/v1/waves/{wave}/results/nowhere", 404),
        (local, f"/api/v1/waves/{wave}/results/farsta?area=barn-och-unga&role=chef", 400),
    ]
    for headers, url, status in cases:
        response = client.get(url, headers=headers)
        assert response.status_code == status, url
        validate(openapi, path, status, response.get_json())
    assert "Bearer" in client.get("/api/v1/waves").headers["WWW-Authenticate"]
    facilitator = token_for(app, users["facilitator"])
    assert client.get("/api/v1/waves", headers=facilitator).status_code == 403


def test_token_page_creates_and_revokes(app, login, users):
    client = login("local")
    client.set_cookie("lang", "en")
    page = client.post("/account/api-tokens/", data={"label": "Power BI"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Power BI" in text
    assert "Authorization: Bearer &lt;token&gt;" in text  # the placeholder is shown, not parsed
    raw = text.split('id="new-token">', 1)[1].split("<", 1)[0]
    headers = {"Authorization": f"Bearer {raw}"}
    assert app.test_client().get("/api/v1/waves", headers=headers).status_code == 200
    with app.app_context():
        token_id = get_session().query(auth.ApiToken).filter_by(label="Power BI").one().id
    other = login("central")  # another user cannot revoke it
    assert other.post("/account/api-tokens/revoke", data={"token": token_id}).status_code == 404
    client = login("local")
    assert client.post("/account/api-tokens/revoke", data={"token": token_id}).status_code == 302
    assert app.test_client().get("/api/v1/waves", headers=headers).status_code == 401


def test_token_page_is_offered_only_to_roles_the_api_answers(app, login):
    for role in ("moderator", "facilitator"):
        client = login(role)
        assert client.get("/account/api-tokens/").status_code == 403
        assert "/account/api-tokens/" not in client.get("/").get_data(as_text=True)
    local = login("local")
    assert local.get("/account/api-tokens/").status_code == 200
    assert "/account/api-tokens/" in local.get("/account/password").get_data(as_text=True)


def test_api_is_exempt_from_csrf_and_read_only(app, city, users):
    exempt = app.extensions["csrf"]._exempt_blueprints  # names or blueprints, by version
    assert any(getattr(item, "name", item) == "api" for item in exempt)
    response = app.test_client().post("/api/v1/waves", headers=token_for(app, users["central"]))
    assert response.status_code == 405
