"""Sign in, sign out and change one's password."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta

from core.access import login_required, public
from core.auth import accounts
from core.auth.throttle import Throttled
from core.db import get_session
from core.forms import ChangePasswordForm, LoginForm
from core.i18n import _, ngettext, safe_next


def too_many_failures(wait: Throttled) -> str:
    return _("Too many failed sign-ins from here. Try again in %(wait)s.",
             wait=format_timedelta(timedelta(seconds=wait.wait_seconds), threshold=1.0))


@public
def login():
    form = LoginForm()
    status = 200
    headers = {}
    if form.validate_on_submit():
        db = get_session()
        try:
            user = accounts.authenticate(db, form.username.data.strip(), form.password.data)
        except Throttled as wait:
            form.username.errors.append(too_many_failures(wait))
            status, headers = 429, {"Retry-After": str(wait.wait_seconds)}
        else:
            if user is not None:
                session.clear()
                accounts.start_session(user)
                db.commit()
                flash(_("Welcome, %(name)s.", name=user.display_name), "success")
                return redirect(safe_next(request.args.get("next"), url_for("home")))
            form.password.errors.append(_("Wrong user name or password."))
            status = 401
    return render_template("auth/login.html", form=form), status, headers


@login_required
def logout():
    accounts.sign_out(g.user)
    get_session().commit()
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


@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = g.user
        try:
            confirmed = accounts.confirm_password(user, form.current.data)
        except Throttled as wait:
            form.current.errors.append(too_many_failures(wait))
            status = 429
        else:
            if confirmed:
                return _password_changed(user, form.new.data)
            form.current.errors.append(_("The current password is wrong."))
    return render_template("auth/password.html", form=form), status


def _password_changed(user: accounts.User, password: str):
    revoked = accounts.change_password(get_session(), user, password)
    get_session().commit()
    accounts.start_session(user)  # this browser stays signed in, all others are not
    flash(_("Your password is changed. You are signed out on every other device."), "success")
    if revoked:
        flash(ngettext("Your API token is revoked.",
                       "Your %(num)d API tokens are revoked.", revoked), "info")
    return redirect(url_for("home"))
