"""Reading a note sent by the tablet's offline queue, strictly.

The body must be one JSON object with exactly the known keys, each of its own type and
range: whole numbers only (no fractions, no NaN or Infinity, nothing beyond what the
database columns hold), text without control characters or lone surrogates, a short flat
list of development areas. Anything else is refused with a message the tablet shows next
to the note, before the database is touched.
"""

from __future__ import annotations

import json
from typing import Any

from cafe.tablet.notes import MAX_NOTE_LENGTH, MAX_VOTES, NoteError, NoteInput, normalise_uuid
from core.i18n import _
from core.inputs import is_acceptable

#: the keys the tablet sends; ``version`` is the tablet's own copy and is not used
KEYS = frozenset({"uuid", "round_id", "kind", "text", "votes", "area_ids", "created_ms",
                  "edited_ms", "base_version", "version"})
#: device times must fall in this window (milliseconds since 1970: 2000-01-01 to 2100-01-01)
MIN_MS, MAX_MS = 946_684_800_000, 4_102_444_800_000
#: largest id or version (the columns are 32-bit integers)
MAX_ID = 2**31 - 1
MAX_AREAS = 50


class _Unreadable(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Unreadable(name)  # NaN, Infinity, -Infinity


def _no_fraction(text: str) -> Any:
    raise _Unreadable(text)  # 1.5, 1e400: every number of a note is whole


def _unreadable(field: str | None = None) -> NoteError:
    return NoteError(_("The tablet sent a note the server cannot read. Write it again."), field)


def parse_note(body: bytes) -> NoteInput:
    """The note in ``body`` (the raw request body), or NoteError (status 400)."""
    try:
        payload = json.loads(body.decode("utf-8"), parse_constant=_no_constant,
                             parse_float=_no_fraction)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # invalid UTF-8, invalid JSON, NaN/Infinity, fractions, too many digits, deep nesting
        raise _unreadable() from None
    if not isinstance(payload, dict):
        raise _unreadable()
    unknown = set(payload) - KEYS
    if unknown:
        raise _unreadable(sorted(unknown)[0])
    areas = payload.get("area_ids", [])
    if not isinstance(areas, list) or len(areas) > MAX_AREAS:
        raise NoteError(_("Choose development areas from the list."), "areas")
    created_ms = _device_ms(payload, "created_ms")
    edited_ms = _device_ms(payload, "edited_ms")
    return NoteInput(
        uuid=normalise_uuid(_text(payload, "uuid", 36)),
        round_id=_whole(payload, "round_id", None, 1, MAX_ID, _("Choose a round of this café.")),
        kind=_text(payload, "kind", 20),
        text=_note_text(payload),
        votes=_whole(payload, "votes", 0, 0, MAX_VOTES,
                     _("Votes must be between 0 and %(n)d.", n=MAX_VOTES)),
        area_ids=[_whole({"areas": a}, "areas", None, 1, MAX_ID,
                         _("Choose development areas from the list.")) for a in areas],
        created_ms=created_ms,
        edited_ms=edited_ms,
        base_version=_whole(payload, "base_version", 0, 0, MAX_ID),
    )


def _whole(payload: dict, name: str, default: int | None, low: int, high: int,
           message: str | None = None) -> int:
    value = payload.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        if message:
            raise NoteError(message, "round" if name == "round_id" else name)
        raise _unreadable(name)
    return value


def _device_ms(payload: dict, name: str) -> int | None:
    """A device time, or None when the tablet sent none (the server's clock is used)."""
    if payload.get(name) is None:
        return None
    return _whole(payload, name, None, MIN_MS, MAX_MS)


def _text(payload: dict, name: str, longest: int) -> str:
    value = payload.get(name, "")
    if (not isinstance(value, str) or len(value) > longest
            or not is_acceptable(value, multiline=True)):
        raise _unreadable(name)
    return value


def _note_text(payload: dict) -> str:
    value = payload.get("text", "")
    if not isinstance(value, str):
        raise _unreadable("text")
    if not is_acceptable(value, multiline=True):
        raise NoteError(_("The note contains characters that cannot be saved (control "
                          "characters or broken symbols). Remove them and save again."), "text")
    if len(value.strip()) > MAX_NOTE_LENGTH:
        raise NoteError(_("Keep the note under %(n)d characters.", n=MAX_NOTE_LENGTH), "text")
    return value
