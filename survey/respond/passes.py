"""The anonymous answering session ("pass") a respondent holds between starting and sending:
the one-time submission token, the unit (fixed by an invitation code, or picked on an open
link) and, once answers are saved, the resume code of the draft. It lives in a signed
cookie scoped to the wave's pages and ends when the browser closes; making it writes
nothing to the database besides what pays for it (the spent invitation code, or one count
of the client's allowance on an open link), each in a transaction of its own.

After a response is stored the pass is replaced by a cookie that says only "answered"
(no identity, no time), so that the same browser is told it has answered already.

The token is random and unrelated to the invitation code, so the transaction that stores
the response holds nothing that was in the one that spent the code."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from flask import after_this_request, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from survey.units import Unit

PASS_COOKIE = "survey_pass"  # noqa: S105  (a cookie name)
ANSWERED_COOKIE = "survey_answered"
_SALT = "survey-answering-pass"
#: the "answered" cookie is kept this long after the wave closes
ANSWERED_KEPT_AFTER_CLOSING = timedelta(days=1)


@dataclass(frozen=True)
class Pass:
    wave_id: int
    token: str
    unit: Unit | None = None
    resume: str | None = None

    def but(self, **changes) -> Pass:
        return replace(self, **changes)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def wave_path(wave_id: int) -> str:
    """The path under which the wave's pages live (the cookies' scope)."""
    return url_for("survey.start", wave_id=wave_id)


def current_pass(wave_id: int) -> Pass | None:
    """The pass this browser holds for ``wave_id`` (as changed during this request)."""
    pending = _changes().get(wave_id, {})
    if PASS_COOKIE in pending:
        return pending[PASS_COOKIE]
    raw = request.cookies.get(PASS_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("w") != wave_id or not data.get("t"):
        return None
    unit = data.get("u")
    try:
        parsed = Unit(*unit) if unit is not None else None
    except TypeError:
        return None
    return Pass(wave_id, str(data["t"]), parsed, data.get("r"))


def keep_pass(held: Pass) -> None:
    """Give the browser ``held`` with this response."""
    _pending(held.wave_id)[PASS_COOKIE] = held


def drop_pass(wave_id: int) -> None:
    _pending(wave_id)[PASS_COOKIE] = None


def has_answered(wave_id: int) -> bool:
    pending = _changes().get(wave_id, {})
    if ANSWERED_COOKIE in pending:
        return pending[ANSWERED_COOKIE] is not None
    return request.cookies.get(ANSWERED_COOKIE) == "1"


def mark_answered(wave_id: int, closes_on: date) -> None:
    """The response is stored: end the pass and remember (no identity) that this browser
    has answered, until shortly after the wave closes."""
    drop_pass(wave_id)
    _pending(wave_id)[ANSWERED_COOKIE] = closes_on


def forget_answered(wave_id: int) -> None:
    """Someone else answers on this device."""
    _pending(wave_id)[ANSWERED_COOKIE] = None


#: where this request's cookie changes wait for the response (per request, not per ``g``)
_ENVIRON_KEY = "medarbetardialog.survey_cookies"


def _changes() -> dict:
    return request.environ.get(_ENVIRON_KEY, {})


def _pending(wave_id: int) -> dict:
    cookies = request.environ.get(_ENVIRON_KEY)
    if cookies is None:
        cookies = request.environ[_ENVIRON_KEY] = {}
        after_this_request(_write_cookies)
    return cookies.setdefault(wave_id, {})


def _write_cookies(response):
    config = current_app.config
    options = {
        "httponly": True,
        "secure": bool(config.get("SESSION_COOKIE_SECURE")),
        "samesite": config.get("SESSION_COOKIE_SAMESITE") or "Lax",
    }
    for wave_id, changes in _changes().items():
        path = wave_path(wave_id)
        if PASS_COOKIE in changes:
            held = changes[PASS_COOKIE]
            if held is None:
                response.delete_cookie(PASS_COOKIE, path=path, **options)
            else:
                data = {"w": held.wave_id, "t": held.token,
                        "u": list(held.unit) if held.unit is not None else None,
                        "r": held.resume}
                # no max-age: the pass ends with the browser session (a shared computer)
                response.set_cookie(PASS_COOKIE, _serializer().dumps(data), path=path,
                                    **options)
        if ANSWERED_COOKIE in changes:
            closes_on = changes[ANSWERED_COOKIE]
            if closes_on is None:
                response.delete_cookie(ANSWERED_COOKIE, path=path, **options)
            else:
                until = closes_on + ANSWERED_KEPT_AFTER_CLOSING - date.today()
                seconds = max(until.days, 1) * 86400
                response.set_cookie(ANSWERED_COOKIE, "1", max_age=seconds, path=path,
                                    **options)
    return response
