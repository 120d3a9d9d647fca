"""Moderators and administrators set up cafés: list, create, edit, copy, delete and move a
café through draft → open → closed."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from cafe.common import ask_to_confirm, confirmed, field_error, get_or_404
from cafe.forms import CafeForm, CopyCafeForm, cafe_form_class, expected_field_name
from cafe.listings import cafes_stmt
from cafe.models import CLOSED, OPEN, STATUSES, Cafe
from cafe.setup import services as setup
from cafe.setup.services import CafeData, SetupError
from core.access import MODERATOR, requires
from core.db import get_session
from core.i18n import _, ngettext
from core.org.models import District, StaffRole, list_active
from core.web import paginate


def _form(cafe: Cafe | None = None) -> CafeForm:
    db = get_session()
    roles = list_active(db, StaffRole)
    form = cafe_form_class(roles)(obj=cafe)
    form.districts.choices = [SelectChoice(d.id, d.name) for d in list_active(db, District)]
    if cafe is not None and request.method == "GET":
        form.districts.data = [d.id for d in cafe.districts]
        counts = {p.staff_role_id: p.expected for p in cafe.participants}
        for role in roles:
            form[expected_field_name(role.id)].data = counts.get(role.id, 0)
    form.role_fields = [form[expected_field_name(r.id)] for r in roles]
    return form


def _data(form: CafeForm) -> CafeData:
    return CafeData(
        title=form.title.data,
        starts_at=form.starts_at.data,
        ends_at=form.ends_at.data,
        venue=form.venue.data or "",
        district_ids=list(form.districts.data or []),
        expected={
            int(f.name.removeprefix("expected_")): f.data or 0 for f in form.role_fields
        },
    )


@requires(MODERATOR)
def index():
    status = request.args.get("status")
    status = status if status in STATUSES else None
    page = paginate(get_session(), cafes_stmt(status))
    return render_template("cafe/cafe_list.html", page=page, status=status)


@requires(MODERATOR)
def create():
    form = _form()
    if form.validate_on_submit():
        db = get_session()
        try:
            cafe = setup.create_cafe(db, _data(form))
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The café was created. Add its rounds and tables."), "success")
            return redirect(url_for("cafes.detail", cafe_id=cafe.id))
    return render_template("cafe/cafe_form.html", form=form, cafe=None)


@requires(MODERATOR)
def detail(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    return render_template("cafe/cafe_detail.html", cafe=cafe, notes=setup.note_count(db, cafe),
                           may_change=setup.may_change(cafe, g.user))


@requires(MODERATOR)
def edit(cafe_id: int):
    cafe = get_or_404(Cafe, cafe_id)
    form = _form(cafe)
    if form.validate_on_submit():
        db = get_session()
        try:
            setup.update_cafe(db, cafe, _data(form), user=g.user)
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The café was saved."), "success")
            return redirect(url_for("cafes.detail", cafe_id=cafe.id))
    return render_template("cafe/cafe_form.html", form=form, cafe=cafe)


@requires(MODERATOR)
def copy(cafe_id: int):
    source = get_or_404(Cafe, cafe_id)
    form = CopyCafeForm()
    if request.method == "GET":
        form.title.data = source.title
    if form.validate_on_submit():
        db = get_session()
        try:
            cafe = setup.copy_cafe(db, source, form.title.data, form.starts_at.data,
                                   form.ends_at.data)
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("A copy was made as a draft. Check its rounds and tables."), "success")
            return redirect(url_for("cafes.detail", cafe_id=cafe.id))
    return render_template("cafe/cafe_copy.html", form=form, source=source)


@requires(MODERATOR)
def delete(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    if not confirmed():
        notes = setup.note_count(db, cafe)
        return ask_to_confirm(
            _("Delete the café “%(title)s”?", title=cafe.title),
            url_for("cafes.delete", cafe_id=cafe.id),
            url_for("cafes.detail", cafe_id=cafe.id),
            _("Delete the café"),
            ngettext("Its rounds, tables and %(num)d note are deleted too.",
                     "Its rounds, tables and %(num)d notes are deleted too.", notes),
        )
    try:
        setup.delete_cafe(db, cafe)
    except SetupError as error:
        flash(error.message, "error")
        return redirect(url_for("cafes.detail", cafe_id=cafe.id))
    db.commit()
    flash(_("The café was deleted."), "success")
    return redirect(url_for("cafes.index"))


@requires(MODERATOR)
def change_status(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    status = request.form.get("status") or request.args.get("status", "")
    if status == CLOSED and not confirmed():
        return ask_to_confirm(
            _("Close the café “%(title)s”?", title=cafe.title),
            url_for("cafes.change_status", cafe_id=cafe.id, status=CLOSED),
            url_for("cafes.detail", cafe_id=cafe.id),
            _("Close the café"),
            _("Notes can no longer be changed, and the ideas are sent to the steering group."),
        )
    try:
        routed = setup.set_status(db, cafe, status)
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
        if status == OPEN:
            flash(_("The café is open; facilitators can write notes."), "success")
        else:
            flash(ngettext("The café is closed. %(num)d idea was sent to the steering group.",
                           "The café is closed. %(num)d ideas were sent to the steering group.",
                           routed), "success")
    return redirect(url_for("cafes.detail", cafe_id=cafe.id))


@requires(MODERATOR)
def current_round(cafe_id: int):
    db = get_session()
    cafe = get_or_404(Cafe, cafe_id)
    try:
        setup.set_current_round(db, cafe, request.form.get("position", 0, type=int),
                                user=g.user)
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("Round %(n)d is now shown first on the tablets.", n=cafe.current_round),
              "success")
    return redirect(url_for("cafes.detail", cafe_id=cafe.id))
