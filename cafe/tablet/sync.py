"""The tablet's sync endpoints: the JSON endpoint the offline queue drains into (idempotent
on the note's UUID), a fresh CSRF token for a queue that outlived its page, and the service
worker that lets the tablet page reload without a network."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, jsonify, request, send_file
from flask_wtf.csrf import generate_csrf

from cafe.models import CafeTable, Note
from cafe.tablet import notes
from cafe.tablet.notes import NoteError
from cafe.tablet.sync_input import parse_note
from cafe.tablet.views import may_use_table
from cafe.texts import NOTE_KIND_LABELS
from core.access import FACILITATOR, MODERATOR, public, requires
from core.db import get_session
from core.i18n import _


def note_json(note: Note) -> dict:
    return {
        "uuid": note.uuid,
        "round_id": note.round_id,
        "kind": note.kind,
        "kind_label": str(NOTE_KIND_LABELS[note.kind]),
        "text": note.text,
        "votes": note.votes,
        "area_ids": [a.id for a in note.areas],
        "version": note.version,
        "created_ms": note.created_ms,
        "edited_ms": note.edited_ms,
        "deleted": note.deleted,
        "has_conflict": note.has_conflict,
        "conflict_texts": [r.text for r in note.revisions if r.conflict],
    }


@requires(FACILITATOR, MODERATOR)
def api_save_note(table_id: int):
    """JSON endpoint of the offline queue: 201 for a new note, 200 for a repeat or an edit,
    400 with a message for a note that cannot be read, 409 for a closed café."""
    table = get_session().get(CafeTable, table_id)
    if table is None:
        return jsonify(error=_("The table does not exist.")), 404
    if not may_use_table(table):
        return jsonify(error=_("You do not have permission to see this page.")), 403
    db = get_session()
    try:
        data = parse_note(request.get_data(cache=False))
        result = notes.save_note(db, table, data, g.user)
    except NoteError as error:
        db.rollback()
        return jsonify(error=error.message, field=error.field), error.status
    db.commit()
    return jsonify(
        note=note_json(result.note),
        outcome=result.outcome,
        conflict=result.conflict,
        masked=result.masked,
        message=notes.describe_masking(result.masked),
    ), (201 if result.created else 200)


@requires(FACILITATOR, MODERATOR)
def api_csrf():
    """A fresh CSRF token for a queue that outlived the page's token."""
    return jsonify(csrf_token=generate_csrf())


@public
def service_worker():
    """The service worker that keeps the tablet page and its assets for offline reloads;
    served from here so that its scope covers /my-tables/."""
    path = Path(current_app.static_folder) / "js" / "cafe-sw.js"
    response = send_file(path, mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
