"""The "API tokens" page: a steering group member or an administrator (the roles the JSON API
answers) makes personal read-only tokens and revokes them. A new token is shown once (only
its digest is stored)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from core.access import CENTRAL, LOCAL, requires
from core.auth.accounts import ApiToken, issue_token
from core.db import get_session
from core.i18n import _
from steering.api.forms import RevokeForm, TokenForm
from steering.results.scope import current_user


def _own_tokens() -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == current_user().id).order_by(
        ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(get_session().scalars(stmt))


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template("steering/tokens.html", form=form, tokens=_own_tokens(),
                           revoke=RevokeForm(), new_token=new_token), status


@requires(CENTRAL, LOCAL)
def index():
    return _page(TokenForm())


@requires(CENTRAL, LOCAL)
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    db = get_session()
    raw = issue_token(db, current_user(), (form.label.data or "").strip())
    db.commit()
    flash(_("Copy the token now: it is shown only once."), "warning")
    return _page(TokenForm(formdata=None), new_token=raw)


@requires(CENTRAL, LOCAL)
def revoke():
    form = RevokeForm()
    if not form.validate_on_submit() or not (form.token.data or "").isdigit():
        abort(400)
    db = get_session()
    token = db.get(ApiToken, int(form.token.data))
    if token is None or token.user_id != current_user().id:
        abort(404)
    db.delete(token)
    db.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("api_tokens.index"))
