"""The JSON API: bearer tokens, the token page, and every response validated against the
OpenAPI description served at /api/v1/openapi.yaml."""

from __future__ import annotations

import pytest
import yaml
from jsonschema import Draft202012Validator

from core.auth import accounts as auth
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


def test_reliability_where_enough_respondents_answered_every_item(app, city, users):
    """The city (69 respondents) gets Cronbach's alpha with its Feldt interval, equal to the
    figure computed here from the stored answers, for the central steering group only;
    Farsta, whose index is hidden to protect a small group, gets no alpha either;
    Rinkeby-Kista (22, under the minimum of 30) gets the reason instead."""
    import numpy as np
    from sqlalchemy import select

    from core.stats.reliability import cronbach_alpha, feldt_interval
    from survey.models import Answer, Question, Response

    client = app.test_client()
    client.set_cookie("lang", "en")
    central = token_for(app, users["central"])
    wave = city.follow_up_id
    farsta = client.get(f"/api/v1/waves/{wave}/results/farsta", headers=central).get_json()
    by_unit = {r["unit"]: r for r in farsta["reliability"]}
    assert by_unit["Farsta"]["hidden"] == farsta["indices"][0]["hidden"] == "complementary"
    assert by_unit["Farsta"]["alpha"] is None
    with app.app_context():
        answers: dict[str, dict[int, int]] = {}
        for response_id, question_id, value in get_session().execute(
                select(Answer.response_id, Answer.question_id, Answer.value)
                .join(Response, Response.id == Answer.response_id)
                .join(Question, Question.id == Answer.question_id)
                .where(Response.wave_id == wave, Question.index_code == "test-index")):
            answers.setdefault(response_id, {})[question_id] = value
    questions = sorted({q for given in answers.values() for q in given})
    matrix = np.array([[given[q] for q in questions] for given in answers.values()], float)
    expected = cronbach_alpha(matrix).raw_alpha
    low, high = feldt_interval(expected, len(matrix), len(questions))
    row = by_unit["The whole city"]
    assert row["hidden"] is None and row["respondents"] == 69
    assert (row["alpha"], row["low"], row["high"]) == pytest.approx((expected, low, high),
                                                                    abs=1e-4)
    rinkeby = client.get(f"/api/v1/waves/{wave}/results/rinkeby-kista",
                         headers=central).get_json()
    assert rinkeby["indices"][0]["hidden"] is None
    assert [(r["unit"], r["hidden"], r["alpha"]) for r in rinkeby["reliability"]][0] == (
        "Rinkeby-Kista", "too_few_for_alpha", None)
    local = client.get(f"/api/v1/waves/{wave}/results/farsta",
                       headers=token_for(app, users["local"])).get_json()["reliability"]
    assert [r["unit"] for r in local] == ["Farsta"]
    export = login_csv(app, users, wave)
    # a Swedish export: semicolons and a decimal comma
    assert "Cronbach" in export and f"{expected:.2f}".replace(".", ",") in export


def login_csv(app, users, wave: int) -> str:
    client = app.test_client()
    client.post("/login", data={"username": "central", "password": "correct horse battery"})
    response = client.get(f"/results/export?table=reliability&format=csv&wave={wave}"
                          "&district=farsta")
    assert response.status_code == 200
    return response.get_data(as_text=True)
