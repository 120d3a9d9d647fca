"""A café's rounds (ordered questions tied to development areas) and tables (with their
facilitators), edited by moderators and administrators."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from cafe.common import ask_to_confirm, confirmed, field_error, get_or_404
from cafe.forms import RoundForm, TableForm
from cafe.models import Cafe, CafeTable, Round
from cafe.setup import services as setup
from cafe.setup.services import RoundData, SetupError, TableData
from core.access import MODERATOR, requires
from core.db import get_session
from core.i18n import _
from core.org.models import DevelopmentArea, list_active


def _back(cafe: Cafe):
    return redirect(url_for("cafes.detail", cafe_id=cafe.id))


def _round(cafe_id: int, round_id: int) -> tuple[Cafe, Round]:
    cafe = get_or_404(Cafe, cafe_id)
    rnd = get_or_404(Round, round_id)
    if rnd.cafe_id != cafe.id:
        abort(404)
    return cafe, rnd


def _table(cafe_id: int, table_id: int) -> tuple[Cafe, CafeTable]:
    cafe = get_or_404(Cafe, cafe_id)
    table = get_or_404(CafeTable, table_id)
    if table.cafe_id != cafe.id:
        abort(404)
    return cafe, table


def _round_form(rnd: Round | None = None) -> RoundForm:
    form = RoundForm(obj=rnd)
    areas = list_active(get_session(), DevelopmentArea)
    form.development_area_id.choices = [SelectChoice(None, _("No development area"))] + [
        SelectChoice(a.id, f"{a.number}. {a.name}") for a in areas
    ]
    if rnd is not None and request.method == "GET":
        form.free.data = rnd.is_free
    return form


def _round_data(form: RoundForm) -> RoundData:
    return RoundData(
        question_sv=form.question_sv.data or "",
        question_en=form.question_en.data or "",
        development_area_id=form.development_area_id.data,
        minutes=form.minutes.data,
        free=form.free.data,
    )


@requires(MODERATOR)
def add_round(cafe_id: int):
    cafe = get_or_404(Cafe, cafe_id)
    form = _round_form()
    if form.validate_on_submit():
        db = get_session()
        try:
            setup.add_round(db, cafe, _round_data(form), user=g.user)
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The round was added."), "success")
            return _back(cafe)
    return render_template("cafe/round_form.html", form=form, cafe=cafe, rnd=None)


@requires(MODERATOR)
def edit_round(cafe_id: int, round_id: int):
    cafe, rnd = _round(cafe_id, round_id)
    form = _round_form(rnd)
    if form.validate_on_submit():
        db = get_session()
        try:
            setup.update_round(db, rnd, _round_data(form), user=g.user)
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The round was saved."), "success")
            return _back(cafe)
    return render_template("cafe/round_form.html", form=form, cafe=cafe, rnd=rnd)


@requires(MODERATOR)
def move_round(cafe_id: int, round_id: int):
    cafe, rnd = _round(cafe_id, round_id)
    db = get_session()
    try:
        setup.move_round(db, rnd, -1 if request.form.get("direction") == "up" else 1,
                         user=g.user)
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
    return _back(cafe)


@requires(MODERATOR)
def delete_round(cafe_id: int, round_id: int):
    cafe, rnd = _round(cafe_id, round_id)
    if not confirmed():
        return ask_to_confirm(
            _("Delete round %(n)d?", n=rnd.position),
            url_for("cafe_structure.delete_round", cafe_id=cafe.id, round_id=rnd.id),
            url_for("cafes.detail", cafe_id=cafe.id),
            _("Delete the round"),
        )
    db = get_session()
    try:
        setup.delete_round(db, rnd, user=g.user)
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("The round was deleted."), "success")
    return _back(cafe)


def _table_form(table: CafeTable | None = None) -> TableForm:
    form = TableForm(obj=table)
    form.facilitator_id.choices = [SelectChoice(None, _("Not assigned yet"))] + [
        SelectChoice(u.id, f"{u.display_name} ({u.username})")
        for u in setup.facilitators(get_session())
    ]
    return form


def _table_data(form: TableForm) -> TableData:
    return TableData(number=form.number.data, name=form.name.data or "",
                     facilitator_id=form.facilitator_id.data)


@requires(MODERATOR)
def add_table(cafe_id: int):
    cafe = get_or_404(Cafe, cafe_id)
    form = _table_form()
    if request.method == "GET":
        form.number.data = setup.next_table_number(cafe)
    if form.validate_on_submit():
        db = get_session()
        try:
            setup.add_table(db, cafe, _table_data(form), user=g.user)
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The table was added."), "success")
            return _back(cafe)
    return render_template("cafe/table_form.html", form=form, cafe=cafe, table=None)


@requires(MODERATOR)
def edit_table(cafe_id: int, table_id: int):
    cafe, table = _table(cafe_id, table_id)
    form = _table_form(table)
    if form.validate_on_submit():
        db = get_session()
        try:
            setup.update_table(db, table, _table_data(form), user=g.user)
        except SetupError as error:
            field_error(form, error)
        else:
            db.commit()
            flash(_("The table was saved."), "success")
            return _back(cafe)
    return render_template("cafe/table_form.html", form=form, cafe=cafe, table=table)


@requires(MODERATOR)
def delete_table(cafe_id: int, table_id: int):
    cafe, table = _table(cafe_id, table_id)
    if not confirmed():
        return ask_to_confirm(
            _("Delete table %(label)s?", label=table.label),
            url_for("cafe_structure.delete_table", cafe_id=cafe.id, table_id=table.id),
            url_for("cafes.detail", cafe_id=cafe.id),
            _("Delete the table"),
        )
    db = get_session()
    try:
        setup.delete_table(db, table, user=g.user)
    except SetupError as error:
        flash(error.message, "error")
    else:
        db.commit()
        flash(_("The table was deleted."), "success")
    return _back(cafe)
