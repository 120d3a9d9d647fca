"""What text the application accepts, wherever it comes from: form fields, JSON, CSV files,
query strings and URL paths; and which redirect targets it follows.

One rule for every text: control characters (Unicode category Cc: NUL, escape, backspace,
DEL, the C1 range) are refused, except tab, line feed and carriage return in multi-line text
(a text area, a café note, a free-text answer), where a user expects them. Lone surrogates
(no encoding can carry them) and U+FFFE/U+FFFF (no XML file, so no XLSX file, can hold them)
are refused with them. PostgreSQL refuses NUL in text while SQLite stores it; refusing it
everywhere makes both databases behave the same.

Forms apply the rule through ``core.forms.BaseForm`` (a field error, the characters taken
out of the text shown again), CSV readers through :func:`control_character_problem`, and
query strings and URL paths through :func:`request_problem` (400 with an explanation).
Whole numbers in a path (``<int:…>``) stop at the largest database integer: a larger one is
no page (404), not a query the database refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

#: refused in every text
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
#: line breaks and tabs: accepted in multi-line text only
LINE_CONTROLS = "\t\n\r"
_REFUSED_MULTILINE = re.compile(f"[{_ALWAYS}]")
_REFUSED_SINGLE_LINE = re.compile(f"[{_ALWAYS}{LINE_CONTROLS}]")
#: how many distinct refused characters a message names
_NAMED = 3

FIELD_MESSAGE = _l(
    "Control characters such as NUL or line breaks are not accepted here (%(chars)s). They "
    "have been removed: check the text and send it again."
)
PASSWORD_MESSAGE = _l(
    "Control characters such as NUL or line breaks cannot be part of a password (%(chars)s)."
)


def _pattern(multiline: bool) -> re.Pattern[str]:
    return _REFUSED_MULTILINE if multiline else _REFUSED_SINGLE_LINE


def refused_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The distinct characters of ``text`` that the policy refuses, in order of appearance."""
    return list(dict.fromkeys(_pattern(multiline).findall(text)))


def is_acceptable(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds no character the policy refuses."""
    return _pattern(multiline).search(text) is None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without the characters the policy refuses; in single-line text a tab or a
    line break becomes a space, so that words stay apart."""
    if not multiline:
        text = re.sub("\r\n|[\t\n\r]", " ", text)
    return _REFUSED_MULTILINE.sub("", text)


def describe_characters(characters: list[str]) -> str:
    """``["\\x00", "\\x1b"]`` → ``"U+0000, U+001B"`` (at most three, then "…")."""
    named = [f"U+{ord(c):04X}" for c in characters[:_NAMED]]
    return ", ".join(named) + (", …" if len(characters) > _NAMED else "")


def control_character_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` (a CSV cell, a JSON string) is refused, or None when it is accepted."""
    found = refused_characters(text, multiline=multiline)
    if not found:
        return None
    return gettext("Control characters such as NUL or line breaks are not accepted "
                   "(%(chars)s).", chars=describe_characters(found))


# -- redirects ---------------------------------------------------------------------------

def safe_next(target: str | None, fallback: str = "/") -> str:
    """``target`` when it is a path on this site, else ``fallback``.

    Every redirect to an address taken from a request (``?next=`` after signing in or
    switching the language) goes through here. Refused: other sites (``https://…``,
    ``//host``, and ``/\\host``, which browsers read as ``//host``), and any control
    character (a line break would split the ``Location`` header)."""
    if not target or not target.startswith("/") or not is_acceptable(target):
        return fallback
    if target.startswith(("//", "/\\")):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


# -- query strings and URL paths ---------------------------------------------------------

def request_problem() -> str | None:
    """Why the current request's path or query string is refused, or None."""
    found = refused_characters(request.path)
    for name, value in request.args.items(multi=True):
        found += refused_characters(name) + refused_characters(value)
    if not found:
        return None
    return gettext(
        "The address contains control characters such as NUL or line breaks (%(chars)s), "
        "which this service does not accept. Check the link or go back to the start page.",
        chars=describe_characters(list(dict.fromkeys(found))),
    )


#: the largest value of a database integer column (PostgreSQL ``integer``)
MAX_DATABASE_INTEGER = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` in a URL rule, at most ``MAX_DATABASE_INTEGER`` unless the rule says."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:
        super().__init__(map, fixed_digits, min,
                         MAX_DATABASE_INTEGER if max is None else max, signed)


def init_app(app: Flask, render_error: Callable[[int, str], Any]) -> None:
    """Refuse a path or query string with control characters before any view reads it:
    400 with the reason, made by ``render_error`` (JSON under /api/). Must run before any
    ``<int:…>`` rule is added."""
    app.url_map.converters["int"] = DatabaseIntConverter

    @app.before_request
    def _check_address():
        problem = request_problem()
        if problem is not None:
            return render_error(400, problem)
        return None
