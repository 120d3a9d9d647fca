"""The questionnaire editor for administrators: the list of instruments with their versions,
a new instrument, its details and sections. Question pages are in
``survey.editor.questions``; ``survey.editor.blueprint`` registers both.

A frozen instrument (used by an opened wave) is shown read-only with one action, "create
a new version", which copies it (``survey.instruments.new_version``) for editing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.access import ADMIN, requires
from core.db import get_session
from core.i18n import _, _l
from core.org.models import DevelopmentArea, list_all
from survey.catalog import list_instruments
from survey.editor import editing
from survey.editor.forms import TYPE_LABELS, InstrumentForm, SectionForm
from survey.instruments import InstrumentError, new_version
from survey.models import QUESTION_TYPES, Instrument, Section

FROZEN_MESSAGE = _l(
    "This questionnaire is used by a published wave and can no longer be changed. "
    "Create a new version to make changes."
)


def instrument_or_404(instrument_id: int) -> Instrument:
    instrument = get_session().get(Instrument, instrument_id)
    if instrument is None:
        abort(404)
    return instrument


def section_or_404(instrument: Instrument, section_id: int) -> Section:
    section = get_session().get(Section, section_id)
    if section is None or section.instrument_id != instrument.id:
        abort(404)
    return section


def editable_or_404(instrument_id: int) -> Instrument:
    """The instrument to change; a frozen one ends the request with a redirect to its
    (read-only) overview and a message saying why."""
    instrument = instrument_or_404(instrument_id)
    if instrument.frozen:
        flash(str(FROZEN_MESSAGE), "warning")
        abort(redirect(url_for("survey_editor.instrument", instrument_id=instrument.id)))
    return instrument


def texts_of(form, names) -> dict[str, str]:
    return {name: getattr(form, name).data or "" for name in names}


@requires(ADMIN)
def instruments():
    db = get_session()
    return render_template(
        "survey/editor/instruments.html", instruments=list_instruments(db),
        waves=editing.waves_by_instrument(db),
    )


@requires(ADMIN)
def new_instrument():
    db = get_session()
    form = InstrumentForm()
    if form.validate_on_submit():
        if editing.instrument_code_taken(db, form.code.data):
            form.code.errors.append(_(
                "A questionnaire with this code exists. To change it, create a new version "
                "of it from its page."
            ))
        else:
            instrument = editing.new_instrument(
                db, form.code.data, texts_of(form, editing.INSTRUMENT_TEXTS)
            )
            db.commit()
            flash(_("The questionnaire was created. Add its first section."), "success")
            return redirect(url_for(".instrument", instrument_id=instrument.id))
    return render_template(
        "survey/editor/instrument_form.html", form=form, instrument=None
    ), (422 if form.errors else 200)


@requires(ADMIN)
def instrument(instrument_id: int):
    db = get_session()
    item = instrument_or_404(instrument_id)
    areas = {a.id: a for a in list_all(db, DevelopmentArea)}
    return render_template(
        "survey/editor/instrument.html", instrument=item, types=QUESTION_TYPES,
        type_labels=TYPE_LABELS, areas=areas,
        waves=editing.waves_by_instrument(db).get(item.id, []),
    )


@requires(ADMIN)
def edit_instrument(instrument_id: int):
    db = get_session()
    item = editable_or_404(instrument_id)
    form = InstrumentForm(obj=item)
    del form.code
    if form.validate_on_submit():
        editing.update_instrument(db, item, texts_of(form, editing.INSTRUMENT_TEXTS))
        db.commit()
        flash(_("The questionnaire was saved."), "success")
        return redirect(url_for(".instrument", instrument_id=item.id))
    return render_template(
        "survey/editor/instrument_form.html", form=form, instrument=item
    ), (422 if form.errors else 200)


@requires(ADMIN)
def make_new_version(instrument_id: int):
    db = get_session()
    item = instrument_or_404(instrument_id)
    copy = new_version(db, item)
    db.commit()
    flash(_("Version %(n)d was created as a copy. It can be edited until a wave using it is "
            "published.", n=copy.version), "success")
    return redirect(url_for(".instrument", instrument_id=copy.id))


@requires(ADMIN)
def new_section(instrument_id: int):
    db = get_session()
    item = editable_or_404(instrument_id)
    form = SectionForm()
    if form.validate_on_submit():
        section = editing.add_section(db, item, texts_of(form, editing.SECTION_TEXTS))
        db.commit()
        flash(_("The section was added."), "success")
        return redirect(url_for(".instrument", instrument_id=item.id, _anchor=f"s{section.id}"))
    return render_template(
        "survey/editor/section_form.html", form=form, instrument=item, section=None
    ), (422 if form.errors else 200)


@requires(ADMIN)
def edit_section(instrument_id: int, section_id: int):
    db = get_session()
    item = editable_or_404(instrument_id)
    section = section_or_404(item, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        editing.update_section(db, section, texts_of(form, editing.SECTION_TEXTS))
        db.commit()
        flash(_("The section was saved."), "success")
        return redirect(url_for(".instrument", instrument_id=item.id, _anchor=f"s{section.id}"))
    return render_template(
        "survey/editor/section_form.html", form=form, instrument=item, section=section
    ), (422 if form.errors else 200)


@requires(ADMIN)
def move_section(instrument_id: int, section_id: int):
    db = get_session()
    item = editable_or_404(instrument_id)
    section = section_or_404(item, section_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    if editing.move_section(db, section, offset):
        db.commit()
    return redirect(url_for(".instrument", instrument_id=item.id, _anchor=f"s{section.id}"))


@requires(ADMIN)
def delete_section(instrument_id: int, section_id: int):
    """A confirmation page; the POST deletes the section and its questions."""
    db = get_session()
    item = editable_or_404(instrument_id)
    section = section_or_404(item, section_id)
    if request.method == "POST":
        editing.delete_section(db, section)
        db.commit()
        flash(_("The section was deleted."), "success")
        return redirect(url_for(".instrument", instrument_id=item.id))
    count = len(section.questions)
    return render_template(
        "survey/editor/confirm.html",
        title=_("Delete the section “%(name)s”?", name=section.title),
        text=_("The section and its %(n)d questions are deleted. This cannot be undone.",
               n=count),
        action=_("Delete the section"),
        cancel=url_for(".instrument", instrument_id=item.id),
    )


def instrument_error(error: InstrumentError) -> str:
    """A rejected edit the forms did not catch (e.g. a change made meanwhile)."""
    return _("The change could not be saved: %(reason)s", reason=str(error))
