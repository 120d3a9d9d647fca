"""Every route of the application, with real values for its URL parameters.

The security and fuzz suites iterate ``app.url_map`` rather than a hand-kept list, so a new
route is checked the day it is added. URL parameters are filled from the demo data: a
parameter ``<thing>_id`` takes the id of a row of the table named ``thing`` (with or without
its package prefix), narrowed by the parameters already chosen (a round of the chosen café).
A parameter this module cannot fill makes ``url`` raise, so it gets added here on purpose;
a table without demo rows gives a placeholder (the route then answers 404) and is listed in
``UrlFiller.missing``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, url_for
from sqlalchemy import Table, select

from core.access import ADMIN, AUTHENTICATED, FACILITATOR, LOCAL, PUBLIC, audience_of
from core.auth.accounts import User
from core.db import Base, get_session

#: parameters whose table name does not follow from the parameter name
ARG_TABLES = {
    "cafe_id": "cafe_event",
    "user_id": "user_account",
    "word_id": "cafe_masked_word",
}
#: parameters with a fixed demo value
FIXED = {
    "code": "en",
    "district_code": "farsta",
    "filename": "css/app.css",
    "number": 1,
}
#: preferred values in a table: an open wave or café before a closed one, a live note
PREFER = {"state": "open", "status": "open", "deleted": False}


class UnresolvedArgument(LookupError):
    """A URL parameter with no rule here: add one (ARG_TABLES, FIXED or a resolver)."""


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: frozenset[str]
    arguments: tuple[str, ...]
    audience: tuple[str, ...]

    @property
    def is_public(self) -> bool:
        return PUBLIC in self.audience

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def role(self) -> str | None:
        """A role that may use the route (None: no login needed)."""
        if self.is_public:
            return None
        if AUTHENTICATED in self.audience:
            return ADMIN
        named = [r for r in self.audience if r != ADMIN]
        return named[0] if named else ADMIN

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role that may use the route."""
        from core.access import ROLES

        if self.is_public or AUTHENTICATED in self.audience:
            return ROLES
        return tuple(r for r in ROLES if r in self.audience)

    def arguments_in_order(self) -> list[str]:
        """The parameters in the order they appear in the path (parents come first)."""

        def position(argument: str) -> int:
            for marker in (f":{argument}>", f"<{argument}>"):
                if marker in self.rule:
                    return self.rule.index(marker)
            return len(self.rule)

        return sorted(self.arguments, key=position)

    def __str__(self) -> str:
        return f"{self.endpoint} {'|'.join(sorted(self.methods))} {self.rule}"


def routes(app: Flask, include_static: bool = True) -> list[Route]:
    """Every URL rule, once per rule (aliases of one view are kept: they are URLs too)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" and not include_static:
            continue
        view = app.view_functions[rule.endpoint]
        audience = (PUBLIC,) if rule.endpoint == "static" else audience_of(view) or ()
        methods = frozenset(rule.methods or ()) - {"HEAD", "OPTIONS"}
        found.append(
            Route(rule.endpoint, rule.rule, methods, tuple(rule.arguments), tuple(audience))
        )
    return sorted(found, key=lambda r: (r.rule, r.endpoint))


def _table_for(argument: str) -> Table | None:
    tables = Base.metadata.tables
    if argument in ARG_TABLES:
        return tables.get(ARG_TABLES[argument])
    if not argument.endswith("_id"):
        return None
    stem = argument[: -len("_id")]
    candidates = [
        t for name, t in tables.items() if (name == stem or name.endswith("_" + stem))
        and "id" in t.c
    ]
    return min(candidates, key=lambda t: len(t.name)) if candidates else None


class UrlFiller:
    """Builds a concrete URL for each route from the data in the app's database."""

    def __init__(self, app: Flask, role: str | None = None, **overrides: Any):
        """``role``: choose rows that role may use (a facilitator's own tables and notes,
        a local steering group's own districts)."""
        self.app = app
        self.overrides = overrides
        self.missing: set[str] = set()
        self.owner: dict[str, Any] = {}
        if role in (FACILITATOR, LOCAL):
            from tests.demo_site import ROLE_USERS

            with app.app_context():
                user = get_session().scalar(select(User).where(
                    User.username == ROLE_USERS[role]))
                if role == FACILITATOR:
                    self.owner["facilitator_id"] = [user.id]
                else:
                    self.owner["district_id"] = [d.id for d in user.districts]

    def values(self, route: Route) -> dict[str, Any]:
        chosen: dict[str, Any] = {}
        for argument in route.arguments_in_order():
            chosen[argument] = self._value(argument, chosen)
        return chosen

    def url(self, route: Route, **query: Any) -> str:
        with self.app.app_context():
            values = self.values(route)
            with self.app.test_request_context():
                return url_for(route.endpoint, **values, **query)

    def _value(self, argument: str, chosen: dict[str, Any]) -> Any:
        if argument in self.overrides:
            return self.overrides[argument]
        if argument in FIXED:
            return FIXED[argument]
        if argument == "kind":
            from core.org.csv_io import KINDS

            return next(iter(KINDS))
        if argument == "item_id" and "kind" in chosen:
            from core.org.csv_io import KINDS

            model = KINDS[chosen["kind"]].model
            return get_session().scalar(select(model.id).order_by(model.id))
        if argument == "uuid":
            table = Base.metadata.tables["cafe_note"]
            return self._row_value(table, "uuid", chosen)
        table = _table_for(argument)
        if table is None:
            raise UnresolvedArgument(argument)
        return self._row_value(table, "id", chosen)

    def _row_value(self, table: Table, column: str, chosen: dict[str, Any]) -> Any:
        stmt = select(table.c[column])
        for name, value in chosen.items():
            if name in table.c and name != column:
                stmt = stmt.where(table.c[name] == value)
        for name, allowed in self.owner.items():
            if name in table.c:
                stmt = stmt.where(table.c[name].in_(allowed))
        if "facilitator_id" in self.owner and "table_id" in table.c and "table_id" not in chosen:
            tables = Base.metadata.tables["cafe_table"]
            stmt = stmt.where(table.c.table_id.in_(select(tables.c.id).where(
                tables.c.facilitator_id.in_(self.owner["facilitator_id"]))))
        if "facilitator_id" in self.owner and table.name == "cafe_event":
            tables = Base.metadata.tables["cafe_table"]
            stmt = stmt.where(table.c.id.in_(select(tables.c.cafe_id).where(
                tables.c.facilitator_id.in_(self.owner["facilitator_id"]))))
        order = [
            (table.c[name] == wanted).desc() for name, wanted in PREFER.items() if name in table.c
        ]
        value = get_session().scalar(stmt.order_by(*order, table.c[column]).limit(1))
        if value is None:
            self.missing.add(f"{table.name}.{column}")
            return 1 if column == "id" else "0" * 32
        return value


_collection: list[Route] = []


def collection_routes() -> list[Route]:
    """The routes, for parametrising tests at collection time (an app on an empty memory
    database: only the URL map is read)."""
    if not _collection:
        from app import create_app

        app = create_app({"TESTING": True, "SECRET_KEY": "collection",
                          "DATABASE_URL": "sqlite://"})
        _collection.extend(routes(app))
    return _collection
