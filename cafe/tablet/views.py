"""The facilitator's tablet: their tables, the current round's question large, notes written
in one tap, and plain forms that work without JavaScript (the offline queue's endpoints are
in ``sync_views``). A facilitator reaches only the tables assigned to them; moderators and
administrators reach every table."""

from __future__ import annotations

import uuid as uuidlib

from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from cafe.common import ask_to_confirm, confirmed, field_error, get_or_404
from cafe.forms import NoteForm, ParticipantsForm
from cafe.listings import (
    deleted_note_uuids,
    facilitator_tables,
    note_counts_by_round,
    table_notes,
)
from cafe.models import CafeTable, Note
from cafe.setup.services import may_change
from cafe.tablet import notes
from cafe.tablet.notes import NoteError, NoteInput
from cafe.texts import NOTE_KIND_LABELS
from core.access import ADMIN, FACILITATOR, MODERATOR, requires
from core.db import get_session
from core.i18n import _
from core.org.models import DevelopmentArea, list_active


def may_use_table(table: CafeTable) -> bool:
    user = g.user
    return user.role in (ADMIN, MODERATOR) or table.facilitator_id == user.id


def _table(table_id: int) -> CafeTable:
    table = get_or_404(CafeTable, table_id)
    if not may_use_table(table):
        abort(403)
    return table


def _note_form(table: CafeTable, rnd, note: Note | None = None) -> NoteForm:
    form = NoteForm(obj=note)
    form.areas.choices = [
        SelectChoice(a.id, f"{a.number}. {a.name}")
        for a in list_active(get_session(), DevelopmentArea)
    ]
    if request.method == "GET":
        form.uuid.data = note.uuid if note else str(uuidlib.uuid4())
        form.round_id.data = str(note.round_id if note else rnd.id)
        form.base_version.data = str(note.version if note else 0)
        if note is not None:
            form.areas.data = [a.id for a in note.areas]
        elif rnd is not None and rnd.development_area_id:
            form.areas.data = [rnd.development_area_id]
    return form


def _selected_round(table: CafeTable):
    rounds = table.cafe.rounds
    wanted = request.args.get("round", table.cafe.current_round, type=int)
    for rnd in rounds:
        if rnd.position == wanted:
            return rnd
    return rounds[0] if rounds else None


@requires(FACILITATOR)
def my_tables():
    return render_template(
        "cafe/my_tables.html", tables=facilitator_tables(get_session(), g.user)
    )


@requires(FACILITATOR, MODERATOR)
def tablet(table_id: int):
    table = _table(table_id)
    rnd = _selected_round(table)
    db = get_session()
    return render_template(
        "cafe/tablet.html",
        table=table,
        cafe=table.cafe,
        rnd=rnd,
        form=_note_form(table, rnd),
        participants_form=ParticipantsForm(obj=table),
        notes=table_notes(db, table, rnd.id) if rnd else [],
        counts=note_counts_by_round(db, table),
        deleted=deleted_note_uuids(db, table),
        kind_labels=NOTE_KIND_LABELS,
        kind_names={kind: str(label) for kind, label in NOTE_KIND_LABELS.items()},
        may_change=may_change(table.cafe, g.user),
    )


def _input_from_form(form: NoteForm) -> NoteInput:
    return NoteInput(
        uuid=form.uuid.data or "",
        round_id=int(form.round_id.data or 0),
        kind=form.kind.data,
        text=form.text.data or "",
        votes=form.votes.data or 0,
        area_ids=list(form.areas.data or []),
        base_version=int(form.base_version.data or 0),
    )


def _save_from_form(table: CafeTable, form: NoteForm):
    """Save the plain form's note and commit; None with the problem shown at its field."""
    db = get_session()
    try:
        result = notes.save_note(db, table, _input_from_form(form), g.user)
    except (NoteError, ValueError) as error:
        if not isinstance(error, NoteError):
            error = NoteError(_("Choose a round of this café."), "round_id")
        field_error(form, error)
        return None
    db.commit()
    return result


@requires(FACILITATOR, MODERATOR)
def add_note(table_id: int):
    """The plain form: works without JavaScript, idempotent on the form's UUID."""
    table = _table(table_id)
    form = _note_form(table, None)
    if form.validate_on_submit():
        result = _save_from_form(table, form)
        if result is not None:
            flash(_("The note was saved."), "success")
            message = notes.describe_masking(result.masked)
            if message:
                flash(message, "warning")
            position = result.note.round.position
            return redirect(url_for("cafe_tablet.tablet", table_id=table.id, round=position))
    rnd = next((r for r in table.cafe.rounds if str(r.id) == form.round_id.data), None)
    return render_template(
        "cafe/note_form.html", form=form, table=table, rnd=rnd, note=None
    ), 400


def _note(uuid: str) -> Note:
    note = get_session().scalar(select(Note).where(Note.uuid == uuid, Note.deleted.is_(False)))
    if note is None:
        abort(404)
    if not may_use_table(note.table):
        abort(403)
    return note


@requires(FACILITATOR, MODERATOR)
def edit_note(uuid: str):
    note = _note(uuid)
    form = _note_form(note.table, note.round, note)
    if form.validate_on_submit():
        result = _save_from_form(note.table, form)
        if result is not None:
            if result.conflict:
                flash(_("The note had been changed on another device meanwhile. The later "
                        "edit was kept; the other text is shown under the note."), "warning")
            else:
                flash(_("The note was saved."), "success")
            message = notes.describe_masking(result.masked)
            if message:
                flash(message, "warning")
            return redirect(url_for("cafe_tablet.tablet", table_id=note.table_id,
                                    round=result.note.round.position))
    return render_template("cafe/note_form.html", form=form, table=note.table,
                           rnd=note.round, note=note)


@requires(FACILITATOR, MODERATOR)
def delete_note(uuid: str):
    note = _note(uuid)
    back = url_for("cafe_tablet.tablet", table_id=note.table_id, round=note.round.position)
    if not confirmed():
        return ask_to_confirm(_("Delete this note?"), request.path, back, _("Delete the note"),
                              note.text)
    db = get_session()
    try:
        notes.delete_note(db, note)
    except NoteError as error:
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("The note was deleted."), "success")
    return redirect(back)


@requires(FACILITATOR, MODERATOR)
def participants(table_id: int):
    table = _table(table_id)
    form = ParticipantsForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            notes.set_table_participants(db, table, form.participants.data, g.user)
        except NoteError as error:
            flash(error.message, "error")
        else:
            db.commit()
            flash(_("The number of people at the table was saved."), "success")
    else:
        flash(_("Enter a number between 0 and 100."), "error")
    return redirect(url_for("cafe_tablet.tablet", table_id=table.id,
                            round=request.args.get("round", type=int)))
