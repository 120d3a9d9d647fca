"""User administration (nested under /admin): list, create, change role and district scope,
deactivate, and reset a password. A generated password is shown once, in the response to the
POST that made it, and is never stored in clear text or put in the session cookie."""

from __future__ import annotations

import secrets

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

from core.access import ADMIN, LOCAL, requires
from core.admin.forms import ROLE_LABELS, UserCreateForm, UserScopeForm
from core.auth import accounts
from core.db import get_session
from core.i18n import _
from core.org.models import District
from core.web import paginate


def new_password() -> str:
    return secrets.token_urlsafe(12)


def user_or_404(user_id: int) -> accounts.User:
    user = get_session().get(accounts.User, user_id)
    if user is None:
        abort(404)
    return user


def _district_choices(form: UserScopeForm) -> None:
    stmt = select(District).order_by(District.is_central, District.sort_order, District.code)
    form.districts.choices = [SelectChoice(d.id, d.name) for d in get_session().scalars(stmt)]


def _apply_scope(user: accounts.User, form: UserScopeForm) -> None:
    """Districts matter only for local steering group members; other roles see no scope."""
    user.role = form.role.data
    user.display_name = (form.display_name.data or "").strip() or user.username
    ids = form.districts.data if form.role.data == LOCAL else []
    user.districts = list(get_session().scalars(select(District).where(District.id.in_(ids))))


@requires(ADMIN)
def user_list():
    stmt = select(accounts.User).order_by(accounts.User.active.desc(), accounts.User.username)
    page = paginate(get_session(), stmt)
    return render_template("admin/users_list.html", page=page, role_labels=ROLE_LABELS)


@requires(ADMIN)
def user_new():
    form = UserCreateForm()
    _district_choices(form)
    db = get_session()
    if form.validate_on_submit():
        if accounts.find_user(db, form.username.data) is not None:
            form.username.errors.append(_("This user name is taken."))
        else:
            password = new_password()
            user = accounts.User(username=form.username.data, active=True)
            user.set_password(password)
            _apply_scope(user, form)
            db.add(user)
            db.commit()
            return render_template("admin/user_password.html", user=user, password=password,
                                   created=True)
    return render_template("admin/user_form.html", form=form, user=None)


@requires(ADMIN)
def user_edit(user_id: int):
    user = user_or_404(user_id)
    form = UserScopeForm(obj=user)
    _district_choices(form)
    if request.method == "GET":
        form.districts.data = [d.id for d in user.districts]
    if form.validate_on_submit():
        if user.id == g.user.id and form.role.data != ADMIN:
            form.role.errors.append(_("You cannot take away your own administrator role."))
        else:
            _apply_scope(user, form)
            get_session().commit()
            flash(_("The account %(name)s is saved.", name=user.username), "success")
            return redirect(url_for("admin.users.user_list"))
    return render_template("admin/user_form.html", form=form, user=user)


@requires(ADMIN)
def user_deactivate(user_id: int):
    """Confirmation page; a deactivated user cannot sign in, is signed out at once and loses
    their API tokens."""
    user = user_or_404(user_id)
    cancel = url_for("admin.users.user_list")
    if user.id == g.user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(cancel)
    if request.method == "POST":
        accounts.deactivate(get_session(), user)
        get_session().commit()
        flash(_("The account %(name)s is deactivated.", name=user.username), "success")
        return redirect(cancel)
    return render_template(
        "admin/confirm.html",
        title=_("Deactivate the account %(name)s?", name=user.username),
        text=_("The user can no longer sign in, is signed out at once and their API tokens "
               "are revoked. Nothing the user has written is removed. You can activate the "
               "account again later."),
        action=_("Deactivate"),
        cancel=cancel,
    )


@requires(ADMIN)
def user_reactivate(user_id: int):
    user = user_or_404(user_id)
    user.active = True
    get_session().commit()
    flash(_("The account %(name)s is active again.", name=user.username), "success")
    return redirect(url_for("admin.users.user_list"))


@requires(ADMIN)
def user_password(user_id: int):
    """Confirmation page; the POST sets a generated password and shows it this once."""
    user = user_or_404(user_id)
    if request.method == "POST":
        password = new_password()
        accounts.change_password(get_session(), user, password)
        get_session().commit()
        if user.id == g.user.id:  # the administrator's own browser stays signed in
            accounts.start_session(user)
        return render_template("admin/user_password.html", user=user, password=password,
                               created=False)
    return render_template(
        "admin/confirm.html",
        title=_("Reset the password of %(name)s?", name=user.username),
        text=_("A new password is generated and shown once. The old password stops working, "
               "the user is signed out everywhere and their API tokens are revoked."),
        action=_("Reset password"),
        cancel=url_for("admin.users.user_list"),
    )
