"""Flask-Babel set-up: Swedish by default, English complete; the locale comes from the
header switch (a cookie), then the browser's Accept-Language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from flask import Blueprint, Flask, current_app, has_request_context, redirect, request
from flask_babel import (
    Babel,
    format_date,
    format_decimal,
    format_percent,
    get_locale,
    ngettext,  # noqa: F401  (re-exported)
)
from flask_babel import gettext as _  # noqa: F401  (re-exported)
from flask_babel import lazy_gettext as _l  # noqa: F401  (re-exported)

from core.access import public
from core.inputs import safe_next

LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}

babel = Babel()
bp = Blueprint("i18n", __name__)

Text = TypeVar("Text")


def current_language() -> str:
    """The language of the active locale; Swedish outside a request or app context."""
    try:
        locale = get_locale()
    except (RuntimeError, AttributeError):
        return "sv"
    return locale.language if locale is not None else "sv"


def bilingual(sv: Text, en: Text, language: str | None = None) -> Text:
    """The English text in English when there is one, otherwise the Swedish text: Swedish
    is the language every text is written in first. ``language`` defaults to the active
    locale."""
    return en if en and (language or current_language()) == "en" else sv


def localized(name: str) -> property:
    """A read-only property for the columns ``<name>_sv`` and ``<name>_en``: their text in
    the active locale (see :func:`bilingual`), never None."""

    def getter(self: Any) -> str:
        return bilingual(getattr(self, f"{name}_sv", ""), getattr(self, f"{name}_en", "")) or ""

    return property(getter)


def select_locale() -> str:
    """Cookie from the header switch, then Accept-Language; outside a request (CLI) the
    default locale."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    # by quality, matching the primary tag: "sv-SE,en;q=0.5" is Swedish (werkzeug's
    # best_match would prefer the exact but less wanted "en")
    for value, _quality in request.accept_languages:
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary in languages:
            return primary
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.get("/language/<code>")
@public
def switch_language(code: str):
    """Remember the chosen language for a year and go back to where the user was."""
    response = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


def fmt_number(value: float | int | None, digits: int = 1) -> str:
    """A number in the active locale (decimal comma in Swedish)."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return format_decimal(value, format="#,##0")
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern)


def fmt_percent(value: float | None, digits: int = 0) -> str:
    """A share 0..1 as a percentage in the active locale."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + " %"
    return format_percent(value, format=pattern)


def fmt_date(value: date | datetime | None, style: str = "medium") -> str:
    if value is None:
        return "–"
    return format_date(value, format=style)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.jinja_env.filters["num"] = fmt_number
    app.jinja_env.filters["pct"] = fmt_percent
    app.jinja_env.filters["date"] = fmt_date
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["bilingual"] = bilingual
