"""Bilingual columns: ``<name>_sv`` and ``<name>_en``, read in the active locale."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale


def current_language() -> str:
    try:
        locale = get_locale()
    except (RuntimeError, AttributeError):
        return "sv"
    return locale.language if locale is not None else "sv"


def localized(name: str) -> property:
    """A read-only property giving the English text in English (when there is one), else
    the Swedish text."""

    def getter(self: Any) -> str:
        if current_language() == "en":
            english = getattr(self, f"{name}_en", "")
            if english:
                return english
        return getattr(self, f"{name}_sv", "") or ""

    return property(getter)
