"""The input policy, swept instead of sampled: every field of every form, every JSON
endpoint, every query string and every text part of a URL gets NUL, escape, DEL, a C1
control, CRLF and a tab at once. Nothing answers 5xx (on SQLite and on PostgreSQL, which
refuses NUL in text), addresses with control characters get 400, and afterwards no text in
the database holds a character the policy refuses: each was refused or taken out. Numbers
beyond a database integer and texts longer than any column go everywhere too."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import String, Text, select

from core.db import Base, get_session
from core.inputs import refused_characters
from tests.demo_site import sign_in
from tests.fuzz.test_forms import NEEDS_DRAFT, _spare_user_id, _start_draft, assert_safe
from tests.fuzz.test_queries import GET_ROUTES
from tests.sitemap import UrlFiller, collection_routes

#: every kind of character the policy refuses or accepts only in multi-line text
PAYLOAD = "Rad\x00 ett\x1b\x7f\x85 slut\r\nrad två\tmed tab\ufffe"
#: fields that hold no text of their own (their value is chosen from what the page offers)
NOT_TEXT = {"select", "radio", "checkbox", "submit", "button", "image", "reset", "file"}
POST_ROUTES = [r for r in collection_routes() if "POST" in r.methods]


def _text_fields(fields) -> list[str]:
    return [n for n, f in fields.items() if f.kind not in NOT_TEXT and n != "csrf_token"]


def _own_values(fields) -> dict[str, str]:
    from tests.fuzz.strategies import own_value

    return {n: own_value(f) for n, f in fields.items() if n != "csrf_token"}


def stored_control_characters(app) -> list[str]:
    """Every stored text that holds a character refused even in multi-line text."""
    found = []
    with app.app_context():
        db = get_session()
        for table in Base.metadata.sorted_tables:
            for column in table.c:
                if not isinstance(column.type, String | Text):
                    continue
                for value in db.scalars(select(column).where(column.isnot(None))):
                    if isinstance(value, str) and refused_characters(value, multiline=True):
                        found.append(f"{table.name}.{column.name}: {value!r:.120}")
    return found


@pytest.mark.parametrize("payload", [PAYLOAD, "99999999999999999999", "Å" * 5000],
                         ids=["control-characters", "huge-number", "long-text"])
def test_every_form_field_refuses_or_strips_control_characters(fuzz_site, form_index,
                                                                error_log, payload):
    """Each field in turn (the others as the page fills them): no 5xx, and nothing stored
    with a refused character; a number beyond any database integer, or a text longer than
    any column, is no 5xx either."""
    app = fuzz_site
    spare = _spare_user_id(app)
    failures, sent = [], 0
    for route in POST_ROUTES:
        if route.is_api or "/api/" in route.rule:
            continue
        fields = form_index.fields(route.endpoint)
        url = UrlFiller(app, route.role, user_id=spare).url(route)
        for name in _text_fields(fields):
            client = sign_in(app.test_client(), app, route.role)
            if route.endpoint in NEEDS_DRAFT:
                _start_draft(client, app, url)
            body = {**_own_values(fields), name: payload}
            error_log.records.clear()
            response = client.post(url, data=body, follow_redirects=True)
            sent += 1
            try:
                assert_safe(response, body, error_log, f"POST {url} ({route.endpoint}) {name}")
            except AssertionError as failure:
                failures.append(str(failure))
    assert sent > 100, "the forms of the demo city were not found"
    assert not failures, "\n\n".join(failures)
    assert not stored_control_characters(app)


def test_json_endpoints_refuse_or_strip_control_characters(fuzz_site, error_log):
    """Every JSON endpoint with every string a control-character payload, and the café
    note (the one JSON body that stores text) valid but for its text."""
    from cafe.models import CLOSED, OBSERVATION, Cafe, CafeTable, Round

    app = fuzz_site
    failures, notes = [], 0
    with app.app_context():  # a table of a café whose notes may still be written
        db = get_session()
        table_id, round_id = db.execute(
            select(CafeTable.id, Round.id).join(Cafe, Cafe.id == CafeTable.cafe_id)
            .join(Round, Round.cafe_id == Cafe.id).where(Cafe.status != CLOSED)
            .order_by(CafeTable.id, Round.id).limit(1)).one()
    for route in POST_ROUTES:
        if not (route.is_api or "/api/" in route.rule):
            continue
        filler = UrlFiller(app, route.role, table_id=table_id)
        url = filler.url(route)
        client = sign_in(app.test_client(), app, "moderator")
        bodies = [{key: PAYLOAD for key in ("uuid", "kind", "text", "title", "name", "code")},
                  [PAYLOAD], PAYLOAD, {"text": "\ud800 lone surrogate"}]
        if "table_id" in route.arguments:
            # a note that is valid but for its text is refused with the reason (the tablet
            # keeps it and shows why); the same note with clean text is stored
            for text in (PAYLOAD, "\ud800 surrogate", "Mentorer behövs"):
                note = {"uuid": str(uuid.uuid4()), "round_id": round_id, "kind": OBSERVATION,
                        "text": text, "votes": 0}
                response = client.post(url, json=note)
                clean = text == "Mentorer behövs"
                notes += clean and response.status_code == 201
                if response.status_code != (201 if clean else 400):
                    failures.append(f"POST {url} {note!r}: {response.status_code}")
                elif not clean and not (response.get_json() or {}).get("error"):
                    failures.append(f"POST {url} {note!r}: 400 without a message")
        for body in bodies:
            error_log.records.clear()
            response = client.post(url, json=body)
            if response.status_code >= 500:
                failures.append(f"POST {url} {body!r}: {response.status_code}\n"
                                f"{error_log.text()}")
    assert not failures, "\n\n".join(failures)
    assert notes, "no note was stored: the valid bodies did not reach the text check"
    assert not stored_control_characters(app)


@pytest.mark.parametrize("text", ["%00", "%0D%0ASet-Cookie:%20x=1%1B%C2%85"])
def test_control_characters_in_an_address_get_400(fuzz_site, form_index, error_log, text):
    """In the path (every text part of every route) or the query string (every name the
    pages use): 400 with the reason, before any view reads it."""
    app = fuzz_site
    failures = []
    for route in GET_ROUTES:
        filler = UrlFiller(app, route.role)
        with app.app_context():
            values = filler.values(route)
        url = filler.url(route)
        names = {*form_index.fields(route.endpoint, method="get"), "next", "page", "q"}
        for query in form_index.queries.get(route.endpoint, []):
            names |= set(query)
        urls = [f"{url}?{name}={text}" for name in sorted(names)]
        urls += [url.replace(str(v), text, 1) for v in values.values() if isinstance(v, str)]
        client = sign_in(app.test_client(), app, route.role)
        for address in urls:
            error_log.records.clear()
            response = client.get(address)
            response.close()
            if response.status_code != 400:
                failures.append(f"GET {address}: {response.status_code}\n{error_log.text()}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("address", [
    "/language/en?next=/%0d%0aX:1", "/login?next=/%0d%0aX:1", "/login?next=%0d%0a",
])
def test_redirect_targets_with_line_breaks_get_400(fuzz_site, address):
    response = fuzz_site.test_client().get(address)
    assert response.status_code == 400
    assert "X:1" not in response.headers.get("Location", "")


def test_numbers_beyond_any_column_in_an_address_are_no_server_error(fuzz_site, form_index,
                                                                     error_log):
    """Every query name and every number in a path: a database integer cannot hold this."""
    app = fuzz_site
    number = "99999999999999999999"
    failures = []
    for route in GET_ROUTES:
        filler = UrlFiller(app, route.role)
        with app.app_context():
            values = filler.values(route)
        url = filler.url(route)
        names = {*form_index.fields(route.endpoint, method="get"), "page", "wave", "round",
                 "area", "district", "cafe"}
        for query in form_index.queries.get(route.endpoint, []):
            names |= set(query)
        urls = [f"{url}?{name}={number}" for name in sorted(names)]
        urls += [url.replace(f"/{v}", f"/{number}", 1)
                 for v in values.values() if isinstance(v, int)]
        client = sign_in(app.test_client(), app, route.role)
        for address in urls:
            error_log.records.clear()
            response = client.get(address)
            response.close()  # a streamed export ends its request context
            if response.status_code >= 500:
                failures.append(f"GET {address}: {response.status_code}\n{error_log.text()}")
    assert not failures, "\n".join(failures)
