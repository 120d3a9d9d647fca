"""The plenary: the moderator's summary (with ideas pulled in from the tables), its
publication, the printable harvest document, café figures, and the administrator's list of
words masked in notes."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import select

from cafe import queries
from cafe.common import ask_to_confirm, confirmed, field_error, get_or_404
from cafe.forms import MaskedWordForm, SummaryForm
from cafe.listings import harvest
from cafe.models import Cafe, MaskedWord, Note
from cafe.setup import services as setup
from cafe.setup.services import SetupError
from cafe.tablet import notes
from cafe.tablet.notes import NoteError
from cafe.texts import NOTE_KIND_LABELS
from core.access import ADMIN, CENTRAL, LOCAL, MODERATOR, requires
from core.db import get_session
from core.i18n import _
from core.web import paginate


@requires(MODERATOR)
def summary(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    form = SummaryForm(obj=cafe)
    if form.validate_on_submit():
        masked = setup.save_summary(db, cafe, form.summary.data or "", notes.masked_words(db))
        db.commit()
        flash(_("The summary was saved."), "success")
        message = notes.describe_masking(masked)
        if message:
            flash(message, "warning")
        return redirect(url_for("cafe_plenary.summary", cafe_id=cafe.id))
    return render_template(
        "cafe/summary.html", cafe=cafe, form=form, ideas=harvest(db, cafe).ideas
    )


@requires(MODERATOR)
def pull(cafe_id: int, note_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    try:
        setup.pull_into_summary(db, cafe, get_or_404(Note, note_id))
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("The idea was added to the summary."), "success")
    return redirect(url_for("cafe_plenary.summary", cafe_id=cafe.id))


@requires(MODERATOR)
def publish(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    publish_it = cafe.summary_published_at is None
    try:
        setup.publish_summary(db, cafe, publish_it)
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("The summary is published.") if publish_it else
              _("The summary is no longer published."), "success")
    return redirect(url_for("cafe_plenary.summary", cafe_id=cafe.id))


def _may_read_cafe(cafe: Cafe) -> None:
    """Moderators and central staff read every café; a local steering group only cafés
    hosted by one of its districts."""
    hosted = {d.id for d in cafe.districts}
    if g.user.role == LOCAL and not hosted & {d.id for d in g.user.districts}:
        abort(403)


@requires(MODERATOR, CENTRAL, LOCAL)
def harvest_document(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    _may_read_cafe(cafe)
    return render_template(
        "cafe/harvest.html", harvest=harvest(db, cafe), kind_labels=NOTE_KIND_LABELS
    )


@requires(MODERATOR, CENTRAL, LOCAL)
def figures(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    _may_read_cafe(cafe)
    return render_template(
        "cafe/figures.html",
        cafe=cafe,
        totals=queries.cafe_figures(db, cafe_ids=[cafe.id])[0],
        rounds=queries.round_figures(db, cafe.id),
        areas=queries.area_figures(db, cafe_ids=[cafe.id]),
        words=queries.note_word_frequencies(db, cafe_ids=[cafe.id], top=30),
        kind_labels=NOTE_KIND_LABELS,
    )


@requires(ADMIN)
def masked_words():
    db = get_session()
    form = MaskedWordForm()
    if form.validate_on_submit():
        try:
            notes.add_masked_word(db, form.word.data)
        except NoteError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The word is masked in new notes from now on."), "success")
            return redirect(url_for("cafe_plenary.masked_words"))
    page = paginate(db, select(MaskedWord).order_by(MaskedWord.normalized))
    return render_template("cafe/masked_words.html", form=form, page=page)


@requires(ADMIN)
def delete_masked_word(word_id: int):
    entry = get_or_404(MaskedWord, word_id)
    if not confirmed():
        return ask_to_confirm(
            _("Remove “%(word)s” from the list?", word=entry.word),
            url_for("cafe_plenary.delete_masked_word", word_id=entry.id),
            url_for("cafe_plenary.masked_words"),
            _("Remove"),
            _("Notes already saved stay masked."),
        )
    db = get_session()
    notes.remove_masked_word(db, entry)
    db.commit()
    flash(_("The word was removed from the list."), "success")
    return redirect(url_for("cafe_plenary.masked_words"))
