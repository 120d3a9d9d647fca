"""Sign in, sign out and change one's password."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from core import auth
from core.access import login_required, public
from core.db import get_session
from core.forms import ChangePasswordForm, LoginForm
from core.i18n import _, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        db = get_session()
        username = form.username.data.strip()
        client = auth.client_key(request.remote_addr)
        if auth.is_throttled(db, username, client):
            form.username.errors.append(
                _("Too many failed attempts. Wait a quarter of an hour and try again.")
            )
            status = 429
        else:
            user = auth.find_user(db, username)
            if user is not None and user.active and user.check_password(form.password.data):
                auth.clear_failures(db, username)
                db.commit()
                session.clear()
                session["user_id"] = user.id
                session["pw"] = user.password_hash[-12:]
                session.permanent = True
                flash(_("Welcome, %(name)s.", name=user.display_name), "success")
                return redirect(safe_next(request.args.get("next"), url_for("home")))
            auth.record_failure(db, username, client)
            db.commit()
            form.password.errors.append(_("Wrong user name or password."))
            status = 401
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    session.clear()
    flash(_("You are signed out."), "info")
    return forget_device_data(redirect(url_for("home")))


#: what a browser deletes for this site at sign-out: its caches (the café tablet's pages kept
#: for offline use) and its storage (the tablet's notes and queue, service workers)
CLEAR_SITE_DATA = '"cache", "storage"'


def forget_device_data(response):
    """Ask the browser to delete what this site kept on the device, so that the next person
    on a shared tablet reads nothing of the last one's café notes."""
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = g.user
        if not user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            user.set_password(form.new.data)
            get_session().commit()
            session["pw"] = user.password_hash[-12:]
            flash(_("Your password is changed."), "success")
            return redirect(url_for("home"))
    return render_template("auth/password.html", form=form)
