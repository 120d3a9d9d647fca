"""Administration: the organisation structure (districts, service areas, staff roles,
respondent dimensions and their values, development areas) and, through the nested users
blueprint, user accounts. Items are deactivated, never deleted: survey answers, café notes and
sub-goals keep referring to them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from core.access import ADMIN, requires
from core.admin.forms import FORM_FOR_EXTRA, ImportForm, OrgItemForm
from core.auth.accounts import User
from core.db import get_session
from core.i18n import _
from core.org.csv_io import (
    KINDS,
    OrgKind,
    export_csv,
    growth_problems,
    import_csv,
    organisation_size,
)
from core.org.models import DevelopmentArea, Dimension, DimensionValue
from core.spreadsheet import csv_response
from core.web import paginate


def home_context() -> dict:
    """The administrator's home panel: user accounts and the imports."""
    db = get_session()
    users = db.scalar(select(func.count()).where(User.active.is_(True))) or 0
    return {"active_users": users, "kinds": list(KINDS.values())}


def kind_or_404(kind: str) -> OrgKind:
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def item_or_404(kind: OrgKind, item_id: int):
    item = get_session().get(kind.model, item_id)
    if item is None:
        abort(404)
    return item


@requires(ADMIN)
def index():
    db = get_session()
    counts = []
    for kind in KINDS.values():
        model = kind.model
        total = db.scalar(select(func.count()).select_from(model)) or 0
        active = db.scalar(select(func.count()).where(model.active.is_(True))) or 0
        counts.append((kind, total, active))
    users = db.scalar(select(func.count()).select_from(User)) or 0
    return render_template("admin/index.html", counts=counts, user_count=users)


@requires(ADMIN)
def org_list(kind: str):
    spec = kind_or_404(kind)
    db = get_session()
    model = spec.model
    stmt = select(model)
    dimension = None
    if spec.extra == "dimension":
        dimension = db.scalar(select(Dimension).where(Dimension.code == request.args.get(
            "dimension", "")))
        stmt = stmt.join(Dimension)
        if dimension is not None:
            stmt = stmt.where(DimensionValue.dimension_id == dimension.id)
        stmt = stmt.order_by(Dimension.sort_order, Dimension.code)
    page = paginate(db, stmt.order_by(model.sort_order, model.code))
    args = {"dimension": dimension.code} if dimension is not None else {}
    return render_template("admin/org_list.html", kind=spec, page=page, dimension=dimension,
                           page_args=args)


def _unique_problems(form: OrgItemForm, spec: OrgKind, item) -> bool:
    """Add field errors for a code (or number) another item holds; True when any."""
    db = get_session()
    model = spec.model
    stmt = select(model.id).where(model.code == form.code.data)
    if spec.extra == "dimension":
        stmt = stmt.where(DimensionValue.dimension_id == form.dimension_id.data)
    if item is not None:
        stmt = stmt.where(model.id != item.id)
    found = False
    if db.scalar(stmt) is not None:
        form.code.errors.append(_("Another item already has this code."))
        found = True
    if spec.extra == "number":
        other = select(DevelopmentArea.code).where(DevelopmentArea.number == form.number.data)
        if item is not None:
            other = other.where(DevelopmentArea.id != item.id)
        holder = db.scalar(other)
        if holder is not None:
            form.number.errors.append(_("The development area %(code)s has this number.",
                                        code=holder))
            found = True
    return found


def _edit(spec: OrgKind, item):
    db = get_session()
    form = FORM_FOR_EXTRA[spec.extra](obj=item)
    if spec.extra == "dimension":
        form.dimension_id.choices = [SelectChoice(d.id, d.name) for d in db.scalars(
            select(Dimension).order_by(Dimension.sort_order, Dimension.code))]
        wanted = request.args.get("dimension")
        if item is None and wanted and request.method == "GET":
            form.dimension_id.data = db.scalar(select(Dimension.id).where(
                Dimension.code == wanted))
    if form.validate_on_submit() and not _unique_problems(form, spec, item):
        before = organisation_size(db, spec)
        is_new = item is None
        if is_new:
            item = spec.model(active=True)
            db.add(item)
        item.code = form.code.data
        item.name_sv = form.name_sv.data.strip()
        item.name_en = form.name_en.data.strip()
        item.sort_order = form.sort_order.data or 0
        for extra in ("is_central", "number", "dimension_id"):
            if extra in form:
                setattr(item, extra, form[extra].data)
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            form.code.errors.append(_("Another item already has this code."))
        else:
            if not _refused_growth(db, spec, before):
                db.commit()
                flash(_("%(name)s is created.", name=item.name) if is_new
                      else _("%(name)s is saved.", name=item.name), "success")
                return redirect(url_for("admin.org_list", kind=spec.slug))
        if is_new:
            item = None
    return render_template("admin/org_form.html", kind=spec, item=item, form=form)


def _refused_growth(db, spec: OrgKind, before: tuple[int, int]) -> bool:
    """Roll back and say why when the flushed change makes the organisation grow past a
    cap (``core.limits``)."""
    problems = growth_problems(db, spec, before)
    if problems:
        db.rollback()
        for problem in problems:
            flash(problem, "error")
    return bool(problems)


@requires(ADMIN)
def org_new(kind: str):
    return _edit(kind_or_404(kind), None)


@requires(ADMIN)
def org_edit(kind: str, item_id: int):
    spec = kind_or_404(kind)
    return _edit(spec, item_or_404(spec, item_id))


@requires(ADMIN)
def org_deactivate(kind: str, item_id: int):
    """A confirmation page; the POST hides the item from new surveys, cafés and forms."""
    spec = kind_or_404(kind)
    item = item_or_404(spec, item_id)
    if request.method == "POST":
        item.active = False
        get_session().commit()
        flash(_("%(name)s is deactivated.", name=item.name), "success")
        return redirect(url_for("admin.org_list", kind=spec.slug))
    return render_template(
        "admin/confirm.html",
        title=_("Deactivate %(name)s?", name=item.name),
        text=_("It is no longer offered in new surveys, cafés and forms. Existing answers, "
               "notes and reports keep it. You can activate it again later."),
        action=_("Deactivate"),
        cancel=url_for("admin.org_list", kind=spec.slug),
    )


@requires(ADMIN)
def org_reactivate(kind: str, item_id: int):
    spec = kind_or_404(kind)
    item = item_or_404(spec, item_id)
    db = get_session()
    before = organisation_size(db, spec)
    item.active = True
    db.flush()
    if not _refused_growth(db, spec, before):
        db.commit()
        flash(_("%(name)s is active again.", name=item.name), "success")
    return redirect(url_for("admin.org_list", kind=spec.slug))


@requires(ADMIN)
def org_import(kind: str):
    spec = kind_or_404(kind)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        db = get_session()
        result = import_csv(db, spec, form.file.data.read())
        if result.problems:
            db.rollback()
            problems = result.problems
        else:
            db.commit()
            flash(_("Import done: %(created)d created, %(updated)d updated.",
                    created=result.created, updated=result.updated), "success")
            return redirect(url_for("admin.org_list", kind=spec.slug))
    return render_template("admin/org_import.html", kind=spec, form=form, problems=problems)


@requires(ADMIN)
def org_export(kind: str):
    spec = kind_or_404(kind)
    return csv_response(export_csv(get_session(), spec), f"{spec.slug}.csv")
