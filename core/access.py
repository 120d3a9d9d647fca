"""Who may see what. Every view declares its audience with one of these decorators; the app
factory refuses to start if a view declares none (see ``check_all_views_declared``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from flask import Flask, Response, abort, current_app, g, jsonify, redirect, request, url_for

ADMIN = "admin"
CENTRAL = "central"
LOCAL = "local"
MODERATOR = "moderator"
FACILITATOR = "facilitator"
ROLES = (ADMIN, CENTRAL, LOCAL, MODERATOR, FACILITATOR)
#: roles that see results of every district
ALL_DISTRICT_ROLES = frozenset({ADMIN, CENTRAL})
#: roles that see steering-group results at all
STEERING_ROLES = (CENTRAL, LOCAL)

PUBLIC = "public"
AUTHENTICATED = "authenticated"
#: scripts with a personal API token; declared beside PUBLIC: no login redirect, since a
#: script has no session to be sent back with
TOKEN = "token"  # noqa: S105  (an audience name, not a secret)
#: where the application keeps its ``(raw token) -> user or None`` lookup (``core.auth.accounts``)
TOKEN_LOOKUP = "access.token_user"  # noqa: S105  (an extension key)


def _declare(view: Callable[..., Any], audience: tuple[str, ...]) -> None:
    view._access = audience  # type: ignore[attr-defined]


def public(view: Callable[..., Any]) -> Callable[..., Any]:
    """Anyone, without login (respondents, the public feedback page)."""
    _declare(view, (PUBLIC,))
    return view


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Any signed-in user, whatever the role."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    _declare(wrapped, (AUTHENTICATED,))
    return wrapped


def requires(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed-in users holding one of ``roles``; administrators always pass."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    allowed = frozenset(roles) | {ADMIN}

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = g.get("user")
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        _declare(wrapped, tuple(sorted(allowed)))
        return wrapped

    return decorator


def _unauthorized(detail: str) -> Response:
    response = jsonify(error="unauthorized", detail=detail)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="medarbetardialog"'
    return response


def _token_user() -> tuple[Any, str]:
    """The user of the request's ``Authorization: Bearer`` token, or None and why not."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "Send Authorization: Bearer <token>."
    user = current_app.extensions[TOKEN_LOOKUP](token.strip())
    if user is None:
        return None, "The token is unknown or revoked."
    return user, ""


def requires_token(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Scripts sending a personal API token of a user holding one of ``roles``: 401 (JSON)
    without a valid token, whatever the session, and 403 for another role. The token's user
    is put on ``g.user``, so district scoping and the disclosure gate are those of the pages."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    allowed = frozenset(roles)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user, problem = _token_user()
            if user is None:
                return _unauthorized(problem)
            g.user = user
            if user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        _declare(wrapped, (PUBLIC, TOKEN))
        return wrapped

    return decorator


def audience_of(view: Callable[..., Any]) -> tuple[str, ...] | None:
    return getattr(view, "_access", None)


def check_all_views_declared(app: Flask) -> None:
    """Fail loudly at start-up when a route forgot to say who may see it."""
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and audience_of(view) is None
    ]
    if missing:
        raise RuntimeError(f"views without an access declaration: {sorted(missing)}")


def visible_district_ids(user: Any, all_ids: Iterable[int]) -> set[int]:
    """The districts whose results ``user`` may see."""
    if user is None:
        return set()
    if user.role in ALL_DISTRICT_ROLES:
        return set(all_ids)
    return {d.id for d in user.districts}


def require_district(district_id: int | None) -> None:
    """403 when the signed-in user may not see ``district_id`` (None = the whole city)."""
    user = g.get("user")
    if user is None:
        abort(403)
    if user.role in ALL_DISTRICT_ROLES:
        return
    if district_id is None or district_id not in {d.id for d in user.districts}:
        abort(403)
