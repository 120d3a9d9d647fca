"""Authorisation matrix: EVERY registered route, as every role and anonymously, against the
audience the view declares (``core.access.audience_of``).

- public            → never 403 and never a redirect to the login page;
- login_required    → anonymous: 302 to /login; every role: allowed;
- requires(roles)   → anonymous: 302 to /login; other roles: 403; allowed roles: 2xx/3xx.
A local steering group member must also get 403 on another district's URL wherever a route
takes a district. The token-authenticated JSON API is checked with each role's own token
(see ``TOKEN_API_PREFIX``).

GET is used where a route has it, otherwise the route's POST (with an empty body: an allowed
user may then get a validation 4xx, but never 401/403/404/405 or a 5xx). Routes are visited
on the full demo data; URL parameters are filled by name from ``PARAMS`` below. A new
parameter name makes this test fail and say so: add one line to ``PARAMS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter, Rule

from app import create_app
from core.access import (
    ADMIN,
    AUTHENTICATED,
    CENTRAL,
    FACILITATOR,
    LOCAL,
    PUBLIC,
    ROLES,
    audience_of,
)
from core.auth.accounts import User, issue_token
from core.db import Base, get_session
from core.org.models import District
from demo import DEMO_PASSWORD
from tests.conftest import _empty_all_tables

#: the demo user who plays each role; the local one sees Farsta only
ROLE_LOGINS = {
    "admin": "admin",
    "central": "analytiker",
    "local": "styrgrupp.farsta",
    "moderator": "moderator",
    "facilitator": "samtalsledare1",
}
VISIBLE_DISTRICT, HIDDEN_DISTRICT = "farsta", "rinkeby-kista"
ANONYMOUS = "anonymous"
assert set(ROLE_LOGINS) == set(ROLES)


@dataclass
class Ctx:
    """What a parameter resolver may use: the database and who is asking."""

    db: Session
    role: str
    user_id: int | None
    district: District  # the district to put in URLs (visible to the local user)
    visible_ids: set[int] = field(default_factory=set)
    values: dict[str, Any] = field(default_factory=dict)  # parameters resolved so far


class Unresolved(LookupError):
    """A parameter value cannot be found; the message says what to change."""


def table(name: str) -> Table:
    if name not in Base.metadata.tables:
        raise Unresolved(f"PARAMS refers to table {name!r}, which no model defines: update "
                         "its resolver")
    return Base.metadata.tables[name]


def first(ctx: Ctx, table_name: str, column: str = "id", *, mine: Callable | None = None,
          district: str | None = None, parent: dict[str, str] | None = None,
          where: dict[str, Any] | None = None) -> Any:
    """The first row's ``column`` of ``table_name``. ``mine(t, ctx)`` narrows the rows for a
    facilitator to their own; ``district`` names a column that narrows them for a local
    steering group member to the districts they see; ``parent`` maps a column to a parameter
    resolved before (``{"cafe_id": "cafe_id"}``: a round of the café in the same URL);
    ``where`` requires column values (``{"mode": "codes"}``)."""
    t = table(table_name)
    stmt = select(t.c[column]).order_by(*t.primary_key.columns)
    for col, value in (where or {}).items():
        stmt = stmt.where(t.c[col] == value)
    for col, param in (parent or {}).items():
        if param in ctx.values:
            stmt = stmt.where(t.c[col] == ctx.values[param])
    if mine is not None and ctx.role == FACILITATOR:
        stmt = stmt.where(mine(t, ctx))
    if district is not None and ctx.role == LOCAL:
        stmt = stmt.where(t.c[district].in_(ctx.visible_ids))
    value = ctx.db.scalar(stmt.limit(1))
    if value is None:
        raise Unresolved(f"no row in {table_name} for a {ctx.role} user: the demo data (flask "
                         "demo load) should have one, or the resolver needs another filter")
    return value


def my_tables(ctx: Ctx):
    t = table("cafe_table")
    return select(t.c.id).where(t.c.facilitator_id == ctx.user_id)


def user_id_of(ctx: Ctx, username: str) -> int:
    return ctx.db.scalar(select(User.id).where(User.username == username))


#: URL parameter name → value for the current role. Adding a name is one line. Parameters
#: are resolved in this order, so a child (round_id) can follow its parent (cafe_id).
PARAMS: dict[str, Callable[[Ctx], Any]] = {
    # organisation and accounts
    "district_id": lambda c: c.district.id,
    "district_code": lambda c: c.district.code,
    "district": lambda c: c.district.code,
    "kind": lambda c: "districts",
    "item_id": lambda c: c.district.id,  # an item of the kind above
    "dimension_id": lambda c: first(c, "dimension"),
    "value_id": lambda c: first(c, "dimension_value"),
    "area_id": lambda c: first(c, "development_area"),
    "development_area_id": lambda c: first(c, "development_area"),
    "area_code": lambda c: first(c, "development_area", "code"),
    "service_area_id": lambda c: first(c, "service_area"),
    "role_id": lambda c: first(c, "staff_role"),
    "user_id": lambda c: user_id_of(c, "styrgrupp.rinkeby"),  # nobody signs in as this one
    # surveys
    "instrument_id": lambda c: first(c, "survey_instrument"),
    "section_id": lambda c: first(c, "survey_section", parent={"instrument_id":
                                                                "instrument_id"}),
    "question_id": lambda c: first(c, "survey_question", parent={
        "instrument_id": "instrument_id", "section_id": "section_id"}),
    "wave_id": lambda c: first(c, "survey_wave"),
    "wave_code": lambda c: first(c, "survey_wave", "code"),
    "number": lambda c: 1,  # page number within a survey
    "page": lambda c: 1,
    "code": lambda c: first(c, "survey_invitation_code", "code"),
    "token": lambda c: first(c, "survey_invitation_code", "code"),
    "batch_id": lambda c: first(c, "survey_code_batch", parent={"wave_id": "wave_id"}),
    # cafés: a facilitator gets a table (and its notes) of their own
    "cafe_id": lambda c: first(c, "cafe_event", mine=lambda t, c: t.c.id.in_(
        select(table("cafe_table").c.cafe_id).where(table("cafe_table").c.facilitator_id
                                                    == c.user_id))),
    "round_id": lambda c: first(c, "cafe_round", parent={"cafe_id": "cafe_id"}),
    "table_id": lambda c: first(c, "cafe_table", parent={"cafe_id": "cafe_id"},
                                mine=lambda t, c: t.c.facilitator_id == c.user_id),
    "note_id": lambda c: first(c, "cafe_note", mine=lambda t, c: t.c.table_id.in_(
        my_tables(c))),
    "uuid": lambda c: first(c, "cafe_note", "uuid", mine=lambda t, c: t.c.table_id.in_(
        my_tables(c))),
    "idea_id": lambda c: first(c, "cafe_idea", district="district_id"),
    "word_id": lambda c: first(c, "cafe_masked_word"),
    # steering: a local steering group member gets a sub-goal of their own district
    "subgoal_id": lambda c: first(c, "steering_subgoal", district="district_id"),
    "goal_id": lambda c: first(c, "steering_subgoal", district="district_id"),
    "progress_note_id": lambda c: first(c, "steering_progress_note",
                                        parent={"subgoal_id": "subgoal_id"}),
    "hr_figure_id": lambda c: first(c, "steering_hr_figure", where={"district_id":
                                                                    c.district.id}),
}

#: values (or resolvers) for one endpoint, where a parameter means something else there or
#: the page needs a particular kind of object
ENDPOINT_PARAMS: dict[str, dict[str, Any]] = {
    "i18n.switch_language": {"code": "en"},
    "survey_admin.make_codes": {"wave_id": lambda c: first(c, "survey_wave",
                                                           where={"mode": "codes"})},
    **{endpoint: {"wave_id": lambda c: first(c, "survey_wave", where={"mode": "codes",
                                                                      "state": "draft"})}
       for endpoint in ("survey_admin.print_codes", "survey_admin.codes_csv",
                        "survey_admin.print_batch")},
    **{endpoint: {"wave_id": lambda c: first(c, "survey_wave", where={"kind": "benchmark"})}
       for endpoint in ("steering.imported", "api.imported_results")},
}
#: a query string an endpoint needs to show its page
ENDPOINT_QUERY: dict[str, str] = {
    "survey_editor.new_question": "type=agreement",
    "steering.export": "table=overview&format=csv",
}

#: The JSON API authenticates with personal tokens, not the session: its views are declared
#: @public (a script has no session to be redirected with) and answer 401 without a token.
#: They are checked here with each role's own token: the roles below get 2xx, the others 403,
#: and anonymous callers (no token) 401.
TOKEN_API_PREFIX = "api."
TOKEN_API_OPEN = {"api.openapi"}  # the API description needs no token
TOKEN_API_ROLES = {ADMIN, CENTRAL, LOCAL}


def token_api(endpoint: str) -> bool:
    return endpoint.startswith(TOKEN_API_PREFIX) and endpoint not in TOKEN_API_OPEN

#: a district in the URL: a local steering group member gets 403 for another district's
DISTRICT_PARAMS = {"district_id": "id", "district_code": "code", "district": "code"}

#: rows the demo lacks but a route needs: (table, values, copy the table's first row?).
#: Destructive routes consume one row per allowed role, hence several masked words.
EXTRA_ROWS: list[tuple[str, dict[str, Any], bool]] = [
    *[("cafe_masked_word", {"word": w, "normalized": w.lower()}, False)
      for w in ("Exempelsson", "Testberg", "Provqvist")],
    ("survey_wave", {"mode": "codes", "name_sv": "Behörighetstest: inbjudningskoder"}, True),
    # an imported benchmark (closed at import; every results role reads it)
    ("survey_wave", {"kind": "benchmark", "state": "closed",
                     "name_sv": "Behörighetstest: jämförelsetal"}, True),
    # codes are listed only before a wave opens: a codes wave not yet published, one batch
    ("survey_wave", {"mode": "codes", "state": "draft",
                     "name_sv": "Behörighetstest: koder före öppning"}, True),
    ("survey_code_batch", {
        "wave_id": lambda db: db.scalar(select(table("survey_wave").c.id).where(
            table("survey_wave").c.state == "draft", table("survey_wave").c.mode == "codes")),
        "district_id": lambda db: db.scalar(select(District.id).order_by(District.id)),
        "size": 1, "made_on": date.today(), "shown": True}, False),
]


def add_extra_rows(app: Flask) -> None:
    with app.app_context():
        db = get_session()
        for table_name, values, copy_first in EXTRA_ROWS:
            t = table(table_name)
            row = {k: v(db) if callable(v) else v for k, v in values.items()}
            if copy_first:
                first_row = db.execute(select(t).order_by(*t.primary_key.columns)).first()
                assert first_row is not None, f"the demo has no {table_name} row to copy"
                copied = {k: v for k, v in first_row._mapping.items()
                          if k not in t.primary_key.columns.keys()}
                row = {**copied, **values}
            db.execute(t.insert().values(**row))
        db.commit()


@pytest.fixture(scope="module")
def demo_app(database_url: str):
    """One app on the full demo (``flask demo load``), shared by this module's tests."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url,
                      "SECRET_KEY": "matrix", "WTF_CSRF_ENABLED": False})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    add_extra_rows(app)
    with app.app_context():
        db = get_session()
        app.config["MATRIX_TOKENS"] = {
            role: issue_token(db, db.scalar(select(User).where(User.username == name)),
                              "access matrix")
            for role, name in ROLE_LOGINS.items()}
        db.commit()
    yield app
    _empty_all_tables(app)
    app.extensions["db_engine"].dispose()


def visited_routes(app: Flask, post_phase: bool) -> list[tuple[Rule, str]]:
    """(rule, method) of every route: GET where offered, else its one unsafe method."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        method = "GET" if "GET" in methods else sorted(methods)[0]
        if (method != "GET") == post_phase:
            routes.append((rule, method))
    return routes


def signed_in(app: Flask, client: FlaskClient) -> bool:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        return False
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return "_user_id" in data  # Flask-Login's key


def sign_in(app: Flask, client: FlaskClient, role: str) -> None:
    response = client.post("/login", data={"username": ROLE_LOGINS[role],
                                           "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"demo user for {role} cannot sign in"
    assert signed_in(app, client)


def to_login(response) -> bool:
    return response.status_code == 302 and response.headers.get(
        "Location", "").startswith("/login")


def verdict(audience: tuple[str, ...], role: str, method: str, response,
            token: bool = False) -> str | None:
    """None when the status fits the declared audience, else what was expected."""
    status = response.status_code
    if status >= 500:
        return "no server error"
    if token:
        if role == ANONYMOUS:
            return None if status == 401 else "401 without a token"
        if role not in TOKEN_API_ROLES:
            return None if status == 403 else "403 for this role's token"
        return None if 200 <= status < 300 else "allowed token: 2xx"
    if PUBLIC in audience:
        return "public: not 401/403, no redirect to login" if (
            status in (401, 403) or to_login(response)) else None
    if role == ANONYMOUS:
        return None if to_login(response) else "302 to /login"
    allowed = AUTHENTICATED in audience or role in audience or role == ADMIN
    if not allowed:
        return None if status == 403 else "403"
    if to_login(response) or status in (401, 403, 404, 405):
        return "allowed: 2xx/3xx"
    if method == "GET" and status >= 400:
        return "allowed: 2xx/3xx"
    return None


def refused_anyway(audience: tuple[str, ...], role: str) -> bool:
    """True when the access decorator turns ``role`` away before the view looks anything up,
    so that any value will do for the URL."""
    if PUBLIC in audience:
        return False
    if role == ANONYMOUS:
        return True
    return AUTHENTICATED not in audience and role not in audience and role != ADMIN


def placeholder(rule: Rule, name: str) -> Any:
    converter = rule._converters.get(name)  # werkzeug keeps them private
    return 999999 if isinstance(converter, IntegerConverter) else "placeholder"


def build_url(rule: Rule, ctx: Ctx, refused: bool = False) -> tuple[str | None, str | None]:
    """(url, None), or (None, reason) when a parameter has no value. For a role that will be
    ``refused`` a placeholder stands in for an object the data no longer has."""
    special = ENDPOINT_PARAMS.get(rule.endpoint, {})
    wanted = rule.arguments - set(rule.defaults or {})
    unknown = sorted(wanted - set(PARAMS) - set(special))
    if unknown:
        return None, (f"{rule.rule} [{rule.endpoint}] has the URL parameter {unknown[0]!r} "
                      "that PARAMS in tests/test_access_matrix.py does not know: add a line "
                      f'"{unknown[0]}": lambda c: first(c, "<table>", "<column>"),')
    ctx.values = {}
    for name in [*PARAMS, *special]:
        if name in wanted and name not in ctx.values:
            resolver = special.get(name, PARAMS.get(name))
            try:
                ctx.values[name] = resolver(ctx) if callable(resolver) else resolver
            except Unresolved as exc:
                if not refused:
                    return None, f"{rule.rule} [{rule.endpoint}] parameter {name!r}: {exc}"
                ctx.values[name] = placeholder(rule, name)
    url = rule.build(ctx.values, append_unknown=False)[1]
    query = ENDPOINT_QUERY.get(rule.endpoint)
    return (f"{url}?{query}" if query else url), None


def make_ctx(db: Session, role: str, district: District, visible: set[int]) -> Ctx:
    user_id = None
    if role != ANONYMOUS:
        user_id = db.scalar(select(User.id).where(User.username == ROLE_LOGINS[role]))
    return Ctx(db, role, user_id, district, visible)


def run_matrix(app: Flask, role: str, post_phase: bool) -> list[str]:
    client = app.test_client()
    if role != ANONYMOUS:
        sign_in(app, client, role)
    problems: list[str] = []
    for rule, method in visited_routes(app, post_phase):
        audience = audience_of(app.view_functions[rule.endpoint]) or ()
        with app.app_context():
            db = get_session()
            farsta = db.scalar(select(District).where(District.code == VISIBLE_DISTRICT))
            other = db.scalar(select(District).where(District.code == HIDDEN_DISTRICT))
            ctx = make_ctx(db, role, farsta, {farsta.id})
            url, unknown = build_url(rule, ctx, refused_anyway(audience, role))
            checks = [(url, None)]
            takes_district = rule.arguments & set(DISTRICT_PARAMS)
            local_sees = (LOCAL in audience or AUTHENTICATED in audience
                          or (token_api(rule.endpoint) and LOCAL in TOKEN_API_ROLES))
            if (url and role == LOCAL and takes_district and local_sees
                    and (PUBLIC not in audience or token_api(rule.endpoint))):
                checks.append((build_url(rule, make_ctx(db, role, other, {farsta.id}))[0],
                               "403"))
        if unknown:
            problems.append(unknown)
            continue
        headers = {}
        if token_api(rule.endpoint) and role != ANONYMOUS:
            headers["Authorization"] = f"Bearer {app.config['MATRIX_TOKENS'][role]}"
        for target, expect in checks:
            response = client.open(target, method=method, headers=headers)
            wrong = verdict(audience, role, method, response, token_api(rule.endpoint))
            if expect == "403":
                wrong = None if response.status_code == 403 else "403 (another district)"
            if wrong:
                where = response.headers.get("Location", "")
                problems.append(f"{method} {target} [{rule.endpoint}, audience "
                                f"{'/'.join(audience)}] as {role}: expected {wrong}, got "
                                f"{response.status_code}{' → ' + where if where else ''}")
            if role != ANONYMOUS and not signed_in(app, client):  # e.g. after /logout
                sign_in(app, client, role)
    return problems


PHASES = [(phase, role) for phase in ("get", "post") for role in (ANONYMOUS, *ROLE_LOGINS)]


@pytest.mark.parametrize(("phase", "role"), PHASES, ids=[f"{p}-{r}" for p, r in PHASES])
def test_every_route_answers_each_role_as_declared(demo_app, phase, role):
    """GETs for every role first, then the POST-only routes (which may change data)."""
    problems = run_matrix(demo_app, role, post_phase=phase == "post")
    assert not problems, f"{len(problems)} route(s) disagree with their declared audience:\n" \
        + "\n".join(problems)


def test_the_matrix_covers_every_route(demo_app):
    """Every endpoint has an audience, and the matrix visits each rule in one phase."""
    rules = [r for r in demo_app.url_map.iter_rules() if r.endpoint != "static"]
    visited = visited_routes(demo_app, False) + visited_routes(demo_app, True)
    assert len(visited) == len(rules)
    assert all(audience_of(demo_app.view_functions[r.endpoint]) for r in rules)
    assert {"admin.org_list", "admin.users.user_edit", "auth.logout"} <= {
        r.endpoint for r, _ in visited}


def test_the_other_district_check_has_routes_to_check(demo_app):
    """Guards against a renamed parameter silently switching the 403 check off."""
    scoped = [r.rule for r in demo_app.url_map.iter_rules()
              if r.arguments & set(DISTRICT_PARAMS)
              and PUBLIC not in (audience_of(demo_app.view_functions[r.endpoint]) or ())]
    assert scoped, "no signed-in route takes a district: is DISTRICT_PARAMS up to date?"
