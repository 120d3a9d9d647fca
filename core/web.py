"""Cross-cutting web behaviour: security headers, error pages, role-based navigation and the
home page to which each package contributes a panel."""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from flask import Blueprint, Flask, current_app, g, make_response, render_template, request
from flask_babel import LazyString
from flask_wtf.csrf import CSRFError
from sqlalchemy import Select, func, select, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from core import inputs
from core.access import ADMIN, AUTHENTICATED, PUBLIC, audience_of, public
from core.db import get_session
from core.i18n import _, _l
from core.limits import ScopeTooLarge

bp = Blueprint("web", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass
class NavItem:
    """A link in the main navigation, shown to the roles of ``audience`` only: an
    administrator sees it when ``ADMIN`` is named. Public links (``PUBLIC``) are in the
    main navigation for visitors who are not signed in, and in the footer for everyone."""

    endpoint: str
    label: LazyString | str
    audience: tuple[str, ...]
    order: int = 50


@dataclass
class HomePanel:
    """A part of the home page, shown to the roles of ``audience`` (an administrator sees
    it when ``ADMIN`` is named): what needs that reader now."""

    template: str
    audience: tuple[str, ...]
    context: Callable[[], dict[str, Any]] = field(default=lambda: {})
    order: int = 50


@dataclass
class Page:
    """One page of a list, as the ``pagination`` macro expects it."""

    items: list
    number: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(db: Session, stmt: Select, per_page: int | None = None) -> Page:
    """Run ``stmt`` for the page named by ``?page=`` (clamped to the pages that exist)."""
    per_page = per_page or current_app.config["ITEMS_PER_PAGE"]
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    items = list(db.scalars(stmt.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, number, pages, total)


def _visible(audience: tuple[str, ...]) -> bool:
    user = g.get("user")
    if PUBLIC in audience:
        return True
    if user is None:
        return False
    return AUTHENTICATED in audience or user.role in audience or user.role == ADMIN


def _for_reader(audience: tuple[str, ...]) -> bool:
    """Whether a navigation link or home panel is meant for the reader: public ones for
    visitors who are not signed in, the others for the roles they name (not every role an
    administrator could open, which would offer administrators every other role's work)."""
    user = g.get("user")
    if user is None:
        return PUBLIC in audience
    return AUTHENTICATED in audience or user.role in audience


def may_open(endpoint: str) -> bool:
    """Whether the signed-in user passes the access declaration of ``endpoint``'s view, so
    that a page links only to what its reader may open."""
    view = current_app.view_functions.get(endpoint)
    audience = audience_of(view) if view is not None else None
    return bool(audience) and _visible(audience)


#: the methods of a page that only shows, one that only acts, and a form
GET, POST, GET_POST = ("GET",), ("POST",), ("GET", "POST")
#: (rule, view, methods) of one page
Route = tuple[str, Callable[..., Any], tuple[str, ...]]


def routed_blueprint(name: str, import_name: str, url_prefix: str | None,
                     routes: tuple[Route, ...]) -> Blueprint:
    """A new blueprint (one per application) with every page of ``routes`` added."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    for rule, view, methods in routes:
        bp.add_url_rule(rule, view_func=view, methods=methods)
    return bp


def register_nav(app: Flask, endpoint: str, label: Any, audience: tuple[str, ...], order: int = 50):
    app.extensions.setdefault("nav", []).append(NavItem(endpoint, label, audience, order))


def register_home_panel(app: Flask, panel: HomePanel) -> None:
    app.extensions.setdefault("home_panels", []).append(panel)


@bp.get("/")
@public
def home():
    """For a visitor the surveys open now and the public feedback; for a signed-in user what
    needs them now, from the panels their role has (``register_home_panel``)."""
    panels = [
        (p.template, p.context())
        for p in sorted(current_app.extensions.get("home_panels", []), key=lambda p: p.order)
        if _for_reader(p.audience)
    ]
    return render_template("home.html", panels=panels)


@bp.get("/healthz")
@public
def healthz():
    get_session().execute(text("SELECT 1"))
    return {"status": "ok"}


ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Please try again.")),
    403: (_l("Access denied"), _l("You do not have permission to see this page.")),
    404: (_l("Page not found"), _l("The page does not exist or has been moved.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Cannot be shown"), _l("This page cannot be shown with the data as it is now.")),
    413: (_l("Too much data"), _l("What you sent is larger than this service accepts.")),
    429: (_l("Too many requests"), _l("Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged.")),
    503: (_l("Temporarily unavailable"),
          _l("The service cannot reach its database just now. Please try again in a moment.")),
}
#: seconds a client is asked to wait before trying again after a 503
RETRY_AFTER_SECONDS = 2


def render_error(code: int, detail: str | None = None):
    title, text = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if request.path.startswith("/api/"):
        return {"error": str(title), "detail": detail or str(text)}, code
    return render_template("error.html", code=code, title=title, text=detail or text), code


def _database_unavailable(error: BaseException):
    logging.getLogger("medarbetardialog").warning(
        "database unavailable: %s: %s", type(error).__name__, str(error).strip()[:200])
    response = make_response(render_error(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _driver_operational_errors() -> list[type[Exception]]:
    """The DB-API drivers' "operational" errors (connection lost or refused, database busy)."""
    return [sqlite3.OperationalError, psycopg.OperationalError, psycopg.InterfaceError]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    inputs.init_app(app, render_error)
    # the home page is wanted under the short name "home"
    app.add_url_rule("/", endpoint="home", view_func=app.view_functions["web.home"])

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint and not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return render_error(
            400, _("The form had expired or was not sent from this site. Please try again.")
        )

    @app.errorhandler(ScopeTooLarge)
    def _scope_too_large(error: ScopeTooLarge):
        logging.getLogger("medarbetardialog").warning("results refused: %s", error)
        return render_error(409, _(
            "These results would cover %(units)d units (each district whole, by service area "
            "and by staff role), more than the %(limit)d whose anonymity can be checked in "
            "reasonable time (the setting RESULTS_MAX_UNITS). An administrator can deactivate "
            "districts, service areas or staff roles that are no longer used.",
            units=error.units, limit=error.limit))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        if code in ERROR_TEXT:
            return render_error(code)
        return error

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        """A lost or refused database connection (server restarting, SQLite busy) is a
        temporary condition: 503 with Retry-After, so clients and proxies try again."""
        if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
            return _database_unavailable(error.orig)
        logging.getLogger("medarbetardialog").exception("unhandled database error")
        return render_error(500)

    # the same for errors of the drivers themselves (code that runs on the DB-API cursor)
    for driver_error in _driver_operational_errors():
        app.register_error_handler(driver_error, _database_unavailable)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        logging.getLogger("medarbetardialog").exception("unhandled error")
        return render_error(500)

    app.jinja_env.globals["may_open"] = may_open

    @app.context_processor
    def _navigation() -> dict:
        items = sorted(app.extensions.get("nav", []), key=lambda n: n.order)
        return {
            "nav_items": [n for n in items if _for_reader(n.audience)],
            "public_nav_items": [n for n in items if PUBLIC in n.audience],
        }
